"""The docpipe batch run as a Prefect flow: scan, plan against the catalog, process, write.

Tasks are coarse (a batch of documents each, never a paragraph: Prefect costs milliseconds per
task run).  Only the steps that touch the outside world (inbox, catalog, output folder) retry.
In local mode each batch is processed on a process pool of ``workers``; on Dask each batch is a
task on a worker, which loads the model once per process.  The catalog is written only from the
flow's own process (tasks called directly run there), never from Dask workers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from docpipe_flows.env import configure_prefect_env

configure_prefect_env()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import PrefectFuture  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from docpipe.classifying.predict import load_classifier  # noqa: E402
from docpipe.outputs.report import format_report, read_report  # noqa: E402
from docpipe.reading.inbox import Inbox, scan_inbox  # noqa: E402
from docpipe.records import InboxFile, RunReport, UnitInfo  # noqa: E402
from docpipe.running import batch as steps  # noqa: E402
from docpipe.running import process as pipeline  # noqa: E402
from docpipe.storing import incremental  # noqa: E402
from docpipe.storing.codec import StoredRows  # noqa: E402
from docpipe.taxonomy import load_taxonomy  # noqa: E402

#: Called with (files done, files to do) after each batch; the CLI sets it to drive a progress bar.
progress_callback: Callable[[int, int], None] | None = None


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def scan(inbox: str) -> Inbox:
    return scan_inbox(inbox)


@task(cache_policy=NO_CACHE)
def prepare_model(model: str | None) -> str:
    """Load (or train once) the model in this process; the version identifies it in outputs."""
    return load_classifier(_path(model)).version


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def plan(
    found: Inbox, out: str, catalog: str | None, version: str, today: date
) -> incremental.RunPlan:
    return steps.plan(found, Path(out), catalog, version, today)


@task(cache_policy=NO_CACHE)
def process_batch(
    files: Sequence[InboxFile], units: Mapping[str, UnitInfo], model: str | None, workers: int
) -> list[StoredRows]:
    """Read, split and classify a batch; the results come back as the catalog's rows."""
    return pipeline.process_for_catalog(files, units, model=_path(model), workers=workers)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def record(
    out: str,
    catalog: str | None,
    results: list[StoredRows],
    version: str,
    mtimes: Mapping[str, int],
) -> None:
    steps.record(Path(out), catalog, results, version, mtimes)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def reclassify(out: str, catalog: str | None, model: str | None, version: str) -> int:
    """Items stored under another model version get new predictions; files are not re-read."""
    return steps.reclassify(Path(out), catalog, _path(model), version)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_outputs(
    out: str,
    catalog: str | None,
    found: Inbox,
    run_plan: incremental.RunPlan,
    version: str,
    today: date,
    workers: int,
    model: str | None,
) -> RunReport:
    """Every output from the catalog (unit by unit, on the worker pool), then the state."""
    return steps.write(
        Path(out), catalog, found, run_plan, version, today, workers=workers, model=_path(model)
    )


@flow(name="docpipe-run", log_prints=False)
def docpipe_run(
    inbox: str,
    out: str,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = 500,
    distributed: bool = False,
    catalog: str | None = None,
    as_of: date | None = None,
) -> RunReport:
    """Process the new and changed files of INBOX and write every output under OUT.

    ``as_of`` dates the drafts and decides which deadlines have passed (default: today).
    """
    logger = get_run_logger()
    today = as_of or date.today()
    found = scan(inbox)
    version = prepare_model(model)
    run_plan = plan(found, out, catalog, version, today)
    logger.info(
        "inbox %s: %d files (%d new or changed, %d unchanged, %d gone)",
        inbox,
        len(found.files),
        len(run_plan.todo),
        len(run_plan.reuse),
        len(run_plan.gone),
    )
    if run_plan.up_to_date:
        logger.info("nothing new since the last completed run: outputs are up to date")
        return read_report(Path(out))
    batches = [
        list(run_plan.todo[i : i + batch_size]) for i in range(0, len(run_plan.todo), batch_size)
    ]
    # Each batch goes to the catalog as soon as it is done and is then dropped: the outputs are
    # written from the catalog, so the flow never holds more than a batch of results.
    # Locally the next batch is already queued on the worker pool while this one is recorded,
    # so that the workers never wait for the catalog; on Dask every batch is a task at once.
    ahead, per_task = (len(batches), 1) if distributed else (1, workers)
    pending: deque[PrefectFuture[list[StoredRows]]] = deque()
    done = 0
    for batch in batches:
        pending.append(process_batch.submit(batch, found.units, model, per_task))
        if len(pending) > ahead:
            done = _recorded(pending.popleft().result(), out, catalog, version, run_plan, done)
    while pending:  # popped, so that a recorded batch's results can be freed
        done = _recorded(pending.popleft().result(), out, catalog, version, run_plan, done)
    changed = reclassify(out, catalog, model, version)
    if changed:
        logger.info("reclassified %d stored items with model %s", changed, version)
    report = write_outputs(
        out, catalog, found, run_plan, version, today, 1 if distributed else workers, model
    )
    logger.info("processed %d, rejected %d", report.processed, len(report.rejected))
    create_markdown_artifact(
        format_report(report, load_taxonomy()),
        key="docpipe-run-report",
        description="docpipe run: documents, rejections, items per category",
    )
    return report


def _recorded(
    results: list[StoredRows],
    out: str,
    catalog: str | None,
    version: str,
    run_plan: incremental.RunPlan,
    done: int,
) -> int:
    """Store a batch, report progress; the number of files done so far."""
    # quote: Prefect would otherwise walk every row of the batch looking for futures to track
    # (measured at 1,000 documents: 50-55 s → 42-44 s for the whole run)
    rows: Any = quote(results)  # the task receives the list itself
    record(out, catalog, rows, version, run_plan.mtimes)
    done += len(results)
    if progress_callback is not None:
        progress_callback(done, len(run_plan.todo))
    return done


def _path(model: str | None) -> Path | None:
    return Path(model) if model else None


def run(
    inbox: str,
    out: str,
    *,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = 500,
    dask_address: str | None = None,
    dask_workers: int = 0,
    catalog: str | None = None,
    as_of: date | None = None,
) -> RunReport:
    """Run the flow locally, on an existing Dask cluster (address) or on a local Dask cluster."""
    if not dask_address and dask_workers <= 0:
        return docpipe_run(
            inbox=inbox,
            out=out,
            model=model,
            workers=workers,
            batch_size=batch_size,
            catalog=catalog,
            as_of=as_of,
        )
    from prefect_dask import DaskTaskRunner

    runner = (
        DaskTaskRunner(address=dask_address)
        if dask_address
        else DaskTaskRunner(
            cluster_kwargs={
                "n_workers": dask_workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    )
    return docpipe_run.with_options(task_runner=runner)(  # type: ignore[arg-type]
        inbox=inbox,
        out=out,
        model=model,
        workers=1,
        batch_size=batch_size,
        distributed=True,
        catalog=catalog,
        as_of=as_of,
    )
