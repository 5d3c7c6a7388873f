"""One document through every stage, and a batch of documents on one or more cores.

This is what both front ends (the CLI and the Prefect flow) call.  It never imports Prefect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from docpipe.classifying.predict import Classifier, classify_items, load_classifier
from docpipe.fsutil import display_path
from docpipe.memory import release_memory
from docpipe.reading.ingest import Limits, read_docx
from docpipe.records import (
    DocInfo,
    DocStatus,
    DocumentResult,
    ErrorCode,
    InboxFile,
    Item,
    SourceDocument,
    UnitInfo,
)
from docpipe.running.pool import forget_pool, worker_pool
from docpipe.storing.codec import StoredRows, encode_result
from docpipe.understanding.doctype import describe_document
from docpipe.understanding.items import split_items

DEFAULT_LIMITS = Limits()
Clock = Callable[[str], AbstractContextManager[object]]


def _no_clock(_: str) -> AbstractContextManager[object]:
    return nullcontext()

T = TypeVar("T")
CHUNK = 64  # files per classifier call, and at most per task sent to a worker
log = logging.getLogger(__name__)


def process_file(
    source: InboxFile,
    units: Mapping[str, UnitInfo],
    classifier: Classifier,
    limits: Limits = DEFAULT_LIMITS,
) -> DocumentResult:
    """Read, describe, split and classify one file; a bad file comes back rejected, never raised.

    A defect of ours on one file (any exception past the reader) also becomes a rejected record,
    with the exception named, so that one file never stops a batch.
    """
    return process_chunk([source], units, classifier, limits)[0]


def process_chunk(
    sources: Sequence[InboxFile],
    units: Mapping[str, UnitInfo],
    classifier: Classifier,
    limits: Limits = DEFAULT_LIMITS,
    clock: Clock | None = None,
) -> list[DocumentResult]:
    """``process_file`` over several files, with the items of all of them classified at once.

    One call to the classifier costs ~14 ms before its first item (scikit-learn's checks and
    dispatch), as much as classifying a hundred items: paid once per chunk, not per document.
    If classifying the chunk fails, each document is classified alone, so that the failure
    stays with the file that caused it.  ``clock(stage)``, when given, wraps each stage (read,
    describe, split, classify): the benchmark's timers.
    """
    timed = clock or _no_clock
    prepared = [_split(source, units, limits, timed) for source in sources]
    pending = [p for p in prepared if not isinstance(p, DocumentResult)]
    try:
        with timed("classify"):
            predicted = iter(classify_items([i for p in pending for i in p.items], classifier))
    except Exception:
        log.warning("classifying %d files at once failed; classifying them one by one",
                    len(pending), exc_info=True)
        return [p if isinstance(p, DocumentResult) else _classify_one(p, classifier)
                for p in prepared]
    return [
        p if isinstance(p, DocumentResult)
        else DocumentResult(p.source, p.document, p.info, tuple(next(predicted) for _ in p.items))
        for p in prepared
    ]


@dataclass(frozen=True, slots=True)
class _Split:
    """A document read and split into items, waiting to be classified."""

    source: InboxFile
    document: SourceDocument
    info: DocInfo
    items: list[Item]


def _split(
    source: InboxFile, units: Mapping[str, UnitInfo], limits: Limits, timed: Clock
) -> _Split | DocumentResult:
    with timed("read"):
        document = read_docx(source.path, limits)
    if not document.ok:
        return DocumentResult(source, document, None)
    try:
        with timed("describe"):
            info = describe_document(document, source, units)
        with timed("split"):
            items = split_items(document, info)
        return _Split(source, document, info, items)
    except Exception as exc:
        return _failed(source, document, exc)


def _classify_one(split: _Split, classifier: Classifier) -> DocumentResult:
    try:
        items = tuple(classify_items(split.items, classifier))
    except Exception as exc:
        return _failed(split.source, split.document, exc)
    return DocumentResult(split.source, split.document, split.info, items)


def _failed(source: InboxFile, document: SourceDocument, exc: Exception) -> DocumentResult:
    """A defect of ours on this file, recorded as a rejection (never swallowed silently)."""
    log.error("internal error on %s", display_path(source.path), exc_info=exc)
    failed = replace(
        document,
        status=DocStatus.REJECTED,
        error_code=ErrorCode.INTERNAL_ERROR,
        message=f"docpipe failed on this file ({type(exc).__name__}: {exc}); the file was "
        "kept in the inbox — please report it to the docpipe maintainers",
        paragraphs=(),
        tables=(),
    )
    return DocumentResult(source, failed, None)


def process_files(
    files: Sequence[InboxFile],
    units: Mapping[str, UnitInfo],
    *,
    model: Path | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> list[DocumentResult]:
    """Process files in order; with workers > 1 a process pool shares the work.

    Each worker process loads the model and the jieba dictionary once (pool initializer), so the
    per-file cost is the same as in one process.
    """
    return _run_chunks(_process_chunk, files, units, model, workers, limits)


def process_for_catalog(
    files: Sequence[InboxFile],
    units: Mapping[str, UnitInfo],
    *,
    model: Path | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> list[StoredRows]:
    """``process_files``, each result encoded as the catalog's rows by the process that made it.

    What a run needs: the results go to the catalog and nowhere else.  Sending rows (tuples and
    bytes) from the workers instead of the records is much cheaper on both sides, and leaves the
    process that holds the catalog only the inserting.
    """
    return _run_chunks(_encode_chunk, files, units, model, workers, limits)


def _run_chunks(
    work: Callable[[list[InboxFile], Mapping[str, UnitInfo], Limits, Path | None], list[T]],
    files: Sequence[InboxFile],
    units: Mapping[str, UnitInfo],
    model: Path | None,
    workers: int,
    limits: Limits,
) -> list[T]:
    load_classifier(model)  # train-on-first-use happens here, once, not in every worker
    pooled, chunks = plan_chunks(files, workers)
    if not pooled:
        return [r for chunk in chunks for r in work(chunk, units, limits, model)]
    pool = worker_pool(workers, model)
    try:
        n = len(chunks)
        done = pool.map(work, chunks, [units] * n, [limits] * n, [model] * n)
        return [r for chunk in done for r in chunk]
    except BrokenProcessPool:  # a worker died (killed, out of memory): the next call starts anew
        forget_pool(workers, model)
        raise


def plan_chunks(
    files: Sequence[InboxFile], workers: int
) -> tuple[bool, list[list[InboxFile]]]:
    """How a batch is cut: whether it goes to the worker pool, and its chunks (at most CHUNK
    files; on the pool small enough that every worker gets about four)."""
    if workers <= 1 or len(files) < 2 * workers:
        return False, list(_chunks(files, CHUNK))
    return True, list(_chunks(files, max(1, min(CHUNK, len(files) // (workers * 4)))))


def _chunks(files: Sequence[InboxFile], size: int) -> Iterator[list[InboxFile]]:
    for start in range(0, len(files), size):
        yield list(files[start : start + size])


def _process_chunk(
    files: list[InboxFile], units: Mapping[str, UnitInfo], limits: Limits, model: Path | None
) -> list[DocumentResult]:
    return process_chunk(files, units, load_classifier(model), limits)


def _encode_chunk(
    files: list[InboxFile], units: Mapping[str, UnitInfo], limits: Limits, model: Path | None
) -> list[StoredRows]:
    rows = [encode_result(r) for r in _process_chunk(files, units, limits, model)]
    release_memory()
    return rows


