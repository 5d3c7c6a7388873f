"""The measuring side of ``docpipe bench``: worker functions, stage timers, process-tree RSS.

Everything that runs inside the benchmark's process pools lives here, at module level, so that
spawned workers can import it.  The pipeline itself is not changed: the timed workers call
``pipeline.process_chunk`` with its stage functions wrapped in timers.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docpipe.records import InboxFile, UnitInfo

__all__ = [
    "STAGES",
    "RssSampler",
    "jieba_chunk",
    "pipeline_chunk",
    "python_docx_chunk",
    "reader_chunk",
    "start_jieba_worker",
    "start_pipeline_worker",
]

#: Per-document stages timed inside the workers, in pipeline order (``classify`` includes the
#: jieba segmentation); ``encode`` makes the catalog's rows, which the workers send back.
STAGES = ("read", "describe", "split", "classify", "encode")

_timers: dict[str, list[float]] = {}
_worker: dict[str, Any] = {}


# --- baselines ------------------------------------------------------------------------------


def python_docx_chunk(paths: Sequence[str]) -> tuple[int, int, float, float]:
    """python-docx's plain extraction: Document(), every body paragraph and every table cell.

    Returns (documents, characters, wall seconds, CPU seconds) of this chunk.
    """
    import docx

    wall, cpu = time.perf_counter(), time.process_time()
    chars = 0
    for path in paths:
        document = docx.Document(path)
        chars += sum(len(p.text) for p in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                chars += sum(len(cell.text) for cell in row.cells)
    return len(paths), chars, time.perf_counter() - wall, time.process_time() - cpu


def reader_chunk(paths: Sequence[str], shard: str) -> tuple[int, int, float, float]:
    """docpipe's reader over the same files; the paragraph texts go to ``shard`` (one a line)
    afterwards, untimed, as the input of the jieba baseline."""
    from docpipe.reading.ingest import read_docx

    wall, cpu = time.perf_counter(), time.process_time()
    texts, chars = [], 0
    for path in paths:
        # keep each document's text, not the document: holding thousands of parsed documents
        # made the garbage collector scan them all, over and over (python-docx's side keeps
        # nothing either)
        paragraphs = [p.text for p in read_docx(path).paragraphs]
        chars += sum(map(len, paragraphs))
        texts.append("\n".join(paragraphs))
    spent = time.perf_counter() - wall, time.process_time() - cpu
    lines = [line for text in texts for line in text.splitlines() if line]
    if shard:
        Path(shard).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(paths), chars, *spent


def start_jieba_worker() -> None:
    """Bare jieba: a private Tokenizer with its main dictionary, loaded once per process."""
    import logging

    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    started = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    _worker["tokenizer"] = tokenizer
    _worker["load_s"] = time.perf_counter() - started


def jieba_chunk(shard: str) -> tuple[int, int, float, float, float]:
    """Cut every line of ``shard`` (accurate mode, HMM on), one line at a time.

    Returns (lines, characters, wall seconds, CPU seconds, dictionary load seconds).
    """
    lines = Path(shard).read_text(encoding="utf-8").splitlines()
    cut = _worker["tokenizer"].cut
    wall, cpu = time.perf_counter(), time.process_time()
    words = 0
    for line in lines:
        words += len(list(cut(line)))
    spent = time.perf_counter() - wall, time.process_time() - cpu
    load, _worker["load_s"] = _worker.get("load_s", 0.0), 0.0  # report it once per process
    return len(lines), sum(map(len, lines)), *spent, load


# --- the timed pipeline ---------------------------------------------------------------------


def start_pipeline_worker(model: str | None) -> None:
    """Load the classifier once per process, as the pipeline's workers do."""
    from docpipe.classifying.predict import load_classifier

    wall, cpu = time.perf_counter(), time.process_time()
    _worker["classifier"] = load_classifier(Path(model) if model else None)
    _worker["load"] = (time.perf_counter() - wall, time.process_time() - cpu)


def pipeline_chunk(
    files: Sequence[InboxFile], units: Mapping[str, UnitInfo], model: str | None
) -> tuple[list[Any], dict[str, list[float]], tuple[float, float], int, int]:
    """``process.process_for_catalog``'s work on a chunk, on the pipeline's own worker pool.

    The stages are timed through ``process_chunk``'s clock hook; encoding the results as the
    catalog's rows is timed as ``encode``.  Returns the rows, the stage timers of this chunk
    ({stage: [wall, cpu]}), the model load time (once per process, then zeros), the worker's
    peak RSS in KiB and the characters read.
    """
    from docpipe.running import process
    from docpipe.storing.codec import encode_result

    if "classifier" not in _worker:
        start_pipeline_worker(model)
    _timers.clear()
    results = process.process_chunk(files, units, _worker["classifier"], clock=_clock)
    chars = sum(len(p.text) for r in results for p in r.document.paragraphs)
    with _clock("encode"):
        rows = [encode_result(r) for r in results]
    load, _worker["load"] = _worker["load"], (0.0, 0.0)
    timers = {k: list(v) for k, v in _timers.items()}
    return rows, timers, load, _peak_rss_kib(os.getpid()), chars


@contextmanager
def _clock(stage: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        spent = _timers.setdefault(stage, [0.0, 0.0])
        spent[0] += time.perf_counter() - wall
        spent[1] += time.process_time() - cpu


# --- memory ---------------------------------------------------------------------------------


class RssSampler:
    """Peak resident memory of a process tree (a process and all its descendants), summed.

    Sampled from /proc every ``interval`` seconds in a background thread; also reports the
    kernel's exact per-process peaks (VmHWM) of the processes it saw.  Linux only; elsewhere
    the figures stay 0.
    """

    def __init__(self, root: int | None = None, interval: float = 0.1) -> None:
        self.root = root or os.getpid()
        self.interval = interval
        self.peak_kib = 0
        self.peak_single_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> None:
        total = 0
        for pid in _tree(self.root):
            total += _rss_kib(pid)
            self.peak_single_kib = max(self.peak_single_kib, _peak_rss_kib(pid))
        self.peak_kib = max(self.peak_kib, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _status_kib(pid: int, field: bytes) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _rss_kib(pid: int) -> int:
    return _status_kib(pid, b"VmRSS:")


def _peak_rss_kib(pid: int) -> int:
    return _status_kib(pid, b"VmHWM:")
