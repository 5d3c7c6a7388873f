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
