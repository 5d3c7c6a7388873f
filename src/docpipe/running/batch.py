"""The steps of a batch run, shared by the Prefect flow (a task each), the benchmark and tests.

scan → model → plan → per batch: process, record → reclassify → write outputs → mark completed.

Each step that touches the catalog opens it for itself, so that a step can be retried or run in
another task without sharing a connection.  ``run_local`` strings the steps together without
Prefect, with an optional clock around each one (the benchmark's timers).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path

from docpipe.classifying.predict import load_classifier
from docpipe.outputs import write as outputs
from docpipe.reading.inbox import Inbox, scan_inbox
from docpipe.records import RunReport
from docpipe.running import process as pipeline
from docpipe.storing import incremental
from docpipe.storing.catalog import Catalog, catalog_path
from docpipe.storing.codec import StoredRows
from docpipe.taxonomy import load_taxonomy

__all__ = ["plan", "reclassify", "record", "run_local", "write"]

RECLASSIFY_CHUNK = 200  # stored files reclassified per classifier call and transaction

Clock = Callable[[str], AbstractContextManager[object]]
Process = Callable[..., list[StoredRows]]


def plan(
    found: Inbox, out: Path, catalog: str | None, version: str, today: date
) -> incremental.RunPlan:
    """What to read again, and whether the outputs are already those of these inputs."""
    with Catalog(catalog_path(catalog, out)) as db:
        return incremental.plan_run(found, db, out, version, today)


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
    pipeline.release_memory()


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
) -> RunReport:
    """Every output from the catalog, then the state that marks the run completed."""
    with Catalog(catalog_path(catalog, out)) as db:
        db.forget_missing(f.path for f in found.files)
        previous = incremental.baseline(out, run_plan.state)
        report = outputs.write_outputs(
            out, found, db, load_taxonomy(), version,
            previous=previous, today=today, workers=workers, model=model,
        )
    incremental.mark_completed(out, run_plan.state, report.outputs, previous)
    return report


def run_local(
    inbox: str | Path,
    out: Path,
    *,
    model: Path | None = None,
    workers: int = 1,
    batch_size: int = 500,
    catalog: str | None = None,
    today: date | None = None,
    clock: Clock | None = None,
    process: Process | None = None,
) -> tuple[incremental.RunPlan, RunReport | None]:
    """The flow's steps without Prefect; the report is None when the outputs were up to date.

    ``clock(step)`` wraps each step (scan, model, plan, process, catalog, reclassify, outputs);
    ``process`` replaces ``pipeline.process_for_catalog`` (same arguments), e.g. to time its
    stages.
    """
    timed = clock or (lambda _: nullcontext())
    process = process or pipeline.process_for_catalog
    today = today or date.today()
    with timed("scan"):
        found = scan_inbox(inbox)
    with timed("model"):
        version = load_classifier(model).version
    with timed("plan"):
        run_plan = plan(found, out, catalog, version, today)
    if run_plan.up_to_date:
        return run_plan, None
    batches = [run_plan.todo[i:i + batch_size] for i in range(0, len(run_plan.todo), batch_size)]
    pending: deque[Future[list[StoredRows]]] = deque()

    def record_next() -> None:
        with timed("process"):
            results = pending.popleft().result()
        with timed("catalog"):
            record(out, catalog, results, version, run_plan.mtimes)

    # As in the flow: the next batch is already on the workers while this one is recorded, and
    # at most two batches are held at a time (the catalog keeps them).  In one process, the
    # next batch waits for this one.
    with ThreadPoolExecutor(2 if workers > 1 else 1) as threads:
        for batch in batches:
            pending.append(threads.submit(process, batch, found.units, model=model,
                                          workers=workers))
            if len(pending) > 1:
                record_next()
        while pending:
            record_next()
    with timed("reclassify"):
        reclassify(out, catalog, model, version)
    with timed("outputs"):
        report = write(out, catalog, found, run_plan, version, today, workers=workers, model=model)
    return run_plan, report
