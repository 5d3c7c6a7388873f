"""The batch run: its steps, and the one loop that strings them together.

scan → model → plan → per batch: process, record → re-split → reclassify → write outputs →
mark completed, all under the output folder's run lock (one run per output folder).

``run_batches`` is the loop.  The plain runner (``run_local``) calls it with ``local_steps``;
the Prefect flow calls it with the same steps wrapped as tasks.  ``Hooks`` let a caller time
each step and follow progress (the CLI's progress bar, the benchmark's timers) without
replacing any library function.  Each step that touches the catalog opens it for itself, so
that a step can be retried or run in another task without sharing a connection.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from docpipe.classifying.predict import load_classifier
from docpipe.memory import release_memory
from docpipe.outputs import write as outputs
from docpipe.outputs.report import read_report
from docpipe.reading.inbox import Inbox, scan_inbox
from docpipe.records import InboxFile, RunReport, UnitInfo
from docpipe.running import process
from docpipe.running.lock import run_lock
from docpipe.running.pool import worker_pool
from docpipe.settings import DEFAULT_BATCH_SIZE, default_workers, max_internal_error_share
from docpipe.storing import incremental
from docpipe.storing.catalog import Catalog, catalog_path
from docpipe.storing.codec import StoredRows, encode_result
from docpipe.taxonomy import load_taxonomy

__all__ = [
    "Hooks",
    "RunParams",
    "Steps",
    "default_workers",
    "failed_run",
    "load_model_version",
    "local_steps",
    "plan",
    "reclassify",
    "record",
    "resplit",
    "run_batches",
    "run_local",
    "write",
]

RECLASSIFY_CHUNK = 200  # stored files reclassified per classifier call and transaction



def plan(
    found: Inbox, out: Path, catalog: str | None, version: str, today: date
) -> incremental.RunPlan:
    """What to read again, and whether the outputs are already those of these inputs.

    Outputs whose report.json this docpipe cannot read (an older docpipe wrote it) are not
    up to date: they are written again rather than trusted.
    """
    with Catalog(catalog_path(catalog, out)) as db:
        run_plan = incremental.plan_run(found, db, out, version, today)
    if run_plan.up_to_date and not _readable_report(out):
        return replace(run_plan, up_to_date=False)
    return run_plan


def _readable_report(out: Path) -> bool:
    try:
        read_report(out)
    except Exception:  # any shape this docpipe does not read: render the outputs again
        return False
    return True


def record(
    out: Path,
    catalog: str | None,
    results: Sequence[StoredRows],
    version: str,
    mtimes: Mapping[str, int],
) -> None:
    """Store a batch of results, encoded as the catalog's rows, in one transaction."""
    with Catalog(catalog_path(catalog, out)) as db:
        incremental.record_results(db, results, version, mtimes)
    release_memory()


def resplit(
    out: Path, catalog: str | None, units: Mapping[str, UnitInfo], model: Path | None,
    version: str,
) -> int:
    """Documents split under another processing version are split again from their stored
    text (the catalog keeps it): files are not re-read.  Returns how many were.

    What an edited doctypes.toml or category heading, or a new docpipe, needs; a chunk of
    documents at a time, one transaction each.
    """
    current = incremental.processing_version()
    with Catalog(catalog_path(catalog, out)) as db:
        stale = db.resplit_paths(current)
        if not stale:
            return 0
        classifier = load_classifier(model)
        mtimes = {path: known[1] for path, known in db.fingerprints().items()}
        for start in range(0, len(stale), RECLASSIFY_CHUNK):
            stored = db.results(stale[start:start + RECLASSIFY_CHUNK])
            redone = process.resplit_documents(stored, units, classifier)
            db.store_rows([encode_result(r) for r in redone], version, mtimes=mtimes,
                          processing_version=current)
        return len(stale)


def reclassify(out: Path, catalog: str | None, model: Path | None, version: str) -> int:
    """Items stored under another model version get new predictions; files are not re-read.

    A chunk of files at a time: one classifier call and one transaction per chunk.
    """
    with Catalog(catalog_path(catalog, out)) as db:
        stale = db.stale_paths(version)
        if not stale:
            return 0
        classifier = load_classifier(model)
        changed = 0
        for start in range(0, len(stale), RECLASSIFY_CHUNK):
            results = db.results(stale[start:start + RECLASSIFY_CHUNK], with_text=False)
            items = [ci.item for r in results for ci in r.items]
            predicted = iter(classifier.predict([i.text for i in items], [i.hint for i in items]))
            db.update_predictions_many(
                {r.source.path: [next(predicted) for _ in r.items] for r in results}, version
            )
            changed += len(items)
        return changed


def write(
    out: Path,
    catalog: str | None,
    found: Inbox,
    run_plan: incremental.RunPlan,
    version: str,
    today: date,
    *,
    workers: int = 1,
    model: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Every output from the catalog, then the state that marks the run completed.

    With ``workers`` > 1 the units are written on the run's worker pool; ``progress(done,
    total)`` follows the units as they are written.
    """
    with Catalog(catalog_path(catalog, out)) as db:
        db.forget_missing(f.path for f in found.files)
        previous = incremental.baseline(out, run_plan.state)
        report = outputs.write_outputs(
            out, found, db, load_taxonomy(), version,
            previous=previous, today=today,
            executor=worker_pool(workers, model) if workers > 1 else None,
            progress=progress,
        )
    if not any(e.error_code == outputs.OUTPUT_ERROR for e in report.internal_errors):
        # outputs docpipe failed to write are missing: not completed, the next run retries
        incremental.mark_completed(out, run_plan.state, report.outputs, previous)
    return report


@dataclass(frozen=True, slots=True)
class RunParams:
    """What one run is asked to do (the CLI's and the flow's parameters)."""

    inbox: str
    out: Path
    model: Path | None = None
    workers: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    catalog: str | None = None
    today: date = field(default_factory=date.today)
    wait: float = 0.0  # seconds to wait for another run on the same output folder


class _Pending(Protocol):
    def result(self) -> list[StoredRows]: ...


@dataclass(frozen=True, slots=True)
class Steps:
    """The run's steps as callables: the library's functions, or the flow's tasks around them.

    ``submit`` starts processing a batch and returns something with ``result()`` (a future);
    ``ahead`` is how many batches may be in flight while earlier ones are recorded.
    """

    scan: Callable[[str], Inbox]
    model: Callable[[Path | None], str]
    plan: Callable[[Inbox, Path, str | None, str, date], incremental.RunPlan]
    submit: Callable[[Sequence[InboxFile], Mapping[str, UnitInfo], Path | None, int], _Pending]
    record: Callable[[Path, str | None, list[StoredRows], str, Mapping[str, int]], None]
    reclassify: Callable[[Path, str | None, Path | None, str], int]
    write: Callable[
        [Path, str | None, Inbox, incremental.RunPlan, str, date, int, Path | None], RunReport
    ]
    ahead: int = 1
    resplit: Callable[[Path, str | None, Mapping[str, UnitInfo], Path | None, str], int] = resplit


@dataclass(frozen=True, slots=True)
class Hooks:
    """What a caller may watch: ``stage(name)`` wraps each step (scan, model, plan, process,
    catalog, resplit, reclassify, outputs); ``progress(done, total)`` follows after each stored
    batch; ``planned(plan)`` sees the plan before any file is read; ``files(n)``: n more files read
    and classified, as the workers' results come back (in this process only: not from Dask);
    ``units(done, total)``: the units' outputs written so far."""

    stage: Callable[[str], AbstractContextManager[object]] = lambda _: nullcontext()
    progress: Callable[[int, int], None] = lambda done, total: None
    planned: Callable[[incremental.RunPlan], None] = lambda plan: None
    files: Callable[[int], None] = lambda n: None
    units: Callable[[int, int], None] = lambda done, total: None


def run_batches(
    params: RunParams, steps: Steps, hooks: Hooks | None = None
) -> tuple[incremental.RunPlan, RunReport | None]:
    """The run: scan, plan, process and record the batches, reclassify, write the outputs.

    The report is None when the outputs were already up to date.  The next batch is already
    processing while this one is recorded, and at most ``steps.ahead`` + 1 batches are held at
    a time (the catalog keeps them), so that the workers never wait for the catalog.
    """
    with run_lock(params.out, params.wait):
        return _run_batches(params, steps, hooks or Hooks())


def _run_batches(
    params: RunParams, steps: Steps, hooks: Hooks
) -> tuple[incremental.RunPlan, RunReport | None]:
    with hooks.stage("scan"):
        found = steps.scan(params.inbox)
    with hooks.stage("model"):
        version = steps.model(params.model)
    with hooks.stage("plan"):
        run_plan = steps.plan(found, params.out, params.catalog, version, params.today)
    hooks.planned(run_plan)
    if run_plan.up_to_date:
        return run_plan, None
    size = max(1, params.batch_size)
    batches = [list(run_plan.todo[i:i + size]) for i in range(0, len(run_plan.todo), size)]
    pending: deque[_Pending] = deque()
    done = 0

    def record_next() -> int:
        with hooks.stage("process"):
            results = pending.popleft().result()  # popped, so that its results can be freed
        with hooks.stage("catalog"):
            steps.record(params.out, params.catalog, results, version, run_plan.mtimes)
        hooks.progress(done + len(results), len(run_plan.todo))
        return len(results)

    for batch in batches:
        pending.append(steps.submit(batch, found.units, params.model, params.workers))
        if len(pending) > steps.ahead:
            done += record_next()
    while pending:
        done += record_next()
    with hooks.stage("resplit"):
        steps.resplit(params.out, params.catalog, found.units, params.model, version)
    with hooks.stage("reclassify"):
        steps.reclassify(params.out, params.catalog, params.model, version)
    with hooks.stage("outputs"):
        report = steps.write(params.out, params.catalog, found, run_plan, version, params.today,
                             params.workers, params.model)
    return run_plan, report


def load_model_version(model: Path | None) -> str:
    """Load (or train once) the model in this process; its version identifies it in outputs."""
    return load_classifier(model).version


@contextmanager
def _local_submitter(
    workers: int, done: Callable[[int], None] | None = None
) -> Iterator[Callable[..., Future[list[StoredRows]]]]:
    # As in the flow: the next batch is already on the worker pool while this one is recorded.
    # In one process, the next batch waits for this one.
    with ThreadPoolExecutor(2 if workers > 1 else 1) as thread:
        def submit(batch: Sequence[InboxFile], units: Mapping[str, UnitInfo],
                   model: Path | None, workers: int) -> Future[list[StoredRows]]:
            return thread.submit(process.process_for_catalog, batch, units, model=model,
                                 workers=workers, done=done)
        yield submit


def local_steps(submit: Callable[..., Any], hooks: Hooks | None = None) -> Steps:
    """The library's own steps, with ``submit`` running a batch in the background."""
    units = (hooks or Hooks()).units

    def write_outputs(out: Path, catalog: str | None, found: Inbox,
                      run_plan: incremental.RunPlan, version: str, today: date, workers: int,
                      model: Path | None) -> RunReport:
        return write(out, catalog, found, run_plan, version, today, workers=workers,
                     model=model, progress=units)

    return Steps(scan=scan_inbox, model=load_model_version, plan=plan, submit=submit, record=record,
                 reclassify=reclassify, write=write_outputs)


def run_local(
    inbox: str | Path,
    out: Path,
    *,
    model: Path | None = None,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    catalog: str | None = None,
    today: date | None = None,
    hooks: Hooks | None = None,
    wait: float = 0.0,
) -> tuple[incremental.RunPlan, RunReport | None]:
    """The run without Prefect; the report is None when the outputs were up to date."""
    params = RunParams(str(inbox), Path(out), model, workers, batch_size, catalog,
                       today or date.today(), wait)
    with _local_submitter(workers, hooks.files if hooks else None) as submit:
        return run_batches(params, local_steps(submit, hooks), hooks)


def failed_run(report: RunReport, share: float | None = None) -> str:
    """Why a completed run must still exit 1 ('' when it need not): docpipe's own defects on
    more than ``share`` of the files (default: the configured share), or outputs it could
    not write.  The outputs of the other files are written either way."""
    limit = max_internal_error_share() if share is None else share
    files = [e for e in report.internal_errors if e.error_code != outputs.OUTPUT_ERROR]
    unwritten = len(report.internal_errors) - len(files)
    reasons = []
    if report.documents and len(files) / report.documents > limit:
        reasons.append(f"docpipe 自身的缺陷使 {len(files)}/{report.documents} 份文件未能处理"
                       f"（超过允许的 {limit:.0%}），这些文件下次运行会重试")
    if unwritten:
        reasons.append(f"docpipe 自身的缺陷使 {unwritten} 项输出未能写出")
    if not reasons:
        return ""
    return ("；".join(reasons)
            + "。详见 report.md 的 docpipe defects 一节；请报告 docpipe 维护人员。")
