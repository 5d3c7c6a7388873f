"""Locators as a clerk finds them in the printed file: "第15段第1项", "表1第16行".

The stored locator ("p15.1", "t1r16") stays the machine form (items.jsonl, the catalog); every
draft and the dashboard show it through ``clerk_locator``, so that one convention is printed
everywhere: paragraphs counted from 1 in reading order, tables from 1 in order of appearance,
rows from 1 with the header row as row 1, parts of one paragraph or cell from 1.
"""

from __future__ import annotations

import re

__all__ = ["clerk_locator"]

_LOCATOR = re.compile(r"^(?:p(?P<para>\d+)|t(?P<table>\d+)r(?P<row>\d+))(?:\.(?P<part>\d+))?$")


def clerk_locator(locator: str) -> str:
    """"p15.1" → "第15段第1项", "t1r16" → "表1第16行"; anything else is shown as it is."""
    match = _LOCATOR.match(locator.strip())
    if match is None:
        return locator
    where = (f"第{match['para']}段" if match["para"] is not None
             else f"表{match['table']}第{match['row']}行")
    return where + (f"第{match['part']}项" if match["part"] is not None else "")
