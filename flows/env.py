"""Settings for Prefect's local mode, applied before prefect is imported.

From shared/notes/prefect-offline.md: no telemetry (nothing leaves 127.0.0.1), a longer start-up
timeout for the temporary API server under load, and an explicit PREFECT_HOME so that runs and
tests do not share a database by accident.  Values already set in the environment win.
"""

from __future__ import annotations

import os

from docpipe.settings import cache_dir

OFFLINE_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect_env() -> None:
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(cache_dir() / "prefect"))


def offline_environment() -> dict[str, str]:
    """This process's environment with docpipe's offline settings filled in."""
    configure_prefect_env()
    return dict(os.environ)


def server_command(host: str, port: int) -> tuple[list[str], dict[str, str]]:
    """`prefect server start` on host:port, and the environment it must run with."""
    import sys
    from pathlib import Path

    prefect = Path(sys.executable).with_name("prefect")
    env = offline_environment()
    env.pop("PREFECT_API_URL", None)  # the server is the API, not a client of one
    return [str(prefect), "server", "start", "--host", host, "--port", str(port)], env


def api_problem(timeout: float = 3.0) -> str:
    """Why `docpipe serve` cannot work here ('' when the API server answers).

    Without PREFECT_API_URL Prefect would start a temporary server that lives as long as this
    process, so a schedule registered there would never run after it: refused.
    """
    url = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    hint = ("先在另一终端运行 `docpipe server`，再 export PREFECT_API_URL=http://127.0.0.1:4200/api")
    if not url:
        return (f"未设置 PREFECT_API_URL，定时任务无处登记。{hint}。 / "
                "PREFECT_API_URL is not set: start `docpipe server` and point it there")
    import httpx

    try:
        answer = httpx.get(f"{url}/health", timeout=timeout)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        return (f"PREFECT_API_URL={url} 无法连接（{type(exc).__name__}）。{hint}。 / "
                f"no Prefect API answers at {url}")
    return ""
