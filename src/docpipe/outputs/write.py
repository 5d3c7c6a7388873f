"""Every output of a run, rendered from the catalog one unit at a time.

The catalog already holds every file's result (the fresh ones are recorded batch by batch), so
the outputs are drawn from it rather than from results kept in memory: at region scale those
are hundreds of thousands of items.  The main process keeps one light record per file (status,
type, unit, no text, no items).  A unit job reads its files from the catalog (their text only
where a check needs it), writes the unit's drafts, and writes its files' lines of the run-level
JSON-lines files to a fragment; the main process then stitches the fragments together in path
order.  With several workers the units run in parallel, each worker reading the catalog itself.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

from docpipe.fsutil import atomic_writer, remove_stale_temps, run_temp_path
from docpipe.memory import release_memory
from docpipe.outputs.drafts import write_region_outputs, write_unit_outputs
from docpipe.outputs.report import (
    build_report,
    inbox_notices,
    report_paths,
    run_file_lines,
    write_report,
    write_run_files,
)
from docpipe.outputs.review import load_review_rules
from docpipe.outputs.summarise import summarise_unit
from docpipe.reading.inbox import Inbox
from docpipe.records import (
    DocStatus,
    DocumentResult,
    InboxFile,
    Rejection,
    RunReport,
    SourceDocument,
    UnitInfo,
    UnitSummary,
)
from docpipe.storing.catalog import Catalog
from docpipe.taxonomy import Taxonomy
from docpipe.understanding.duplicates import mark_duplicates
from docpipe.understanding.units import unit_of, unit_order

__all__ = ["write_outputs"]

log = logging.getLogger(__name__)
OUTPUT_ERROR = "output_error"  # RunReport.internal_errors: an output docpipe could not write



@dataclass(frozen=True, slots=True)
class UnitJob:
    """What one unit's outputs need: its files (in path order) and which are duplicates."""

    out_dir: Path
    unit: UnitInfo
    files: tuple[InboxFile, ...]
    duplicates: Mapping[str, str]  # path -> relpath of the first copy, for this unit's files
    shared: Mapping[str, tuple[str, ...]]  # path -> the other units that sent the same file
    with_text: frozenset[str]  # paths of the files a check reads the text of
    fragment: Path  # where the unit's lines of the run-level JSON-lines files go
    taxonomy: Taxonomy
    today: date | None


@dataclass(frozen=True, slots=True)
class UnitDone:
    summary: UnitSummary
    outputs: dict[str, str]
    # path -> (offset, length of its documents, items and review queue lines) in the fragment
    spans: dict[str, tuple[int, int, int, int]]
    # the unit's documents with items needing review, with only those items and no text
    # (the dashboard's review pages list every one of them)
    review: tuple[DocumentResult, ...]
    # the unit's outputs docpipe failed to write (its own defect): the others are written
    errors: tuple[Rejection, ...] = ()


def write_outputs(
    out_dir: Path,
    inbox: Inbox,
    catalog: Catalog,
    taxonomy: Taxonomy,
    model_version: str,
    *,
    previous: Path | None = None,
    today: date | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Write every output of the inbox's files, as stored in ``catalog``, under ``out_dir``.

    Each file is written atomically; the run report comes last.  ``previous`` is the
    progress.json to compare with; ``today`` dates the drafts and decides which deadlines have
    passed (default: today).  With an ``executor`` (the run's worker pool) the units are written in
    parallel, each worker opening the catalog itself.  ``progress(done, total)`` follows the
    units as they are written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    light = _light_results(inbox, catalog)
    jobs = _unit_jobs(out_dir, inbox, light, taxonomy, today)
    try:
        done = _run_jobs(jobs, catalog, executor, progress or (lambda done, total: None))
        outputs = write_run_files(out_dir, inbox, _stitched(light, jobs, done))
    finally:
        for job in jobs:
            job.fragment.unlink(missing_ok=True)
    for job, unit_done in zip(jobs, done, strict=True):
        name = job.unit.name or "(inbox)"
        outputs.update({f"{name}/{k}": v for k, v in unit_done.outputs.items()})
    summaries = [d.summary for d in done]
    review = {r.source.path: r.items for d in done for r in d.review}
    region = [replace(r, items=review.get(r.source.path, ())) for r in light]
    errors = [e for d in done for e in d.errors]
    try:
        outputs.update(write_region_outputs(
            out_dir, summaries, region, inbox.units, taxonomy, previous=previous, today=today,
            notices=inbox_notices(inbox),
        ))
    except Exception as exc:  # a defect of ours: the report still says what was written
        if _out_of_space(exc):
            raise
        errors.append(_output_error("", "", "region", exc))
    outputs.update(report_paths(out_dir))
    report = build_report(inbox, light, summaries, out_dir, model_version, outputs, errors)
    write_report(out_dir, report, taxonomy)
    return report


def write_unit(job: UnitJob, catalog: Catalog) -> UnitDone:
    """Read one unit's results from the catalog, summarise them, write the unit's drafts and
    its files' lines of the run-level files (to the job's fragment)."""
    paths = [f.path for f in job.files]
    stored = {r.source.path: r for r in catalog.results(
        [p for p in paths if p not in job.with_text], with_text=False)}
    stored.update((r.source.path, r) for r in catalog.results(
        [p for p in paths if p in job.with_text]))
    results = [_as_found(stored[f.path], f, job.duplicates.get(f.path, ""),
                         job.shared.get(f.path, ())) for f in job.files]
    summary = summarise_unit(job.unit, results, job.taxonomy)
    errors: list[Rejection] = []
    try:
        written = write_unit_outputs(
            job.out_dir, job.unit, summary, results, job.taxonomy, today=job.today,
            failed=lambda stem, exc: errors.append(
                _output_error(job.unit.name, stem, "drafts", exc)),
        )
    except Exception as exc:  # a defect of ours: this unit's drafts, never the run's outputs
        if _out_of_space(exc):
            raise
        written = {}
        errors.append(_output_error(job.unit.name, "", "drafts", exc))
    spans = {}
    with atomic_writer(job.fragment) as fh:
        for r in results:
            document, items, review_lines = run_file_lines(r)
            spans[r.source.path] = (fh.tell(), len(document), len(items), len(review_lines))
            fh.write(document + items + review_lines)
    # The dashboard's review pages list every item needing review, most uncertain first: only
    # those items travel back, without their documents' text.
    review = []
    for r in results:
        flagged = tuple(ci for ci in r.items if ci.prediction.needs_review)
        if flagged:
            review.append(replace(r, document=_without_text(r), items=flagged))
    return UnitDone(summary, written, spans, tuple(review), tuple(errors))


def _output_error(unit: str, stem: str, stage: str, exc: BaseException) -> Rejection:
    """An output docpipe failed to write, named for the report (a defect of ours)."""
    log.error("docpipe defect writing the %s outputs of %s %s", stage, unit or "(region)", stem,
              exc_info=exc)
    what = f"units/{unit}/{stem}" if unit else (stem or "progress/dashboard")
    detail = f"{type(exc).__name__}: {exc}".encode("utf-8", "backslashreplace").decode()[:300]
    return Rejection(what, unit, OUTPUT_ERROR,
                     f"docpipe 程序缺陷：写出“{what}”（{stage}）时出错（{detail}）；"
                     "其余输出已写出，下次运行会重写。")


def _out_of_space(exc: BaseException) -> bool:
    """A full disk stops the run (nothing more can be written), unlike a defect of ours."""
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


def _light_results(inbox: Inbox, catalog: Catalog) -> list[DocumentResult]:
    """Every inbox file's stored result without text or items, duplicates marked, by path."""
    files = {f.path: f for f in inbox.files}
    stored = catalog.results(list(files), with_text=False, with_items=False)
    lost = len(files) - len(stored)
    if lost:  # every file is recorded before the outputs are written: a defect if not
        raise RuntimeError(f"{lost} inbox files have no result in the catalog {catalog.path}")
    return mark_duplicates([replace(r, source=files[r.source.path]) for r in stored])


def _stitched(
    light: Sequence[DocumentResult], jobs: Sequence[UnitJob], done: Sequence[UnitDone]
) -> Iterator[tuple[bytes, bytes, bytes]]:
    """Every file's run-level lines, in path order, read back from its unit's fragment."""
    where = {path: (job.fragment, span)
             for job, unit_done in zip(jobs, done, strict=True)
             for path, span in unit_done.spans.items()}
    with ExitStack() as stack:
        opened: dict[Path, BinaryIO] = {}
        for r in light:
            fragment, (offset, *lengths) = where[r.source.path]
            if fragment not in opened:
                opened[fragment] = stack.enter_context(fragment.open("rb"))
            fh = opened[fragment]
            fh.seek(offset)
            document, items, review = (fh.read(n) for n in lengths)
            yield document, items, review


def _unit_jobs(
    out_dir: Path,
    inbox: Inbox,
    light: Sequence[DocumentResult],
    taxonomy: Taxonomy,
    today: date | None,
) -> list[UnitJob]:
    """One job per unit of units.csv (also those that sent nothing), per unknown folder, and
    one for files placed directly under the inbox; in the order of ``units.unit_order``."""
    by_unit: dict[str, list[DocumentResult]] = {name: [] for name in inbox.units}
    for r in light:
        by_unit.setdefault(unit_of(r), []).append(r)
    rules = load_review_rules()
    checked = {*rules.approval_doc_types, *rules.study_doc_types, *rules.rectification_doc_types}
    jobs = [
        UnitJob(
            out_dir,
            inbox.units.get(name) or UnitInfo(name, known=False),
            tuple(r.source for r in results),
            {r.source.path: r.document.duplicate_of for r in results
             if r.document.status is DocStatus.DUPLICATE},
            {r.source.path: r.also_submitted_by for r in results if r.also_submitted_by},
            frozenset(r.source.path for r in results
                      if r.document.status is DocStatus.OK and r.info
                      and r.info.doc_type in checked),
            # this run's own name: removed at the end, or by the next run
            run_temp_path(out_dir, f"unit-{n:05d}.jsonl"),
            taxonomy,
            today,
        )
        for n, (name, results) in enumerate(by_unit.items())
    ]
    order = unit_order(inbox.units)
    return sorted(jobs, key=lambda job: order(job.unit))


def _run_jobs(
    jobs: Sequence[UnitJob], catalog: Catalog, executor: Executor | None,
    progress: Callable[[int, int], None],
) -> list[UnitDone]:
    location = catalog.path
    if executor is None or len(jobs) < 2 or not isinstance(location, Path):
        written = []
        for job in jobs:
            written.append(write_unit(job, catalog))
            progress(len(written), len(jobs))
        return written
    # the biggest units first, so that no worker is left with a large one at the end
    by_size = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].files))
    futures = {executor.submit(_write_unit_in_worker, jobs[i], location): i for i in by_size}
    done: dict[int, UnitDone] = {}
    for future in as_completed(futures):
        done[futures[future]] = future.result()
        progress(len(done), len(jobs))
    return [done[i] for i in range(len(jobs))]


def _write_unit_in_worker(job: UnitJob, location: Path) -> UnitDone:
    with Catalog(location, readonly=True) as catalog:  # a reader: no write lock to wait for
        done = write_unit(job, catalog)
    release_memory()
    return done


def _as_found(stored: DocumentResult, source: InboxFile, duplicate_of: str,
              shared: tuple[str, ...] = ()) -> DocumentResult:
    """The stored result under the inbox's current name, marked duplicate when it is one, and
    flagged with the other units that also sent it."""
    if not duplicate_of:
        return replace(stored, source=source, also_submitted_by=shared)
    document = replace(stored.document, status=DocStatus.DUPLICATE, duplicate_of=duplicate_of)
    return replace(stored, source=source, document=document, items=())


def _without_text(result: DocumentResult) -> SourceDocument:
    return replace(result.document, paragraphs=(), tables=())
