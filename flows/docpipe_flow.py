"""The docpipe batch run as a Prefect flow: scan the inbox, process batches, summarise, write.

Tasks are coarse (a batch of documents each, never a paragraph: Prefect costs milliseconds per
task run).  Only the steps that touch the outside world retry.  In local mode one task at a time
processes a batch on a process pool; on Dask each batch is a task on a worker, which loads the
model once per process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from flows.env import configure_prefect_env

configure_prefect_env()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

from docpipe import pipeline  # noqa: E402
from docpipe.classify import load_classifier  # noqa: E402
from docpipe.inbox import Inbox, scan_inbox  # noqa: E402
from docpipe.records import DocumentResult, InboxFile, RunReport, UnitInfo  # noqa: E402
from docpipe.report import format_report  # noqa: E402
from docpipe.taxonomy import load_taxonomy  # noqa: E402


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def scan(inbox: str) -> Inbox:
    return scan_inbox(inbox)


@task(cache_policy=NO_CACHE)
def model_version(model: str | None) -> str:
    return load_classifier(Path(model) if model else None).version


@task(cache_policy=NO_CACHE)
def process_batch(
    files: Sequence[InboxFile], units: Mapping[str, UnitInfo], model: str | None, workers: int
) -> list[DocumentResult]:
    return pipeline.process_files(files, units, model=Path(model) if model else None,
                                  workers=workers)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def write_outputs(
    out: str, inbox: Inbox, results: list[DocumentResult], version: str
) -> RunReport:
    taxonomy = load_taxonomy()
    results = pipeline.mark_duplicates(results)
    summaries = pipeline.summarise_all(inbox, results, taxonomy)
    return pipeline.write_outputs(Path(out), inbox, results, summaries, taxonomy, version)


@flow(name="docpipe-run", log_prints=False)
def docpipe_run(
    inbox: str,
    out: str,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = 500,
    distributed: bool = False,
) -> RunReport:
    """Process every file of INBOX and write the outputs under OUT."""
    logger = get_run_logger()
    found = scan(inbox)
    logger.info("inbox %s: %d files, %d units", inbox, len(found.files), len(found.units))
    version = model_version(model)
    batches = [list(found.files[i:i + batch_size]) for i in range(0, len(found.files), batch_size)]
    if distributed:  # one task per batch, spread over the Dask workers
        futures = [process_batch.submit(b, found.units, model, 1) for b in batches]
        results = [r for f in futures for r in f.result()]
    else:
        results = [r for b in batches for r in process_batch(b, found.units, model, workers)]
    report = write_outputs(out, found, results, version)
    logger.info("processed %d, rejected %d", report.processed, len(report.rejected))
    create_markdown_artifact(format_report(report, load_taxonomy()), key="docpipe-run-report",
                             description="docpipe run: documents, rejections, items per category")
    return report


def run(
    inbox: str,
    out: str,
    *,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = 500,
    dask_address: str | None = None,
    dask_workers: int = 0,
) -> RunReport:
    """Run the flow locally, on an existing Dask cluster (address) or on a local Dask cluster."""
    if not dask_address and dask_workers <= 0:
        return docpipe_run(inbox=inbox, out=out, model=model, workers=workers,
                           batch_size=batch_size)
    from prefect_dask import DaskTaskRunner

    runner = (DaskTaskRunner(address=dask_address) if dask_address else DaskTaskRunner(
        cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 1,
                        "processes": True, "dashboard_address": None}))
    return docpipe_run.with_options(task_runner=runner)(
        inbox=inbox, out=out, model=model, workers=1, batch_size=batch_size, distributed=True)
