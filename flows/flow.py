"""The docpipe batch run as a Prefect flow: the library's one batch loop, each step a task.

Tasks are coarse (a batch of documents each, never a paragraph: Prefect costs milliseconds per
task run).  Only the steps that touch the outside world (inbox, catalog, output folder) retry.
In local mode each batch is processed on the run's process pool; on Dask each batch is a task
on a worker, which loads the model once per process.  The catalog is written only from the
flow's own process (tasks called directly run there), never from Dask workers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from docpipe_flows.env import configure_prefect_env

configure_prefect_env()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from docpipe.outputs.report import format_report, read_report  # noqa: E402
from docpipe.reading.inbox import Inbox, scan_inbox  # noqa: E402
from docpipe.records import InboxFile, RunReport, UnitInfo  # noqa: E402
from docpipe.running import batch, process  # noqa: E402
from docpipe.storing import incremental  # noqa: E402
from docpipe.storing.codec import StoredRows  # noqa: E402
from docpipe.taxonomy import load_taxonomy  # noqa: E402

#: Hooks of the batch loop (progress after each batch, timers); the CLI sets its progress bar.
hooks = batch.Hooks()

_RETRY = {"retries": 2, "retry_delay_seconds": 2, "cache_policy": NO_CACHE}


@task(**_RETRY)
def scan(inbox: str) -> Inbox:
    return scan_inbox(inbox)


@task(cache_policy=NO_CACHE)
def prepare_model(model: Path | None) -> str:
    """Load (or train once) the model in this process; the version identifies it in outputs."""
    return batch.load_model_version(model)


@task(**_RETRY)
def plan(found: Inbox, out: Path, catalog: str | None, version: str, today: date
         ) -> incremental.RunPlan:
    return batch.plan(found, out, catalog, version, today)


@task(cache_policy=NO_CACHE)
def process_batch(files: Sequence[InboxFile], units: Mapping[str, UnitInfo],
                  model: Path | None, workers: int, watched: bool = True) -> list[StoredRows]:
    """Read, split and classify a batch; the results come back as the catalog's rows.

    In local mode the task runs in the flow's process: its files are counted on ``hooks``
    as they finish (on Dask, ``hooks`` are the worker's own, which nobody watches).
    """
    return process.process_for_catalog(files, units, model=model, workers=workers,
                                       done=hooks.files if watched else None)


@task(**_RETRY)
def record(out: Path, catalog: str | None, results: list[StoredRows], version: str,
           mtimes: Mapping[str, int]) -> None:
    batch.record(out, catalog, results, version, mtimes)


@task(**_RETRY)
def reclassify(out: Path, catalog: str | None, model: Path | None, version: str) -> int:
    """Items stored under another model version get new predictions; files are not re-read."""
    return batch.reclassify(out, catalog, model, version)


@task(**_RETRY)
def write_outputs(out: Path, catalog: str | None, found: Inbox, run_plan: incremental.RunPlan,
                  version: str, today: date, workers: int, model: Path | None) -> RunReport:
    """Every output from the catalog (unit by unit, on the worker pool), then the state."""
    return batch.write(out, catalog, found, run_plan, version, today, workers=workers,
                       model=model, progress=hooks.units)


def _flow_steps(distributed: bool) -> batch.Steps:
    def submit(files: Sequence[InboxFile], units: Mapping[str, UnitInfo], model: Path | None,
               workers: int) -> Any:
        return process_batch.submit(files, units, model, 1 if distributed else workers,
                                    not distributed)

    def record_rows(out: Path, catalog: str | None, results: list[StoredRows], version: str,
                    mtimes: Mapping[str, int]) -> None:
        # quote: Prefect would otherwise walk every row of the batch looking for futures to
        # track (measured at 1,000 documents: 50-55 s → 42-44 s for the whole run)
        rows: Any = quote(results)
        record(out, catalog, rows, version, mtimes)

    def write(out: Path, catalog: str | None, found: Inbox, run_plan: incremental.RunPlan,
              version: str, today: date, workers: int, model: Path | None) -> RunReport:
        return write_outputs(out, catalog, found, run_plan, version, today,
                             1 if distributed else workers, model)

    return batch.Steps(scan=scan, model=prepare_model, plan=plan, submit=submit,
                       record=record_rows, reclassify=reclassify, write=write,
                       # on Dask every batch is a task at once
                       ahead=1_000_000 if distributed else 1)


@flow(name="docpipe-run", log_prints=False)
def docpipe_run(
    inbox: str,
    out: str,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = batch.DEFAULT_BATCH_SIZE,
    distributed: bool = False,
    catalog: str | None = None,
    as_of: date | None = None,
) -> RunReport:
    """Process the new and changed files of INBOX and write every output under OUT.

    ``as_of`` dates the drafts and decides which deadlines have passed (default: today).
    """
    logger = get_run_logger()
    params = batch.RunParams(inbox, Path(out), Path(model) if model else None, workers,
                             batch_size, catalog, as_of or date.today())

    def planned(run_plan: incremental.RunPlan) -> None:
        logger.info("inbox %s: %d files to read, %d unchanged, %d gone", inbox,
                    len(run_plan.todo), len(run_plan.reuse), len(run_plan.gone))
        hooks.planned(run_plan)

    watched = batch.Hooks(stage=hooks.stage, progress=hooks.progress, planned=planned,
                          files=hooks.files, units=hooks.units)
    _, report = batch.run_batches(params, _flow_steps(distributed), watched)
    if report is None:
        logger.info("nothing new since the last completed run: outputs are up to date")
        return read_report(Path(out))
    logger.info("processed %d, rejected %d", report.processed, len(report.rejected))
    create_markdown_artifact(
        format_report(report, load_taxonomy()),
        key="docpipe-run-report",
        description="docpipe run: documents, rejections, items per category",
    )
    return report


def run(
    inbox: str,
    out: str,
    *,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = batch.DEFAULT_BATCH_SIZE,
    dask_address: str | None = None,
    dask_workers: int = 0,
    catalog: str | None = None,
    as_of: date | None = None,
) -> RunReport:
    """Run the flow locally, on an existing Dask cluster (address) or on a local Dask cluster."""
    if not dask_address and dask_workers <= 0:
        return docpipe_run(inbox=inbox, out=out, model=model, workers=workers,
                           batch_size=batch_size, catalog=catalog, as_of=as_of)
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
        inbox=inbox, out=out, model=model, workers=1, batch_size=batch_size,
        distributed=True, catalog=catalog, as_of=as_of,
    )
