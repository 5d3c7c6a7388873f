"""Where docpipe finds its configuration, training data and model, and its limits.

Everything has a default that works from a checkout; environment variables (DOCPIPE_...) or
CLI options override them.  Pydantic stays here, at the edge.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent  # valid for a checkout / editable install


def config_path(name: str) -> Path:
    """A configuration file: DOCPIPE_CONFIG_DIR/name if that exists, else the shipped default."""
    override = os.environ.get("DOCPIPE_CONFIG_DIR")
    if override and (Path(override) / name).exists():
        return Path(override) / name
    return PACKAGE_DIR / "config" / name


def training_dir() -> Path:
    return Path(os.environ.get("DOCPIPE_TRAINING_DIR", REPO_DIR / "data" / "training"))


def model_path() -> Path:
    return Path(os.environ.get("DOCPIPE_MODEL", REPO_DIR / "models" / "classifier.skops"))


def cache_dir() -> Path:
    """Project-local cache (jieba's prefix dictionary and such), not the shared system temp."""
    path = Path(os.environ.get("DOCPIPE_CACHE_DIR", REPO_DIR / ".cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


DEFAULT_BATCH_SIZE = 500  # files per batch: each batch is one flow task and one transaction


def default_workers() -> int:
    """The CPUs this process may use (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


DEFAULT_MAX_INTERNAL_ERROR_SHARE = 0.05


def max_internal_error_share() -> float:
    """The share of a run's files that docpipe's own defects may hit before the run exits 1
    (DOCPIPE_MAX_INTERNAL_ERRORS, e.g. 0.05; 0 fails the run on the first one)."""
    raw = os.environ.get("DOCPIPE_MAX_INTERNAL_ERRORS", "")
    try:
        return float(raw) if raw else DEFAULT_MAX_INTERNAL_ERROR_SHARE
    except ValueError:
        return DEFAULT_MAX_INTERNAL_ERROR_SHARE
