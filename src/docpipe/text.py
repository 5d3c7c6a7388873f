"""Text normalisation shared by every stage, with the one traditional→simplified converter.

- ``simplified``: traditional script to simplified (OpenCC t2s), cached per text;
- ``compact``: the form cues and names are matched in (no whitespace, simplified script);
- ``model_form``: what the classifier sees (NFKC widths, simplified, no stray spaces).
Item texts themselves keep their script and wording.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import opencc

__all__ = ["compact", "model_form", "simplified"]

_WS = re.compile(r"[\s\u3000\u200b\ufeff]+")
# CJK ideographs, CJK symbols and punctuation, full-width forms: a space next to one of these
# is an artefact of copying from a PDF or web page, not a word break.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—·"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


@cache
def _t2s() -> opencc.OpenCC:
    """The traditional → simplified converter, built once per process (it loads dictionaries)."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 16)
def simplified(text: str) -> str:
    return _t2s().convert(text) if not text.isascii() else text


def compact(text: str) -> str:
    """The form texts are matched in: no whitespace, simplified script (简体).

    Cues must not depend on stray spaces or on a file typed in traditional script.
    """
    return simplified(_WS.sub("", text))


def model_form(text: str) -> str:
    """Simplified script, NFKC widths, no stray spaces in Chinese text, single spaces elsewhere."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()
