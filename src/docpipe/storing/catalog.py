"""The embedded SQLite catalog of every document docpipe has seen, and of its classified items.

Over 400 lines on purpose: the schema, its migrations and every query live together, so that
each transaction's SQL can be read in one place.

One row per inbox file (keyed by its path) holds the reader's verdict, what the document is, the
model version that classified it and, compressed, the body text, so a rerun can reuse the result
of an unchanged file, find duplicates, reclassify stored items with a new model and rebuild every
summary without opening a single .docx.  Each item is a row with its label, so the catalog can
also be queried directly (``sqlite3 out/catalog.sqlite "select label, count(*) from items ..."``).

Every write is one transaction (WAL journal): a crash or SIGKILL leaves the previous state or the
new one, never a mix.  The schema is versioned with ``PRAGMA user_version``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docpipe.records import DocumentResult, Prediction
from docpipe.storing.codec import (
    DOC_COLUMNS,
    ITEM_COLUMNS,
    ITEM_MARKS,
    PREDICTION_COLUMNS,
    StoredRows,
    decode_result,
    encode_result,
    path_from,
    path_key,
    prediction_values,
    storable,
    storable_values,
    stored_text,
)

__all__ = [
    "DEFAULT_FILENAME",
    "SCHEMA_VERSION",
    "Catalog",
    "CatalogBusy",
    "CatalogDamaged",
    "CatalogError",
    "CatalogFull",
    "catalog_path",
    "parse_catalog_url",
    "set_aside",
]

DEFAULT_FILENAME = "catalog.sqlite"
SCHEMA_VERSION = 3

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

# The processing version (docpipe's version and the configuration that typing and splitting
# read, see ``storing.incremental.processing_version``) each document was split under: a run
# re-splits, from the stored text, the documents whose version is not the current one.  Rows
# of a catalog made before it have '', which is never current.
_SCHEMA_V3 = """
ALTER TABLE documents ADD COLUMN processing_version TEXT NOT NULL DEFAULT '';
"""

# Schema scripts by the version they produce; a new version appends an ALTER script here.
# Version 2: Item.point, the point an item (a manifestation) belongs to.
_SCHEMA_V2 = "ALTER TABLE items ADD COLUMN point TEXT NOT NULL DEFAULT '';"
_MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2, 3: _SCHEMA_V3}

# Insert a document row, or update it in place (keeping its id) when its path is already known.
_UPSERT_COLUMNS = (*(c.strip() for c in DOC_COLUMNS.split(",")), "body", "mtime_ns")
_UPSERT_DOCUMENT = (
    f"INSERT INTO documents (path, path_raw, odd, {', '.join(_UPSERT_COLUMNS)}, model_version,"
    f" processing_version, processed_at) VALUES ({', '.join('?' * (len(_UPSERT_COLUMNS) + 6))})"
    " ON CONFLICT (path, path_raw) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in
                ("odd", *_UPSERT_COLUMNS, "model_version", "processing_version"))
    + ", processed_at = excluded.processed_at, missing_since = NULL RETURNING id"
)

_IN_CHUNK = 400  # values per "IN (...)" list: far below SQLite's limit on parameters
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


class CatalogError(RuntimeError):
    """The catalog cannot be opened or used: bad URL, not a catalog, written by a newer docpipe."""


class CatalogBusy(CatalogError):
    """Another process holds the catalog's write lock for longer than we wait (another run)."""


class CatalogDamaged(CatalogError):
    """The file is not an SQLite database (any more), or its pages are damaged."""


class CatalogFull(CatalogError):
    """The disk the catalog is on is full."""


REBUILD_HINT = "`docpipe run INBOX --out OUT --rebuild-catalog` rebuilds it from the inbox"
_BUSY_WAIT = 30.0  # seconds a connection waits for another's write lock before "busy"


def catalog_failure(path: object, exc: sqlite3.Error) -> CatalogError | None:
    """The catalog error an SQLite error means, or None when it is none of the known kinds."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return CatalogBusy(
            f"catalog {path} is busy: another process (another docpipe run?) has been writing "
            f"it for over {_BUSY_WAIT:g} s ({exc}); try again when it has finished"
        )
    if "disk is full" in text or "no space" in text or (
            "disk i/o error" in text and _disk_full(path)):
        return CatalogFull(f"no space left on the disk of catalog {path} ({exc})")
    if "disk i/o error" in text:
        return CatalogError(f"cannot read or write catalog {path}: {exc}")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return CatalogDamaged(
            f"{path} is not a docpipe catalog, or it is damaged ({exc}); if it is the run's "
            f"catalog, {REBUILD_HINT}"
        )
    return None


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


def set_aside(location: Path | str) -> Path | None:
    """Move a (damaged) catalog file and its WAL files aside, for a rebuild; returns where.

    Kept, not deleted: it may still hold something worth recovering by hand.
    """
    if not isinstance(location, Path) or not location.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = location.with_name(f"{location.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm"):
        side = location.with_name(location.name + suffix)
        if side.exists():
            side.replace(kept.with_name(kept.name + suffix))
    location.replace(kept)
    return kept


def _disk_full(path: object) -> bool:
    """Whether the disk holding ``path`` has no block left (SQLite reports "disk I/O error"
    when it cannot create its WAL index on a full disk)."""
    if not isinstance(path, Path):
        return False
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return False


class Catalog:
    """The catalog file, open for reading and writing; safe to share between threads.

    ``path`` is a file (its folder is created), a ``sqlite:///`` URL, or ``":memory:"``.
    ``readonly=True`` opens an existing catalog for reading only: it takes no write lock, so
    it never waits for a run that is writing (WAL readers see the last committed state).
    """

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = path = _location(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        try:
            self._db = self._open(path, readonly)
        except (OSError, sqlite3.Error) as exc:
            raise CatalogError(f"cannot open catalog {path}: {exc}") from exc
        try:
            if not readonly:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # with WAL: consistent after a crash
            self._db.execute("PRAGMA foreign_keys=ON")
            self._check_version() if readonly else self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            known = catalog_failure(path, exc)
            raise (known or CatalogError(f"{path} is not a docpipe catalog: {exc}")) from exc
        except BaseException:
            self._db.close()
            raise

    @staticmethod
    def _open(path: Path | str, readonly: bool) -> sqlite3.Connection:
        options: dict[str, Any] = {
            "isolation_level": None, "check_same_thread": False, "timeout": _BUSY_WAIT}
        if not readonly:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
            return sqlite3.connect(path, **options)
        if not isinstance(path, Path) or not path.is_file():
            raise CatalogError(f"no catalog at {path} to read")
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, **options)

    # -- life cycle ----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._db is None:
                return
            if not self.readonly:
                with suppress(sqlite3.Error):  # a courtesy; closing must not fail because of it
                    self._db.execute("PRAGMA optimize")
            self._db.close()
            self._db = None  # type: ignore[assignment]

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> None:
        # A current catalog is only read here: opening it never takes the write lock, so it
        # does not wait for (or block) a run that is writing.
        if self._schema_version() == SCHEMA_VERSION:
            return
        with self._write() as db:
            version = self._schema_version()  # again, under the lock: another run may have
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(_MIGRATIONS[target]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")

    def _check_version(self) -> None:
        version = self._schema_version()
        if version < SCHEMA_VERSION:
            raise CatalogError(
                f"catalog {self.path} has schema version {version}, older than this docpipe "
                f"reads ({SCHEMA_VERSION}); the next `docpipe run` upgrades it"
            )

    def _schema_version(self) -> int:
        db = self._connection()
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"catalog {self.path} has schema version {version}, newer than this "
                f"docpipe understands ({SCHEMA_VERSION}); upgrade docpipe"
            )
        if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise CatalogError(f"{self.path} is an SQLite file but not a docpipe catalog")
        return version

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; an exception anywhere rolls all of it back."""
        if self.readonly:
            raise CatalogError(f"catalog {self.path} is open for reading only")
        with self._lock, self._known_failures():
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    with suppress(sqlite3.Error):  # a full disk may fail the rollback too
                        db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so that several queries see the same snapshot."""
        with self._lock, self._known_failures():
            db = self._connection()
            db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")

    @contextmanager
    def _known_failures(self) -> Iterator[None]:
        """A busy, full or damaged catalog raises the CatalogError that says so."""
        try:
            yield
        except sqlite3.Error as exc:
            known = catalog_failure(self.path, exc)
            if known is None:
                raise
            raise known from exc

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise CatalogError(f"catalog {self.path} is closed")
        return self._db

    # -- questions -----------------------------------------------------------------------------

    def fingerprints(self) -> dict[str, tuple[int, int, str]]:
        """path -> (size, mtime_ns, sha256) of every stored file, in one query.

        A file whose size and mtime_ns are unchanged can be skipped without hashing it.
        """
        with self._read() as db:
            rows = db.execute(
                "SELECT path, path_raw, size, mtime_ns, sha256, odd FROM documents"
            ).fetchall()
        return {
            path_from(p, raw): (size, mtime, stored_text(sha) if odd else sha)
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
        columns = f"id, path, path_raw, odd, {DOC_COLUMNS}, {body}"
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
        return [
            decode_result(doc, by_doc.get(doc[0], ()), memo, with_text=with_text) for doc in docs
        ]

    @staticmethod
    def _documents(
        db: sqlite3.Connection, columns: str, paths: Iterable[str]
    ) -> list[tuple[Any, ...]]:
        keys = []
        for path in paths:
            with suppress(ValueError):  # not a file-system name, so never stored
                keys.append(path_key(path))
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
                f"SELECT doc_id, odd, {ITEM_COLUMNS} FROM items"
                f" WHERE doc_id IN ({', '.join('?' * len(chunk))}) ORDER BY doc_id, pos",
                chunk,
            ).fetchall()
        return rows

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
                (storable(model_version),),
            ).fetchall()
        return [path_from(p, raw) for p, raw in rows]

    def resplit_paths(self, processing_version: str) -> list[str]:
        """Current readable documents split under another processing version, by path."""
        with self._read() as db:
            rows = db.execute(
                "SELECT path, path_raw FROM documents WHERE missing_since IS NULL"
                " AND status = 'ok' AND processing_version != ? ORDER BY path, path_raw",
                (storable(processing_version),),
            ).fetchall()
        return [path_from(p, raw) for p, raw in rows]

    def internal_failures(self) -> set[str]:
        """Paths of the documents docpipe failed on (its own defect): a run reads them again."""
        with self._read() as db:
            rows = db.execute(
                "SELECT path, path_raw FROM documents"
                " WHERE status = 'failed' OR error_code = 'internal_error'"
            ).fetchall()
        return {path_from(p, raw) for p, raw in rows}

    # -- changes -------------------------------------------------------------------------------

    def store_many(
        self,
        results: Iterable[DocumentResult],
        model_version: str,
        *,
        mtimes: Mapping[str, int] | None = None,
        processing_version: str = "",
    ) -> None:
        """Record many results in one transaction: all of them are stored, or none."""
        self.store_rows((encode_result(r) for r in results), model_version, mtimes=mtimes,
                        processing_version=processing_version)

    def store_rows(
        self,
        encoded: Iterable[StoredRows],
        model_version: str,
        *,
        mtimes: Mapping[str, int] | None = None,
        processing_version: str = "",
    ) -> None:
        """``store_many`` for results already encoded (``encode_result``, e.g. by a worker).

        ``processing_version`` is the one the results were split under ('' when unknown: the
        next run splits them again).
        """
        now = _now()
        with self._write() as db:
            stored = 0
            for rows in encoded:
                _store_one(db, rows, model_version, processing_version,
                           _mtime_of(rows, mtimes), now)
                stored += 1
            if stored:
                _bump(db)

    def update_predictions_many(
        self, predictions: Mapping[str, Sequence[Prediction]], model_version: str
    ) -> None:
        """Replace the labels of stored files' items (in stored order) without re-reading them, in
        one transaction: all of them, or none."""
        memo: dict[tuple[str, ...], str] = {}
        marks = ", ".join("?" * len(PREDICTION_COLUMNS.split(",")))
        now = _now()
        with self._write() as db:
            for path, new in predictions.items():
                key, raw = path_key(path)
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
                    f"UPDATE items SET ({PREDICTION_COLUMNS}) = ({marks}), odd = odd OR ?"
                    " WHERE doc_id = ? AND pos = ?",
                    (
                        (*texts, odd, doc_id, pos)
                        for pos, (texts, odd) in enumerate(
                            storable_values(prediction_values(p, memo)) for p in new
                        )
                    ),
                )
                db.execute(
                    "UPDATE documents SET model_version = ?, processed_at = ? WHERE id = ?",
                    (storable(model_version), now, doc_id),
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
                present.add(path_key(p))
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
        return [path_from(p, raw) for _, p, raw in gone]


def _store_one(
    db: sqlite3.Connection, rows: StoredRows, model_version: str, processing_version: str,
    mtime_ns: int, now: str,
) -> None:
    """Upsert the document row, then replace its items (inside the caller's transaction)."""
    key, raw = path_key(rows.path)
    row = (key, raw, rows.odd, *rows.document, rows.body, mtime_ns, storable(model_version),
           storable(processing_version), now)
    doc_id = db.execute(_UPSERT_DOCUMENT, row).fetchone()[0]
    db.execute("DELETE FROM items WHERE doc_id = ?", (doc_id,))
    db.executemany(
        f"INSERT INTO items (doc_id, pos, odd, {ITEM_COLUMNS}) VALUES ({ITEM_MARKS})",
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


