"""A scheduled deployment of the docpipe flow (nightly by default).

Scheduling needs a Prefect API server: start one with `prefect server start` and point
PREFECT_API_URL at it (see the README).  Without a server, serve starts but cannot schedule.
"""

from __future__ import annotations

from docpipe_flows.env import configure_prefect_env

configure_prefect_env()

from docpipe_flows.flow import docpipe_run  # noqa: E402
from prefect.deployments.runner import RunnerDeployment  # noqa: E402

DEFAULT_CRON = "0 2 * * *"
DEFAULT_NAME = "nightly"


def build_deployment(
    inbox: str,
    out: str,
    *,
    cron: str = DEFAULT_CRON,
    name: str = DEFAULT_NAME,
    workers: int = 1,
    timezone: str = "Asia/Shanghai",
    dask_address: str | None = None,
) -> RunnerDeployment:
    from prefect.schedules import Cron

    flow_ = docpipe_run
    parameters: dict[str, object] = {"inbox": inbox, "out": out, "workers": workers}
    if dask_address:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(address=dask_address)
        flow_ = docpipe_run.with_options(task_runner=runner)  # type: ignore[arg-type]
        parameters.update(workers=1, distributed=True)
    deployment = flow_.to_deployment(
        name=name,
        schedule=Cron(cron, timezone=timezone),
        parameters=parameters,
        description="docpipe batch run over the inbox",
        tags=["docpipe"],
    )
    assert isinstance(deployment, RunnerDeployment)  # the sync API returns it directly
    return deployment


def serve(
    inbox: str,
    out: str,
    *,
    cron: str = DEFAULT_CRON,
    name: str = DEFAULT_NAME,
    workers: int = 1,
    dask_address: str | None = None,
) -> None:
    """Register the deployment and run scheduled flow runs in this process until stopped."""
    from prefect import serve as prefect_serve

    prefect_serve(
        build_deployment(
            inbox, out, cron=cron, name=name, workers=workers, dask_address=dask_address
        )
    )
