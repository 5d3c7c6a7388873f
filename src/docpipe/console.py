"""What `docpipe run` says on the terminal: checks before anything starts, progress, stops.

- ``check_run_paths``: the inbox, --out, --catalog and --model are checked before Prefect
  starts (seconds of start-up), so that a slip costs one line and exit status 2;
- ``Progress``: one line on stderr, redrawn per file and per unit, naming the stage; silent
  when stderr is not a terminal;
- ``stop_on_interrupt``: Ctrl-C stops the run at once (worker processes and Prefect's
  temporary server with it), says where it stopped and that a rerun continues; the catalog
  and the outputs are safe at any point (every write is a transaction or a rename);
- ``write_trace``: an internal failure's full trace goes to a file, the terminal gets one
  paragraph.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

__all__ = ["PathProblem", "Progress", "check_run_paths", "stop_on_interrupt", "write_trace"]

EXIT_INTERRUPTED = 130

STAGES = {
    "prefect": "启动 Prefect（本地模式需十余秒）", "scan": "扫描收件箱",
    "model": "加载分类模型", "plan": "比对上次运行", "process": "读取与分类",
    "catalog": "读取与分类", "reclassify": "按新模型重新分类", "outputs": "写出报告与草稿",
}


class PathProblem(ValueError):
    """A path given on the command line that cannot work; the message is one line, zh / en."""


def check_run_paths(inbox: Path, out: Path, catalog: str | None, model: str | None) -> None:
    """Raise PathProblem when the run could not write its outputs, catalog or model.

    --out inside the inbox (or the inbox inside --out) would read the run's own outputs as
    submissions on the next run: refused.
    """
    inbox_r, out_r = inbox.resolve(), out.resolve()
    if out_r == inbox_r or out_r.is_relative_to(inbox_r):
        raise PathProblem("输出文件夹不能放在收件箱内（否则下次运行会把输出当作报送材料）："
                          f"{out} / "
                          f"--out must not be inside the inbox: {out}")
    if inbox_r.is_relative_to(out_r):
        raise PathProblem(f"收件箱不能放在输出文件夹内：{inbox} 位于 {out} 中 / "
                          f"the inbox must not be inside --out: {inbox}")
    _writable_folder(out, "输出文件夹", "--out")
    if catalog:
        _check_catalog(catalog)
    if model:
        _check_model(Path(model))


def _writable_folder(folder: Path, name: str, option: str) -> None:
    if folder.exists() and not folder.is_dir():
        raise PathProblem(f"{name}不是文件夹：{folder} / {option} is not a folder: {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".docpipe-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PathProblem(f"{name}无法写入：{folder}（{_cn_reason(exc)}） / "
                          f"{option} is not writable: {folder} ({reason})") from exc


def _check_catalog(setting: str) -> None:
    from docpipe.storing.catalog import CatalogError, catalog_path

    try:
        location = catalog_path(setting, ".")
    except CatalogError as exc:
        raise PathProblem(f"--catalog 不是可用的目录库路径或 sqlite:/// 地址：{setting} / "
                          f"{exc}") from exc
    if not isinstance(location, Path):
        return  # :memory:
    if location.is_dir():
        raise PathProblem(f"--catalog 指向一个文件夹，应为文件：{location} / "
                          f"--catalog names a folder, not a file: {location}")
    if location.is_file() and location.stat().st_size:
        with location.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise PathProblem("--catalog 指向的文件不是 docpipe 目录库（SQLite）："
                                  f"{location} / "
                                  f"--catalog is not an SQLite file: {location}")
    _writable_folder(location.parent, "目录库所在文件夹", "--catalog")


def _check_model(path: Path) -> None:
    if path.is_dir():
        raise PathProblem(f"--model 指向一个文件夹，应为模型文件：{path} / "
                          f"--model names a folder, not a model file: {path}")
    if path.is_file():
        with path.open("rb") as fh:
            if fh.read(2) != b"PK":  # a .skops model is a zip archive
                raise PathProblem(f"--model 指向的文件不是 docpipe 模型：{path} / "
                                  f"--model is not a docpipe model file: {path}")
        return
    _writable_folder(path.parent, "模型文件夹（首次运行时在此训练并保存模型）", "--model")


def _cn_reason(exc: OSError) -> str:
    import errno

    return {errno.EROFS: "只读文件系统", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
            errno.ENOSPC: "磁盘已满", errno.ENOENT: "路径不存在",
            errno.ENOTDIR: "路径中有一段不是文件夹"}.get(exc.errno or 0, exc.strerror or "无法写入")


@dataclass
class _State:
    stage: str = ""
    files_total: int = 0
    files_done: int = 0
    units_total: int = 0
    units_done: int = 0


class Progress:
    """The run's one-line progress on stderr: stage, count, bar.  Thread-safe; silent when off.

    The counts also serve the interrupt message ("stopped while reading: 120/612 files").
    """

    def __init__(self, stream: TextIO | None = None, *, show: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.show = self.stream.isatty() if show is None else show
        self.state = _State()
        self._lock = threading.Lock()
        self._last = 0.0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        with self._lock:
            if name != "catalog":  # recording a batch is part of reading, for the eye
                self.state.stage = name
        self._draw(force=True)
        yield

    def begin(self, name: str) -> None:
        """Show a stage that is not one of the loop's (Prefect's start-up)."""
        with self._lock:
            self.state.stage = name
        self._draw(force=True)

    def planned(self, run_plan: Any) -> None:
        with self._lock:
            self.state.files_total = len(run_plan.todo)

    def files(self, n: int) -> None:
        with self._lock:
            self.state.files_done += n
        self._draw()

    def units(self, done: int, total: int) -> None:
        with self._lock:
            self.state.units_done, self.state.units_total = done, total
        self._draw(force=done == total)

    def batches(self, done: int, total: int) -> None:
        """After each stored batch: the count of files is exact then (also on Dask)."""
        with self._lock:
            self.state.files_done = max(self.state.files_done, done)
        self._draw()

    def where(self) -> str:
        """Where the run is, in words: "读取与分类（已完成120/612个文件）"."""
        s = self.state
        name = STAGES.get(s.stage, "启动")
        if s.stage in ("process", "catalog") and s.files_total:
            return f"{name}阶段（已读取{s.files_done}/{s.files_total}个文件）"
        if s.stage == "outputs" and s.units_total:
            return f"{name}阶段（已写出{s.units_done}/{s.units_total}个单位）"
        return f"{name}阶段"

    def finish(self) -> None:
        if self.show:
            with self._lock:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        if not self.show:
            return
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last < 0.1:
                return
            self._last = now
            s = self.state
            name = STAGES.get(s.stage, "启动")
            done, total, what = ((s.units_done, s.units_total, "个单位") if s.stage == "outputs"
                                 else (s.files_done, s.files_total, "个文件"))
            line = f"{name}……"
            if total and s.stage in ("process", "catalog", "outputs"):
                width = 24
                filled = width * min(done, total) // total
                line = f"{name} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{what}"
            self.stream.write("\r\x1b[2K" + line)
            self.stream.flush()


@contextmanager
def stop_on_interrupt(progress: Progress, rerun: str) -> Iterator[None]:
    """Ctrl-C (or SIGTERM) ends the run within a second: no traceback, no minute of Prefect
    trying to report a crash to the temporary server the same Ctrl-C has stopped.

    Safe at any point: each batch enters the catalog in one transaction, each output file is
    renamed into place and the "completed" mark is written last (tests/test_crash.py), so
    the rerun simply continues.
    """

    def stop(signum: int, frame: object) -> None:
        progress.finish()
        sys.stderr.write(
            f"已中断：停在{progress.where()}。已存入目录库的文件不会重读，"
            f"再次运行同一命令即可继续：\n  {rerun}\n"
            "docpipe: interrupted; run the same command again to continue.\n")
        sys.stderr.flush()
        _end_children()
        os._exit(EXIT_INTERRUPTED)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _end_children() -> None:
    """The run's own worker processes and Prefect's temporary API server, nothing else."""
    for child in multiprocessing.active_children():
        child.terminate()
    module = sys.modules.get("prefect.server.api.server")  # never import Prefect here (seconds)
    servers = getattr(getattr(module, "SubprocessASGIServer", None), "_instances", {})
    for server in list(servers.values()):
        process = getattr(server, "server_process", None)
        if process is not None:
            process.terminate()
    deadline = time.monotonic() + 2
    for child in multiprocessing.active_children():
        child.join(max(0.0, deadline - time.monotonic()))


def write_trace(exc: BaseException, folders: list[Path]) -> Path | None:
    """Write the full trace of an internal failure to the first writable folder; its path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(traceback.format_exception(exc))
    for folder in [*folders, Path(tempfile.gettempdir())]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"docpipe-error-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None
