"""Where docpipe finds its configuration, training data and model, and its defaults.

Configuration, taxonomy, user dictionary and the shipped training data are package data, so an
installed docpipe (a wheel, not a checkout) runs and trains on its own.  The model and caches
live in the user's data and cache folders (``platformdirs``), or under ``DOCPIPE_HOME``.
Environment variables (DOCPIPE_...) or CLI options override every default.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_BATCH_SIZE = 500  # files per batch: each batch is one flow task and one transaction


def config_path(name: str) -> Path:
    """A configuration file: DOCPIPE_CONFIG_DIR/name if that exists, else the shipped default."""
    override = os.environ.get("DOCPIPE_CONFIG_DIR")
    if override and (Path(override) / name).exists():
        return Path(override) / name
    return PACKAGE_DIR / "config" / name


def home() -> Path:
    """docpipe's own folder for the model (and, unless set apart, its caches)."""
    override = os.environ.get("DOCPIPE_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("docpipe"))


def training_dir() -> Path:
    """The labelled training data: the team's, shipped with the package, unless overridden."""
    return Path(os.environ.get("DOCPIPE_TRAINING_DIR", PACKAGE_DIR / "data" / "training"))


def model_path() -> Path:
    return Path(os.environ.get("DOCPIPE_MODEL", home() / "models" / "classifier.skops"))


def cache_dir() -> Path:
    """docpipe's cache (jieba's prefix dictionary, Prefect's local database), never the shared
    system temp folder."""
    if "DOCPIPE_CACHE_DIR" in os.environ:
        path = Path(os.environ["DOCPIPE_CACHE_DIR"])
    elif "DOCPIPE_HOME" in os.environ:
        path = home() / "cache"
    else:
        path = Path(platformdirs.user_cache_dir("docpipe"))
    path.mkdir(parents=True, exist_ok=True)
    return path


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
