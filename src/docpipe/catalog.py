"""The embedded SQLite catalog of every document docpipe has seen, and of its classified items.

One row per inbox file (keyed by its path) holds the reader's verdict, what the document is, the
model version that classified it and, compressed, the body text, so a rerun can reuse the result
of an unchanged file, find duplicates, reclassify stored items with a new model and rebuild every
summary without opening a single .docx.  Each item is a row with its label, so the catalog can
also be queried directly (``sqlite3 out/catalog.sqlite "select label, count(*) from items ..."``).

Every write is one transaction (WAL journal): a crash or SIGKILL leaves the previous state or the
new one, never a mix.  The schema is versioned with ``PRAGMA user_version``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
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
    "DEFAULT_FILENAME",
    "SCHEMA_VERSION",
    "Catalog",
    "CatalogError",
    "StoredRows",
    "catalog_path",
    "encode_result",
    "parse_catalog_url",
]

DEFAULT_FILENAME = "catalog.sqlite"
SCHEMA_VERSION = 2

# SourceDocument fields kept in the compressed ``body`` column rather than in columns of their own;
# paragraphs, the bulk of it, as plain lists in PARAGRAPH_FIELDS order (faster to read back).
BODY_FIELDS = ("paragraphs", "tables", "headers", "footers", "footnotes", "endnotes", "comments")
PARAGRAPH_FIELDS = ("text", "style", "numbering", "level", "table")

_SCHEMA_V1 = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,                  -- readable UTF-8 form; undecodable bytes shown as \\xNN
    path_raw BLOB NOT NULL DEFAULT X'',  -- the file-system bytes, only when path needed escaping
    odd INTEGER NOT NULL DEFAULT 0,      -- 1: some text column holds lone surrogates as a BLOB
    relpath TEXT NOT NULL,
    unit TEXT NOT NULL,                  -- the unit the inbox folder names
    doc_path TEXT,                       -- SourceDocument.path when it differs from path
    sha256 TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,           -- -1 when unknown: the next run hashes the file again
    status TEXT NOT NULL,
    error_code TEXT,
    message TEXT NOT NULL,
    duplicate_of TEXT NOT NULL,
    flags TEXT NOT NULL,                 -- JSON list
    has_info INTEGER NOT NULL,
    doc_type TEXT,
    doc_type_confidence REAL,
    info_unit TEXT,
    unit_source TEXT,
    unit_known INTEGER,
    title TEXT,
    body BLOB NOT NULL,                  -- zlib-compressed JSON of paragraphs, tables, notes ...
    model_version TEXT NOT NULL,
    processed_at TEXT NOT NULL,          -- UTC, ISO 8601
    missing_since TEXT,                  -- set when the file left the inbox; the row is kept
    UNIQUE (path, path_raw)
);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_text_hash ON documents (text_hash) WHERE text_hash != '';
CREATE TABLE items (
    doc_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,                -- position in DocumentResult.items
    odd INTEGER NOT NULL DEFAULT 0,
    path TEXT,                           -- Item.path when it differs from the document's path
    unit TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    item_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    heading_path TEXT NOT NULL,          -- JSON list
    locator TEXT NOT NULL,
    fields TEXT NOT NULL,                -- JSON object
    hint TEXT NOT NULL,
    label TEXT NOT NULL,
    merged_label TEXT NOT NULL,
    prob_labels TEXT NOT NULL,           -- JSON list of the labels with a probability
    prob_values TEXT NOT NULL,           -- their probabilities, comma-separated, same order
    needs_review INTEGER NOT NULL,
    secondary TEXT NOT NULL,
    terms TEXT NOT NULL,                 -- JSON list
    UNIQUE (doc_id, pos)
);
CREATE INDEX items_label ON items (label);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('revision', 0);
CREATE VIEW current_items AS
    SELECT d.path AS file, d.unit AS folder_unit, d.model_version, i.*
    FROM items AS i JOIN documents AS d ON d.id = i.doc_id
    WHERE d.missing_since IS NULL;
"""

# Schema scripts by the version they produce; a new version appends an ALTER script here.
# Version 2: Item.point, the point an item (a manifestation) belongs to.
_SCHEMA_V2 = "ALTER TABLE items ADD COLUMN point TEXT NOT NULL DEFAULT '';"
_MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2}

_DOC_COLUMNS = (
    "relpath, unit, doc_path, sha256, text_hash, size, status, error_code, message, duplicate_of,"
    " flags, has_info, doc_type, doc_type_confidence, info_unit, unit_source, unit_known, title"
)
_PREDICTION_COLUMNS = (
    "label, merged_label, prob_labels, prob_values, needs_review, secondary, terms"
)
_ITEM_COLUMNS = (
    "path, unit, doc_type, item_index, text, heading_path, locator, fields, hint, "
    + _PREDICTION_COLUMNS
    + ", point"
)
_ITEM_MARKS = ", ".join("?" * (3 + len(_ITEM_COLUMNS.split(","))))

# Insert a document row, or update it in place (keeping its id) when its path is already known.
_UPSERT_COLUMNS = (*(c.strip() for c in _DOC_COLUMNS.split(",")), "body", "mtime_ns")
_UPSERT_DOCUMENT = (
    f"INSERT INTO documents (path, path_raw, odd, {', '.join(_UPSERT_COLUMNS)}, model_version,"
    f" processed_at) VALUES ({', '.join('?' * (len(_UPSERT_COLUMNS) + 5))})"
    " ON CONFLICT (path, path_raw) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ("odd", *_UPSERT_COLUMNS, "model_version"))
    + ", processed_at = excluded.processed_at, missing_since = NULL RETURNING id"
)

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

_IN_CHUNK = 400  # values per "IN (...)" list: far below SQLite's limit on parameters
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


class CatalogError(RuntimeError):
    """The catalog cannot be opened or used: bad URL, not a catalog, written by a newer docpipe."""


def parse_catalog_url(url: str) -> Path | str:
    """The file a ``sqlite:///path`` URL names (SQLAlchemy's form: four slashes for absolute).

    ``sqlite:///:memory:`` gives an in-memory catalog; any other scheme is rejected.
    """
    match = _URL_SCHEME.match(url)
    if not match:
        raise CatalogError(
            f"not a catalog URL: {url!r} (expected sqlite:///path/to/catalog.sqlite)"
        )
    scheme = match.group(1).lower()
    if scheme != "sqlite":
        raise CatalogError(
            f"unsupported catalog URL scheme {scheme!r} in {url!r}: the catalog is an embedded "
            "SQLite file; use sqlite:///relative/path or sqlite:////absolute/path"
        )
    rest = url[match.end() :]
    if not rest.startswith("/") or rest == "/":
        raise CatalogError(
            f"catalog URL {url!r} names no file: use sqlite:///relative/path or "
            "sqlite:////absolute/path"
        )
    rest = rest[1:]
    return rest if rest == ":memory:" else Path(rest)


def catalog_path(setting: str | Path | None, out_dir: str | Path) -> Path | str:
    """Where the catalog lives: the setting (path or sqlite URL), else ``<out>/catalog.sqlite``."""
    if setting is None or setting == "":
        return Path(out_dir) / DEFAULT_FILENAME
    return _location(setting)


def _location(setting: str | Path) -> Path | str:
    if isinstance(setting, str):
        if _URL_SCHEME.match(setting):
            return parse_catalog_url(setting)
        if setting == ":memory:":
            return setting
    return Path(setting)


class Catalog:
    """The catalog file, open for reading and writing; safe to share between threads.

    ``path`` is a file (its folder is created), a ``sqlite:///`` URL, or ``":memory:"``.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = path = _location(path)
        self._lock = threading.RLock()
        try:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except (OSError, sqlite3.Error) as exc:
            raise CatalogError(f"cannot open catalog {path}: {exc}") from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # with WAL: consistent after a crash
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise CatalogError(f"{path} is not a docpipe catalog: {exc}") from exc
        except BaseException:
            self._db.close()
            raise

    # -- life cycle ----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._db is None:
                return
            with suppress(sqlite3.Error):  # a courtesy; closing must not fail because of it
                self._db.execute("PRAGMA optimize")
            self._db.close()
            self._db = None  # type: ignore[assignment]

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> None:
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise CatalogError(
                    f"catalog {self.path} has schema version {version}, newer than this "
                    f"docpipe understands ({SCHEMA_VERSION}); upgrade docpipe"
                )
            if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise CatalogError(f"{self.path} is an SQLite file but not a docpipe catalog")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(_MIGRATIONS[target]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; an exception anywhere rolls all of it back."""
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several queries see the same snapshot."""
        with self._lock:
            db = self._connection()
            db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise CatalogError(f"catalog {self.path} is closed")
        return self._db

    # -- questions -----------------------------------------------------------------------------

    def lookup(self, path: str, sha256: str) -> DocumentResult | None:
        """The stored result for this file if these exact bytes (path and sha256) were processed.

        A file marked missing is found too: it may have come back unchanged.
        """
        try:
            key, raw = _path_key(path)
        except ValueError:
            return None  # not a file-system name, so never stored
        with self._read() as db:
            row = db.execute(
                f"SELECT id, path, path_raw, odd, {_DOC_COLUMNS}, body FROM documents"
                " WHERE path = ? AND path_raw = ? AND sha256 = ?",
                (key, raw, _put(sha256)),
            ).fetchone()
            if row is None:
                return None
            items = db.execute(
                f"SELECT doc_id, odd, {_ITEM_COLUMNS} FROM items WHERE doc_id = ? ORDER BY pos",
                (row[0],),
            ).fetchall()
        return _result(row, items, {}, with_text=True)

    def seen_sha(self, sha256: str) -> str | None:
        """The first present path stored with these bytes (duplicate detection), or None.

        "First" is an original before a file already marked duplicate, then by path, so that
        reruns agree whatever order files were processed in.
        """
        return self._first_path("sha256", sha256)

    def seen_text(self, text_hash: str) -> str | None:
        """The first present path whose extracted text had this hash (as seen_sha), or None."""
        return self._first_path("text_hash", text_hash) if text_hash else None

    def _first_path(self, column: str, value: str) -> str | None:
        with self._read() as db:
            row = db.execute(
                f"SELECT path, path_raw FROM documents WHERE {column} = ?"
                " AND missing_since IS NULL ORDER BY status = ?, path, path_raw LIMIT 1",
                (_put(value), DocStatus.DUPLICATE.value),
            ).fetchone()
        return None if row is None else _path_from(row[0], row[1])

    def fingerprints(self) -> dict[str, tuple[int, int, str]]:
        """path -> (size, mtime_ns, sha256) of every stored file, in one query.

        A file whose size and mtime_ns are unchanged can be skipped without hashing it.
        """
        with self._read() as db:
            rows = db.execute(
                "SELECT path, path_raw, size, mtime_ns, sha256, odd FROM documents"
            ).fetchall()
        return {
            _path_from(p, raw): (size, mtime, _get(sha) if odd else sha)
            for p, raw, size, mtime, sha, odd in rows
        }

    def results(
        self,
        paths: Iterable[str] | None = None,
        *,
        with_text: bool = True,
        with_items: bool = True,
    ) -> list[DocumentResult]:
        """Current (not missing) documents' results: all of them ordered by path, or those of
        ``paths`` in that order (paths not stored, or missing, are left out).

        ``with_text=False`` leaves the SourceDocuments' paragraphs, tables and notes empty: enough
        for summaries, and much faster on a large catalog; ``with_items=False`` leaves the items
        out as well (statuses, types and units of every file, for a few kilobytes each).
        """
        body = "body" if with_text else "X''"
        columns = f"id, path, path_raw, odd, {_DOC_COLUMNS}, {body}"
        with self._read() as db:
            if paths is None:
                docs = db.execute(
                    f"SELECT {columns} FROM documents"
                    " WHERE missing_since IS NULL ORDER BY path, path_raw"
                ).fetchall()
            else:
                docs = self._documents(db, columns, paths)
            item_rows = self._item_rows(db, [d[0] for d in docs]) if with_items else []
        by_doc: dict[int, list[tuple[Any, ...]]] = {}
        for row in item_rows:
            by_doc.setdefault(row[0], []).append(row)
        memo: dict[str, Any] = {}  # decoded label lists and heading paths, shared (immutable)
        return [_result(doc, by_doc.get(doc[0], ()), memo, with_text=with_text) for doc in docs]

    @staticmethod
    def _documents(
        db: sqlite3.Connection, columns: str, paths: Iterable[str]
    ) -> list[tuple[Any, ...]]:
        keys = []
        for path in paths:
            with suppress(ValueError):  # not a file-system name, so never stored
                keys.append(_path_key(path))
        found: dict[tuple[str, bytes], tuple[Any, ...]] = {}
        for start in range(0, len(keys), _IN_CHUNK):
            chunk = keys[start:start + _IN_CHUNK]
            values = ", ".join("(?, ?)" for _ in chunk)
            rows = db.execute(
                f"SELECT {columns} FROM documents WHERE missing_since IS NULL"
                f" AND (path, path_raw) IN (VALUES {values})",
                [v for key in chunk for v in key],
            )
            found.update(((row[1], row[2]), row) for row in rows)
        return [found[key] for key in dict.fromkeys(keys) if key in found]

    @staticmethod
    def _item_rows(db: sqlite3.Connection, doc_ids: Sequence[int]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(doc_ids), _IN_CHUNK):
            chunk = doc_ids[start:start + _IN_CHUNK]
            rows += db.execute(
                f"SELECT doc_id, odd, {_ITEM_COLUMNS} FROM items"
                f" WHERE doc_id IN ({', '.join('?' * len(chunk))}) ORDER BY doc_id, pos",
                chunk,
            ).fetchall()
        return rows

    def missing(self) -> list[str]:
        """Paths marked as gone from the inbox, ordered by path."""
        with self._read() as db:
            rows = db.execute(
                "SELECT path, path_raw FROM documents WHERE missing_since IS NOT NULL"
                " ORDER BY path, path_raw"
            ).fetchall()
        return [_path_from(p, raw) for p, raw in rows]

    def revision(self) -> int:
        """A number that changes with every write: equal numbers mean an unchanged catalog.

        Record it with a run's outputs; if it has not moved, the summaries are still current.
        """
        with self._read() as db:
            return int(db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def stale_paths(self, model_version: str) -> list[str]:
        """Current documents classified by another model version, ordered by path."""
        with self._read() as db:
            rows = db.execute(
                "SELECT path, path_raw FROM documents"
                " WHERE missing_since IS NULL AND model_version != ? ORDER BY path, path_raw",
                (_put(model_version),),
            ).fetchall()
        return [_path_from(p, raw) for p, raw in rows]

    # -- changes -------------------------------------------------------------------------------

    def store(
        self, result: DocumentResult, model_version: str, *, mtime_ns: int | None = None
    ) -> None:
        """Record one file's result, replacing whatever was stored for its path (items too).

        ``mtime_ns`` should come from a stat taken *before* the file was read; without it the
        file is stat-ed now, and a size that no longer matches makes the next run hash it again.
        """
        mtimes = None if mtime_ns is None else {result.source.path: mtime_ns}
        self.store_many([result], model_version, mtimes=mtimes)

    def store_many(
        self,
        results: Iterable[DocumentResult],
        model_version: str,
        *,
        mtimes: Mapping[str, int] | None = None,
    ) -> None:
        """Record many results in one transaction: all of them are stored, or none."""
        self.store_rows((encode_result(r) for r in results), model_version, mtimes=mtimes)

    def store_rows(
        self,
        encoded: Iterable[StoredRows],
        model_version: str,
        *,
        mtimes: Mapping[str, int] | None = None,
    ) -> None:
        """``store_many`` for results already encoded (``encode_result``, e.g. by a worker)."""
        now = _now()
        with self._write() as db:
            stored = 0
            for rows in encoded:
                _store_one(db, rows, model_version, _mtime_of(rows, mtimes), now)
                stored += 1
            if stored:
                _bump(db)

    def update_predictions(
        self, path: str, predictions: Sequence[Prediction], model_version: str
    ) -> None:
        """Replace the labels of a stored file's items (in stored order) without re-reading it."""
        self.update_predictions_many({path: predictions}, model_version)

    def update_predictions_many(
        self, predictions: Mapping[str, Sequence[Prediction]], model_version: str
    ) -> None:
        """``update_predictions`` for many files in one transaction: all of them, or none."""
        memo: dict[tuple[str, ...], str] = {}
        marks = ", ".join("?" * len(_PREDICTION_COLUMNS.split(",")))
        now = _now()
        with self._write() as db:
            for path, new in predictions.items():
                key, raw = _path_key(path)
                row = db.execute(
                    "SELECT id, (SELECT count(*) FROM items WHERE doc_id = documents.id)"
                    " FROM documents WHERE path = ? AND path_raw = ?",
                    (key, raw),
                ).fetchone()
                if row is None:
                    raise KeyError(f"no document stored for {path!r}")
                doc_id, count = row
                if count != len(new):
                    raise ValueError(
                        f"{path!r} has {count} stored items but {len(new)} predictions"
                    )
                db.executemany(
                    f"UPDATE items SET ({_PREDICTION_COLUMNS}) = ({marks}), odd = odd OR ?"
                    " WHERE doc_id = ? AND pos = ?",
                    (
                        (*texts, odd, doc_id, pos)
                        for pos, (texts, odd) in enumerate(
                            _texts(_prediction_values(p, memo)) for p in new
                        )
                    ),
                )
                db.execute(
                    "UPDATE documents SET model_version = ?, processed_at = ? WHERE id = ?",
                    (_put(model_version), now, doc_id),
                )
            if predictions:
                _bump(db)

    def forget_missing(self, present_paths: Iterable[str]) -> list[str]:
        """Mark stored files absent from ``present_paths`` as missing (rows are kept).

        Files that came back are unmarked.  Returns the paths newly marked, ordered by path.
        """
        present = set()
        for p in present_paths:
            with suppress(ValueError):  # not a file-system name, so never stored
                present.add(_path_key(p))
        now = _now()
        with self._write() as db:
            rows = db.execute(
                "SELECT id, path, path_raw, missing_since IS NOT NULL FROM documents"
                " ORDER BY path, path_raw"
            ).fetchall()
            gone = [(i, p, raw) for i, p, raw, was in rows if not was and (p, raw) not in present]
            back = [(i,) for i, p, raw, was in rows if was and (p, raw) in present]
            db.executemany(
                "UPDATE documents SET missing_since = ? WHERE id = ?",
                ((now, i) for i, _, _ in gone),
            )
            db.executemany("UPDATE documents SET missing_since = NULL WHERE id = ?", back)
            if gone or back:
                _bump(db)
        return [_path_from(p, raw) for _, p, raw in gone]


# -- rows <-> records --------------------------------------------------------------------------


class StoredRows(NamedTuple):
    """One result as the catalog's rows: what ``encode_result`` makes and ``store_rows`` takes.

    Plain tuples, strings and bytes: workers encode their results and send these (cheap to
    pickle) instead of the records, so the process holding the catalog only inserts them.
    """

    path: str
    size: int
    odd: int  # 1: some document text column holds lone surrogates as a BLOB
    document: tuple[Any, ...]  # _DOC_COLUMNS values
    body: bytes
    items: tuple[tuple[Any, ...], ...]  # (odd, *_ITEM_COLUMNS values) per item, in order


def encode_result(result: DocumentResult) -> StoredRows:
    """The catalog rows of one result (without model version, mtime and time of storing)."""
    path = result.source.path
    texts, odd = _texts(_document_values(result))
    memo: dict[tuple[str, ...], str] = {}
    return StoredRows(
        path,
        result.document.size,
        odd,
        tuple(texts),
        _body(result.document),
        tuple(tuple(_item_row(ci, path, memo)) for ci in result.items),
    )


def _store_one(
    db: sqlite3.Connection, rows: StoredRows, model_version: str, mtime_ns: int, now: str
) -> None:
    """Upsert the document row, then replace its items (inside the caller's transaction)."""
    key, raw = _path_key(rows.path)
    row = (key, raw, rows.odd, *rows.document, rows.body, mtime_ns, _put(model_version), now)
    doc_id = db.execute(_UPSERT_DOCUMENT, row).fetchone()[0]
    db.execute("DELETE FROM items WHERE doc_id = ?", (doc_id,))
    db.executemany(
        f"INSERT INTO items (doc_id, pos, odd, {_ITEM_COLUMNS}) VALUES ({_ITEM_MARKS})",
        ((doc_id, pos, *item) for pos, item in enumerate(rows.items)),
    )


def _statements(script: str) -> list[str]:
    # executescript() would commit the open transaction; run the statements one by one instead.
    without_comments = re.sub(r"--[^\n]*", "", script)
    return [s.strip() for s in without_comments.split(";") if s.strip()]


def _prefixed(columns: str, prefix: str) -> str:
    return ", ".join(prefix + c.strip() for c in columns.split(","))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _bump(db: sqlite3.Connection) -> None:
    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")


def _mtime_of(rows: StoredRows, mtimes: Mapping[str, int] | None) -> int:
    if mtimes is not None and rows.path in mtimes:
        return int(mtimes[rows.path])
    try:
        st = os.stat(rows.path)
    except (OSError, ValueError):
        return -1
    return st.st_mtime_ns if st.st_size == rows.size else -1


def _path_key(path: str) -> tuple[str, bytes]:
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


def _path_from(text: str, raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape") if raw else text


def _put(value: str) -> str | bytes:
    """A string SQLite can store: lone surrogates cannot be UTF-8, so such text goes as a BLOB."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")
    return value


def _get(value: Any) -> Any:
    return value.decode("utf-8", "surrogatepass") if type(value) is bytes else value


def _texts(values: Sequence[Any]) -> tuple[list[Any], int]:
    """Column values with strings made storable, and 1 if any needed the BLOB form."""
    out = [_put(v) if isinstance(v, str) else v for v in values]
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


def _prediction_values(p: Prediction, memo: dict[tuple[str, ...], str]) -> list[Any]:
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
        *_prediction_values(ci.prediction, memo),
        it.point,
    ]
    texts, odd = _texts(values)
    return [odd, *texts]


def _item(row: Sequence[Any], doc_path: str, memo: dict[str, Any]) -> ClassifiedItem:
    """A ClassifiedItem from (doc_id, odd, *_ITEM_COLUMNS)."""
    if row[1]:
        row = [_get(v) for v in row]
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


def _result(
    row: Sequence[Any],
    item_rows: Sequence[Sequence[Any]],
    memo: dict[str, Any],
    *,
    with_text: bool,
) -> DocumentResult:
    """A DocumentResult from (id, path, path_raw, odd, *_DOC_COLUMNS, body) and its item rows."""
    path = _path_from(row[1], row[2])
    body_blob = row[-1]
    if row[3]:  # path_raw and body are genuine BLOBs; other BLOBs are odd text
        row = [*row[:4], *(_get(v) for v in row[4:-1])]
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
