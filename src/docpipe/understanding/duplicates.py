"""Duplicate submissions: byte-identical files, or re-saved files with the same text.

A duplicate is a second copy within one unit: that unit submitted the same thing twice.  The
same file sent by two units is no duplicate: each unit did submit it (the progress report
must not call either one overdue), so it counts for both, and each copy is flagged with the
other units that also submitted it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from docpipe.records import DocStatus, DocumentResult
from docpipe.understanding.units import unit_of

__all__ = ["mark_duplicates"]


def mark_duplicates(results: Sequence[DocumentResult]) -> list[DocumentResult]:
    """Within each unit keep the first of identical files and mark the rest; across units
    flag each copy with the other units that submitted it (``also_submitted_by``).

    "First" is by inbox path so that reruns agree.  A duplicate keeps no items: they are counted
    once, under the first file.  The results come back in inbox path order.
    """
    by_sha: dict[tuple[str, str], str] = {}
    by_text: dict[tuple[str, str], str] = {}
    marked: list[DocumentResult] = []
    for result in sorted(results, key=lambda r: r.source.relpath):
        doc, unit = result.document, unit_of(result)
        first = by_sha.get((unit, doc.sha256)) or (
            by_text.get((unit, doc.text_hash)) if doc.ok and doc.text_hash else ""
        )
        if first and doc.status in (DocStatus.OK, DocStatus.DUPLICATE):
            doc = replace(doc, status=DocStatus.DUPLICATE, duplicate_of=first)
            marked.append(replace(result, document=doc, items=()))
            continue
        by_sha.setdefault((unit, doc.sha256), result.source.relpath)
        if doc.ok and doc.text_hash:
            by_text.setdefault((unit, doc.text_hash), result.source.relpath)
        marked.append(result)
    return _flag_shared(marked)


def _flag_shared(results: list[DocumentResult]) -> list[DocumentResult]:
    """Each readable copy kept, flagged with the other units that sent the same file or text."""
    units_of: defaultdict[str, set[str]] = defaultdict(set)
    for r in results:
        if r.document.ok:
            for key in _keys(r):
                units_of[key].add(unit_of(r))
    flagged = []
    for r in results:
        others: set[str] = set()
        if r.document.ok:
            for key in _keys(r):
                others |= units_of[key]
            others.discard(unit_of(r))
        flagged.append(replace(r, also_submitted_by=tuple(sorted(others))) if others else r)
    return flagged


def _keys(result: DocumentResult) -> tuple[str, ...]:
    doc = result.document
    return (f"sha:{doc.sha256}", *((f"text:{doc.text_hash}",) if doc.text_hash else ()))
