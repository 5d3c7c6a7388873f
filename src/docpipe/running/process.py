"""One document through every stage, and a batch of documents on one or more cores.

This is what both front ends (the CLI and the Prefect flow) call.  It never imports Prefect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import as_completed
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

    A defect of ours on one file (any exception in any stage) becomes a failed record naming
    the stage and the exception, so that one file never stops a batch; a failed file is not
    the sender's rejection, and the next run tries it again.
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
    return _classified([_split(source, units, limits, timed) for source in sources],
                       classifier, timed)


def _classified(
    prepared: Sequence[_Split | DocumentResult], classifier: Classifier, timed: Clock
) -> list[DocumentResult]:
    """The split documents classified in one call (one by one if that fails)."""
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
    try:
        with timed("read"):
            document = read_docx(source.path, limits)
    except Exception as exc:  # the reader catches its own; this is a last guard
        return _failed(source, SourceDocument(source.path, "", DocStatus.FAILED), "read",
                       f"{type(exc).__name__}: {exc}", exc)
    if document.error_code is ErrorCode.INTERNAL_ERROR:  # the reader's own defect
        return _failed(source, document, "read", document.message)
    if not document.ok:
        return DocumentResult(source, document, None)
    return _describe_split(source, document, units, timed)


def _describe_split(
    source: InboxFile, document: SourceDocument, units: Mapping[str, UnitInfo], timed: Clock
) -> _Split | DocumentResult:
    stage = "describe"
    try:
        with timed("describe"):
            info = describe_document(document, source, units)
        stage = "split"
        with timed("split"):
            items = split_items(document, info)
        return _Split(source, document, info, items)
    except Exception as exc:
        return _failed(source, document, stage, f"{type(exc).__name__}: {exc}", exc)


def _classify_one(split: _Split, classifier: Classifier) -> DocumentResult:
    try:
        items = tuple(classify_items(split.items, classifier))
    except Exception as exc:
        return _failed(split.source, split.document, "classify",
                       f"{type(exc).__name__}: {exc}", exc)
    return DocumentResult(split.source, split.document, split.info, items)


# The stages a file goes through, as a clerk's message names them.
STAGE_NAMES = {"read": "读取", "describe": "识别材料类型和报送单位", "split": "切分意见条目",
               "classify": "分类"}


def _failed(source: InboxFile, document: SourceDocument, stage: str, detail: str,
            exc: BaseException | None = None) -> DocumentResult:
    """A defect of ours on this file in ``stage``: a failed record, never a silent drop, and
    never the sender's rejection."""
    log.error("docpipe defect in stage %s on %s: %s", stage, display_path(source.path),
              detail, exc_info=exc)
    detail = detail.encode("utf-8", "backslashreplace").decode("utf-8")[:300]
    failed = replace(
        document,
        status=DocStatus.FAILED,
        error_code=ErrorCode.INTERNAL_ERROR,
        message=f"docpipe 程序缺陷：在“{STAGE_NAMES.get(stage, stage)}”（{stage}）阶段处理本文件"
        f"时出错（{detail}）。这不是报送单位的问题，文件仍在收件箱中，下次运行会自动重试；"
        "请将此情况报告 docpipe 维护人员。",
        paragraphs=(),
        tables=(),
    )
    return DocumentResult(source, failed, None)


def resplit_documents(
    stored: Sequence[DocumentResult],
    units: Mapping[str, UnitInfo],
    classifier: Classifier,
) -> list[DocumentResult]:
    """Stored documents described, split and classified again from their stored text.

    What a change of the configuration that typing and splitting read needs: the reader's
    work is kept, the rest is redone, with the same guards as ``process_chunk``.
    """
    prepared = [_describe_split(r.source, replace(r.document, duplicate_of=""), units,
                                _no_clock) for r in stored]
    return _classified(prepared, classifier, _no_clock)


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
    done: Callable[[int], None] | None = None,
) -> list[StoredRows]:
    """``process_files``, each result encoded as the catalog's rows by the process that made it.

    ``done(n)`` is told of every chunk as its results come back (a few files at a time from
    the workers), so that progress moves per file rather than per batch.

    What a run needs: the results go to the catalog and nowhere else.  Sending rows (tuples and
    bytes) from the workers instead of the records is much cheaper on both sides, and leaves the
    process that holds the catalog only the inserting.
    """
    return _run_chunks(_encode_chunk, files, units, model, workers, limits, done)


def _run_chunks(
    work: Callable[[list[InboxFile], Mapping[str, UnitInfo], Limits, Path | None], list[T]],
    files: Sequence[InboxFile],
    units: Mapping[str, UnitInfo],
    model: Path | None,
    workers: int,
    limits: Limits,
    done: Callable[[int], None] | None = None,
) -> list[T]:
    load_classifier(model)  # train-on-first-use happens here, once, not in every worker
    pooled, chunks = plan_chunks(files, workers)
    tell = done or (lambda n: None)
    if not pooled:
        out: list[T] = []
        for chunk in chunks:
            out += work(chunk, units, limits, model)
            tell(len(chunk))
        return out
    pool = worker_pool(workers, model)
    try:
        futures = [pool.submit(work, chunk, units, limits, model) for chunk in chunks]
        for future in as_completed(futures):  # progress as the chunks finish, in any order
            tell(len(future.result()))
        return [r for future in futures for r in future.result()]
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


