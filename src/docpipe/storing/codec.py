"""How docpipe's records are laid out in the catalog's rows, and read back from them.

``encode_result`` turns a DocumentResult into ``StoredRows`` (plain tuples, strings and bytes,
cheap to send from a worker process); ``decode_result`` rebuilds the record from a document row
and its item rows.  Text that SQLite cannot hold as UTF-8 (lone surrogates from undecodable file
names) is stored as a BLOB and flagged ``odd``.  The database itself is ``storing.catalog``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from docpipe.records import (
    ClassifiedItem,
    DocInfo,
    DocStatus,
    DocumentResult,
    ErrorCode,
    InboxFile,
    Item,
    Paragraph,
    Prediction,
    SourceDocument,
    Table,
)
from docpipe.serialize import dumps_value, from_dict, to_dict

__all__ = [
    "BODY_FIELDS",
    "COVERED_FIELDS",
    "DOC_COLUMNS",
    "ITEM_COLUMNS",
    "PREDICTION_COLUMNS",
    "StoredRows",
    "decode_result",
    "encode_result",
    "path_from",
    "path_key",
    "prediction_values",
    "storable",
    "storable_values",
    "stored_text",
]

# SourceDocument fields kept in the compressed ``body`` column rather than in columns of their own;
# paragraphs, the bulk of it, as plain lists in PARAGRAPH_FIELDS order (faster to read back).
BODY_FIELDS = ("paragraphs", "tables", "headers", "footers", "footnotes", "endnotes", "comments")
PARAGRAPH_FIELDS = ("text", "style", "numbering", "level", "table")

DOC_COLUMNS = (
    "relpath, unit, doc_path, sha256, text_hash, size, status, error_code, message, duplicate_of,"
    " flags, has_info, doc_type, doc_type_confidence, info_unit, unit_source, unit_known, title"
)
PREDICTION_COLUMNS = (
    "label, merged_label, prob_labels, prob_values, needs_review, secondary, terms"
)
ITEM_COLUMNS = (
    "path, unit, doc_type, item_index, text, heading_path, locator, fields, hint, "
    + PREDICTION_COLUMNS
    + ", point"
)
ITEM_MARKS = ", ".join("?" * (3 + len(ITEM_COLUMNS.split(","))))

# The record fields the columns above hold; a test checks that no record field is left out.
COVERED_FIELDS: Mapping[type, frozenset[str]] = {
    InboxFile: frozenset({"path", "relpath", "unit"}),
    SourceDocument: frozenset(
        {"path", "sha256", "status", "error_code", "message", "text_hash", "size", "flags"}
        | {"duplicate_of", *BODY_FIELDS}
    ),
    DocInfo: frozenset(
        {"doc_type", "doc_type_confidence", "unit", "unit_source", "unit_known", "title"}
    ),
    Item: frozenset(
        {"path", "unit", "doc_type", "index", "text", "heading_path", "locator", "fields", "hint",
         "point"}
    ),
    Prediction: frozenset(
        {"label", "probabilities", "merged_label", "needs_review", "secondary", "terms"}
    ),
}

class StoredRows(NamedTuple):
    """One result as the catalog's rows: what ``encode_result`` makes and ``store_rows`` takes.

    Plain tuples, strings and bytes: workers encode their results and send these (cheap to
    pickle) instead of the records, so the process holding the catalog only inserts them.
    """

    path: str
    size: int
    odd: int  # 1: some document text column holds lone surrogates as a BLOB
    document: tuple[Any, ...]  # DOC_COLUMNS values
    body: bytes
    items: tuple[tuple[Any, ...], ...]  # (odd, *ITEM_COLUMNS values) per item, in order


def encode_result(result: DocumentResult) -> StoredRows:
    """The catalog rows of one result (without model version, mtime and time of storing)."""
    path = result.source.path
    texts, odd = storable_values(_document_values(result))
    memo: dict[tuple[str, ...], str] = {}
    return StoredRows(
        path,
        result.document.size,
        odd,
        tuple(texts),
        _body(result.document),
        tuple(tuple(_item_row(ci, path, memo)) for ci in result.items),
    )


def path_key(path: str) -> tuple[str, bytes]:
    """The (readable text, raw bytes) key of a path; raw is empty when the text is exact."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = path.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as exc:
            raise ValueError(f"not a file-system path: {path!r}") from exc
        if raw.decode("utf-8", "surrogateescape") != path:
            raise ValueError(f"not a file-system path: {path!r}") from None
        return raw.decode("utf-8", "backslashreplace"), raw
    return path, b""


def path_from(text: str, raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape") if raw else text


def storable(value: str) -> str | bytes:
    """A string SQLite can store: lone surrogates cannot be UTF-8, so such text goes as a BLOB."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")
    return value


def stored_text(value: Any) -> Any:
    return value.decode("utf-8", "surrogatepass") if type(value) is bytes else value


def storable_values(values: Sequence[Any]) -> tuple[list[Any], int]:
    """Column values with strings made storable, and 1 if any needed the BLOB form."""
    out = [storable(v) if isinstance(v, str) else v for v in values]
    odd = any(type(v) is bytes for v in out)
    return out, int(odd)


def _json_tuple(values: tuple[str, ...], memo: dict[tuple[str, ...], str]) -> str:
    # Items of a document share heading paths, and all items share the label list.
    text = memo.get(values)
    if text is None:
        text = memo[values] = dumps_value(list(values))
    return text


def _tuple_from(text: str, memo: dict[str, Any]) -> tuple[str, ...]:
    value = memo.get(text)
    if value is None:
        value = memo[text] = tuple(json.loads(text))
    return value


def _document_values(result: DocumentResult) -> list[Any]:
    doc, info, source = result.document, result.info, result.source
    return [
        source.relpath,
        source.unit,
        None if doc.path == source.path else doc.path,
        doc.sha256,
        doc.text_hash,
        int(doc.size),
        doc.status.value,
        None if doc.error_code is None else doc.error_code.value,
        doc.message,
        doc.duplicate_of,
        dumps_value(list(doc.flags)),
        int(info is not None),
        *(
            (None,) * 6
            if info is None
            else (
                info.doc_type,
                float(info.doc_type_confidence),
                info.unit,
                info.unit_source,
                int(info.unit_known),
                info.title,
            )
        ),
    ]


def _body(doc: SourceDocument) -> bytes:
    """The document's text parts as compressed JSON; empty for a file without text."""
    data: dict[str, Any] = {}
    if doc.paragraphs:
        data["paragraphs"] = [[getattr(p, f) for f in PARAGRAPH_FIELDS] for p in doc.paragraphs]
    if doc.tables:
        data["tables"] = [to_dict(t) for t in doc.tables]
    for name in BODY_FIELDS[2:]:
        if getattr(doc, name):
            data[name] = list(getattr(doc, name))
    return zlib.compress(dumps_value(data).encode("utf-8"), 6) if data else b""


def prediction_values(p: Prediction, memo: dict[tuple[str, ...], str]) -> list[Any]:
    return [
        p.label,
        p.merged_label,
        _json_tuple(tuple(p.probabilities), memo),
        # repr of a float reads back to the same float; float() also unwraps numpy scalars
        ",".join([repr(float(v)) for v in p.probabilities.values()]),
        int(bool(p.needs_review)),
        p.secondary,
        _json_tuple(tuple(p.terms), memo),
    ]


def _item_row(ci: ClassifiedItem, doc_path: str, memo: dict[tuple[str, ...], str]) -> list[Any]:
    it = ci.item
    values = [
        None if it.path == doc_path else it.path,
        it.unit,
        it.doc_type,
        int(it.index),
        it.text,
        _json_tuple(tuple(it.heading_path), memo),
        it.locator,
        dumps_value(dict(it.fields)) if it.fields else "{}",
        it.hint,
        *prediction_values(ci.prediction, memo),
        it.point,
    ]
    texts, odd = storable_values(values)
    return [odd, *texts]


def _item(row: Sequence[Any], doc_path: str, memo: dict[str, Any]) -> ClassifiedItem:
    """A ClassifiedItem from (doc_id, odd, *ITEM_COLUMNS)."""
    if row[1]:
        row = [stored_text(v) for v in row]
    (_, _, path, unit, doc_type, index, text, heading, locator, fields_, hint,
     label, merged, prob_labels, prob_values, review, secondary, terms, point) = row  # fmt: skip
    item = Item(
        path=doc_path if path is None else path,
        unit=unit,
        doc_type=doc_type,
        index=index,
        text=text,
        heading_path=_tuple_from(heading, memo),
        locator=locator,
        fields={} if fields_ == "{}" else json.loads(fields_),
        hint=hint,
        point=point,
    )
    probabilities = (
        dict(zip(_tuple_from(prob_labels, memo), map(float, prob_values.split(",")), strict=True))
        if prob_values
        else {}
    )
    prediction = Prediction(
        label=label,
        probabilities=probabilities,
        merged_label=merged,
        needs_review=bool(review),
        secondary=secondary,
        terms=_tuple_from(terms, memo),
    )
    return ClassifiedItem(item=item, prediction=prediction)


def _paragraphs(rows: list[list[Any]]) -> tuple[Paragraph, ...]:
    return tuple(
        Paragraph(
            text=text,
            style=style,
            numbering=numbering,
            level=level,
            table=None if table is None else tuple(table),
        )
        for text, style, numbering, level, table in rows
    )


def decode_result(
    row: Sequence[Any],
    item_rows: Sequence[Sequence[Any]],
    memo: dict[str, Any],
    *,
    with_text: bool,
) -> DocumentResult:
    """A DocumentResult from (id, path, path_raw, odd, *DOC_COLUMNS, body) and its item rows."""
    path = path_from(row[1], row[2])
    body_blob = row[-1]
    if row[3]:  # path_raw and body are genuine BLOBs; other BLOBs are odd text
        row = [*row[:4], *(stored_text(v) for v in row[4:-1])]
    (_, _, _, _, relpath, unit, doc_path, sha256, text_hash, size, status, error_code, message,
     duplicate_of, flags, has_info, doc_type, confidence, info_unit, unit_source, unit_known,
     title) = row[:22]  # fmt: skip
    body: dict[str, Any] = {}
    if with_text and body_blob:
        body = json.loads(zlib.decompress(body_blob))
    document = SourceDocument(
        path=path if doc_path is None else doc_path,
        sha256=sha256,
        status=DocStatus(status),
        paragraphs=_paragraphs(body.get("paragraphs", [])),
        tables=tuple(from_dict(Table, t) for t in body.get("tables", ())),
        error_code=None if error_code is None else ErrorCode(error_code),
        message=message,
        text_hash=text_hash,
        size=size,
        headers=tuple(body.get("headers", ())),
        footers=tuple(body.get("footers", ())),
        footnotes=tuple(body.get("footnotes", ())),
        endnotes=tuple(body.get("endnotes", ())),
        comments=tuple(body.get("comments", ())),
        flags=_tuple_from(flags, memo),
        duplicate_of=duplicate_of,
    )
    info = None
    if has_info:
        info = DocInfo(
            doc_type=doc_type,
            doc_type_confidence=confidence,
            unit=info_unit,
            unit_source=unit_source,
            unit_known=bool(unit_known),
            title=title,
        )
    return DocumentResult(
        source=InboxFile(path=path, relpath=relpath, unit=unit),
        document=document,
        info=info,
        items=tuple(_item(r, path, memo) for r in item_rows),
    )
