"""Duplicate submissions: byte-identical files, or re-saved files with the same text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from docpipe.records import DocStatus, DocumentResult

__all__ = ["mark_duplicates"]


def mark_duplicates(results: Sequence[DocumentResult]) -> list[DocumentResult]:
    """Keep the first of byte-identical files or re-saved files with the same text; mark the rest.

    "First" is by inbox path so that reruns agree.  A duplicate keeps no items: they are counted
    once, under the first file.
    """
    by_sha: dict[str, str] = {}
    by_text: dict[str, str] = {}
    marked: list[DocumentResult] = []
    for result in sorted(results, key=lambda r: r.source.relpath):
        doc = result.document
        first = by_sha.get(doc.sha256) or (
            by_text.get(doc.text_hash) if doc.ok and doc.text_hash else ""
        )
        if first and doc.status is not DocStatus.REJECTED:
            doc = replace(doc, status=DocStatus.DUPLICATE, duplicate_of=first)
            marked.append(replace(result, document=doc, items=()))
            continue
        by_sha.setdefault(doc.sha256, result.source.relpath)
        if doc.ok and doc.text_hash:
            by_text.setdefault(doc.text_hash, result.source.relpath)
        marked.append(result)
    return marked
