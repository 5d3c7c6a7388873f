"""The run's worker processes: one pool per process, shared by every batch and by the outputs.

Starting a worker costs seconds (imports, model, jieba dictionary), so the pool lives as long as
the run's process; workers are spawned, not forked (fork is unsafe beside Prefect's threads).
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from docpipe.classifying.predict import load_classifier

__all__ = ["forget_pool", "shutdown_pools", "worker_pool"]


def shutdown_pools() -> None:
    """Stop the worker processes (also registered to run at exit)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.shutdown(cancel_futures=True)
        _pools.clear()


_pools: dict[tuple[int, Path | None], ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def worker_pool(workers: int, model: Path | None) -> ProcessPoolExecutor:
    """One pool per process, kept for every batch of the run (and the next runs under serve).

    Starting a worker costs seconds (imports, model, jieba dictionary): once per run, not once
    per batch.  Workers check the model version on every chunk, so a retrained model is picked
    up.  Spawned, not forked: fork is unsafe beside Prefect's threads.
    """
    key = (workers, model)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            if not _pools:
                atexit.register(shutdown_pools)
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(
                workers, mp_context=context, initializer=_init_worker, initargs=(model,)
            )
            _pools[key] = pool
        return pool


def _init_worker(model: Path | None) -> None:
    load_classifier(model)
    # what is loaded now (modules, the model, soon the dictionary) lives as long as the
    # process: keep it out of the garbage collector's full passes (3% of a worker's time)
    gc.freeze()


def forget_pool(workers: int, model: Path | None) -> None:
    """Drop a broken pool (a worker died), so that the next call starts a new one."""
    with _pools_lock:
        _pools.pop((workers, model), None)
