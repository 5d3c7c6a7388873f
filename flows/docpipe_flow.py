"""The docpipe batch run as a Prefect flow: scan, plan against the catalog, process, write.

Tasks are coarse (a batch of documents each, never a paragraph: Prefect costs milliseconds per
task run).  Only the steps that touch the outside world (inbox, catalog, output folder) retry.
In local mode each batch is processed on a process pool of ``workers``; on Dask each batch is a
task on a worker, which loads the model once per process.  The catalog is written only from the
flow's own process (tasks called directly run there), never from Dask workers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from flows.env import configure_prefect_env

configure_prefect_env()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from docpipe import incremental, pipeline  # noqa: E402
from docpipe.catalog import Catalog, catalog_path  # noqa: E402
from docpipe.classify import load_classifier  # noqa: E402
from docpipe.inbox import Inbox, scan_inbox  # noqa: E402
from docpipe.records import DocumentResult, InboxFile, RunReport, UnitInfo  # noqa: E402
from docpipe.report import format_report, read_report  # noqa: E402
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
    with Catalog(catalog_path(catalog, out)) as db:
        return incremental.plan_run(found, db, Path(out), version, today)


@task(cache_policy=NO_CACHE)
def process_batch(
    files: Sequence[InboxFile], units: Mapping[str, UnitInfo], model: str | None, workers: int
) -> list[DocumentResult]:
    return pipeline.process_files(files, units, model=_path(model), workers=workers)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def record(
    out: str,
    catalog: str | None,
    results: list[DocumentResult],
    version: str,
    mtimes: Mapping[str, int],
) -> None:
    with Catalog(catalog_path(catalog, out)) as db:
        incremental.record_results(db, results, version, mtimes)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def reclassify(out: str, catalog: str | None, model: str | None, version: str) -> int:
    """Items stored under another model version get new predictions; files are not re-read."""
    with Catalog(catalog_path(catalog, out)) as db:
        stale = incremental.stale_items(db, version)
        if stale:
            classifier = load_classifier(_path(model))
            for path, items in stale.items():
                predictions = classifier.predict([i.text for i in items], [i.hint for i in items])
                db.update_predictions(path, predictions, version)
        return sum(len(items) for items in stale.values())


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_outputs(
    out: str,
    catalog: str | None,
    found: Inbox,
    run_plan: incremental.RunPlan,
    fresh: list[DocumentResult],
    version: str,
    today: date,
) -> RunReport:
    with Catalog(catalog_path(catalog, out)) as db:
        db.forget_missing(f.path for f in found.files)
        results = incremental.current_results(db, run_plan, fresh)
    taxonomy = load_taxonomy()
    results = pipeline.mark_duplicates(results)
    summaries = pipeline.summarise_all(found, results, taxonomy)
    previous = incremental.baseline(Path(out), run_plan.state)
    report = pipeline.write_outputs(
        Path(out), found, results, summaries, taxonomy, version, previous=previous, today=today
    )
    incremental.mark_completed(Path(out), run_plan.state, report.outputs, previous)
    return report


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
    fresh: list[DocumentResult] = []
    if distributed:  # one task per batch, spread over the Dask workers
        futures = [process_batch.submit(b, found.units, model, 1) for b in batches]
        for future in futures:
            fresh += _recorded(future.result(), out, catalog, version, run_plan, len(fresh))
    else:
        for batch in batches:
            results = process_batch(batch, found.units, model, workers)
            fresh += _recorded(results, out, catalog, version, run_plan, len(fresh))
    changed = reclassify(out, catalog, model, version)
    if changed:
        logger.info("reclassified %d stored items with model %s", changed, version)
    report = write_outputs(out, catalog, found, run_plan, fresh, version, today)
    logger.info("processed %d, rejected %d", report.processed, len(report.rejected))
    create_markdown_artifact(
        format_report(report, load_taxonomy()),
        key="docpipe-run-report",
        description="docpipe run: documents, rejections, items per category",
    )
    return report


def _recorded(
    results: list[DocumentResult],
    out: str,
    catalog: str | None,
    version: str,
    run_plan: incremental.RunPlan,
    done: int,
) -> list[DocumentResult]:
    record(out, catalog, results, version, run_plan.mtimes)
    if progress_callback is not None:
        progress_callback(done + len(results), len(run_plan.todo))
    return results


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
