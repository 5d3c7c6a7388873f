"""One run per output folder: a lock file held for the run's whole duration.

The lock is ``OUT/.docpipe-run.lock``, an advisory ``flock`` on a file that names the run
holding it (pid, host, start time), so that a second run can say whom it waits for.  The kernel
releases a ``flock`` when its process dies, so the lock of a killed run is free at once; the
file it leaves behind (a stale lock: a dead pid on this host) is taken over and rewritten.
Within one process the lock is re-entrant: the CLI takes it before Prefect starts, and the
batch loop, which takes it for every other caller, then finds it already held.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["LOCK_FILE", "RunBusy", "RunHolder", "run_lock"]

LOCK_FILE = ".docpipe-run.lock"
_POLL = 0.25  # seconds between attempts while waiting
_held: dict[Path, int] = {}  # lock path -> depth, for this process
_guard = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunHolder:
    """The run named in a lock file."""

    pid: int
    host: str
    started: str  # local time, ISO 8601

    def describe(self) -> str:
        return f"进程 {self.pid}，主机 {self.host}，开始于 {self.started}"


class RunBusy(RuntimeError):
    """Another run holds the output folder; the message (Chinese) names it."""

    def __init__(self, out: Path, holder: RunHolder | None, waited: float) -> None:
        who = holder.describe() if holder else "未能读出是哪一次运行"
        after = f"等待 {waited:g} 秒后仍" if waited > 0 else ""
        super().__init__(
            f"输出文件夹 {out} {after}正被另一次 docpipe 运行使用（{who}）。"
            "请等它结束后再运行，或用 --wait 秒数 让本次运行等待它结束。"
        )
        self.holder = holder


@contextmanager
def run_lock(out: Path, wait: float = 0.0) -> Iterator[RunHolder]:
    """Hold the output folder's run lock; wait up to ``wait`` seconds for another run.

    Raises ``RunBusy`` when the folder is still held after that, and ``OSError`` when the
    folder cannot be created or written (an unwritable ``--out``).
    """
    out.mkdir(parents=True, exist_ok=True)
    path = (out / LOCK_FILE).resolve()
    with _guard:
        depth = _held.get(path, 0)
        if depth:
            _held[path] = depth + 1
    if depth:
        try:
            yield _read_holder(path) or _me()
        finally:
            with _guard:
                _held[path] -= 1
        return
    fd = _acquire(path, out, wait)
    with _guard:
        _held[path] = 1
    try:
        yield _me()
    finally:
        with _guard:
            del _held[path]
        _release(path, fd)


def _acquire(path: Path, out: Path, wait: float) -> int:
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise RunBusy(out, _read_holder(path), wait) from None
            time.sleep(_POLL)
            continue
        # the holder before us may have removed the file between our open and our flock
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        stale = _read_holder(path)
        if stale is not None:  # its run died (or was killed) without removing the file
            log.warning("taking over the stale run lock of %s (%s)", out, stale.describe())
        try:
            _write_holder(fd)
        except OSError as exc:  # a full disk: the flock holds all the same; only the name is lost
            log.warning("cannot write the run lock's holder into %s: %s", path, exc)
        return fd


def _release(path: Path, fd: int) -> None:
    try:
        path.unlink(missing_ok=True)  # still locked: nobody else can be inside right now
    finally:
        os.close(fd)


def _me() -> RunHolder:
    return RunHolder(os.getpid(), socket.gethostname(),
                     datetime.now().astimezone().isoformat(timespec="seconds"))


def _write_holder(fd: int) -> None:
    """Replace whatever the file said (a stale lock of a killed run) with this run."""
    me = _me()
    data = json.dumps({"pid": me.pid, "host": me.host, "started": me.started},
                      ensure_ascii=False).encode("utf-8") + b"\n"
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _read_holder(path: Path) -> RunHolder | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return RunHolder(int(data["pid"]), str(data["host"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None

