"""``docpipe bench``: the whole pipeline at region scale, with baselines on the same corpus.

For each size it generates (once, cached under ``--work``) a synthetic inbox with the sample
generator, then measures on the same files and cores:

* baselines: python-docx's plain extraction, docpipe's reader, bare jieba on the same text;
* the pipeline as the flow runs it (scan, plan, read, split, classify, catalog,
  summaries, drafts, state), stage by stage, with peak RSS of the whole process tree;
* an unchanged rerun: docpipe's own work in a fresh process (what the flow does before it
  returns early), and, unless ``--no-prefect``, the real ``docpipe run`` twice plus an empty
  Prefect flow to separate Prefect's start-up from docpipe's work.

Results go to ``--results`` as JSON; the printed summary can be pasted into the README.
Timings are wall seconds unless marked CPU; the machine may be shared, so the load average
before and after each phase is recorded and baselines are repeated (median).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import benchwork

from docpipe.classifying.store import manifest_path, served_path

__all__ = ["ensure_corpus", "main", "run_benchmark"]

REPO_DIR = Path(__file__).resolve().parent.parent

BATCH_SIZE = 500  # as the flow's default
UNITS = 73  # the first batch of the seed article, in 6 supervision groups
_SPAWN = multiprocessing.get_context("spawn")


def ensure_corpus(work: Path, documents: int, seed: int = 0, units: int = UNITS,
                  generator: Path | None = None) -> Path:
    """The scale inbox for (documents, seed, units), generated once with samples/generate.py."""
    inbox = work / f"inbox-{documents}-s{seed}" if units == UNITS else \
        work / f"inbox-{documents}-s{seed}-u{units}"
    if (inbox / ".manifest.json").exists():
        return inbox
    script = generator or REPO_DIR / "samples" / "generate.py"
    if inbox.exists():
        shutil.rmtree(inbox)  # an interrupted generation
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(script), "--scale", str(documents), "--seed", str(seed),
                    "--units", str(units), "--groups", str(min(6, units)), "--out", str(inbox)],
                   check=True, stdout=subprocess.DEVNULL)
    return inbox


def run_benchmark(inbox: Path, out: Path, *, workers: int = 2, repeat: int = 3,
                  model: Path | None = None, baselines: bool = True, prefect: str = "rerun",
                  batch_size: int = BATCH_SIZE) -> dict[str, Any]:
    """Every measurement for one inbox; ``out`` is a scratch folder (emptied first)."""
    from docpipe.reading.inbox import scan_inbox

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files = scan_inbox(inbox).files
    for f in files:  # warm the page cache: every figure below is "warm"
        Path(f.path).read_bytes()
    result: dict[str, Any] = {"inbox": str(inbox), "documents": len(files), "workers": workers}
    if baselines:
        result["baselines"] = _baselines([f.path for f in files], out / "text", workers, repeat)
    result["pipeline"] = _loaded(lambda: _pipeline(inbox, out / "lib", workers, model,
                                                   batch_size))
    result["rerun"] = _loaded(lambda: _rerun_probe(inbox, out / "lib", model))
    if prefect != "none":
        result["prefect"] = _prefect(inbox, out, workers, model, out / "prefect-home",
                                     full=prefect == "full")
    result["ratios"] = _ratios(result)
    return result


# --- baselines ------------------------------------------------------------------------------


def _baselines(paths: list[str], text_dir: Path, workers: int, repeat: int) -> dict[str, Any]:
    """python-docx, docpipe's reader and bare jieba, each on ``workers`` processes, interleaved
    ``repeat`` times; medians of wall time (the pool's lifetime is not counted, only the work)."""
    text_dir.mkdir(parents=True, exist_ok=True)
    shards = [str(text_dir / f"shard{i}.txt") for i in range(workers)]
    parts = [paths[i::workers] for i in range(workers)]  # one shard per process, as even as can be
    runs: dict[str, list[dict[str, float]]] = {"python_docx": [], "reader": [], "jieba": []}
    with ProcessPoolExecutor(workers, mp_context=_SPAWN) as pool:
        list(pool.map(_noop, range(workers)))  # start the processes outside the timings
        for _ in range(repeat):
            runs["python_docx"].append(_phase(pool, benchwork.python_docx_chunk, parts))
            runs["reader"].append(_phase(pool, benchwork.reader_chunk, parts, shards))
    with ProcessPoolExecutor(workers, mp_context=_SPAWN,
                             initializer=benchwork.start_jieba_worker) as pool:
        list(pool.map(_noop, range(workers)))
        for _ in range(repeat):
            runs["jieba"].append(_phase(pool, benchwork.jieba_chunk, shards))
    return {name: _median_row(rows) for name, rows in runs.items()}


def _noop(_: int) -> None:
    time.sleep(0.2)  # long enough that every worker gets one


def _phase(pool: ProcessPoolExecutor, fn: Callable[..., Any], *args: Sequence[Any]
           ) -> dict[str, float]:
    started, load = time.perf_counter(), _load()
    rows = list(pool.map(fn, *args))
    wall = time.perf_counter() - started
    row = {"wall_s": wall, "cpu_s": sum(r[3] for r in rows), "units": sum(r[0] for r in rows),
           "chars": sum(r[1] for r in rows), "slowest_worker_s": max(r[2] for r in rows),
           "load_before": load, "load_after": _load()}
    if len(rows[0]) > 4:
        row["dictionary_load_s"] = max(r[4] for r in rows)
    return row


def _median_row(rows: list[dict[str, float]]) -> dict[str, Any]:
    row: dict[str, Any] = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    if "dictionary_load_s" in row:  # reported by the first run only
        row["dictionary_load_s"] = max(r["dictionary_load_s"] for r in rows)
    row["runs_wall_s"] = [round(r["wall_s"], 3) for r in rows]
    row["chars_per_s"] = row["chars"] / row["wall_s"]
    row["units_per_s"] = row["units"] / row["wall_s"]
    return row


# --- the pipeline, timed stage by stage ----------------------------------------------------


def _pipeline(inbox: Path, out: Path, workers: int, model: Path | None,
              batch_size: int) -> dict[str, Any]:
    """The run's own batch loop and steps (``batch.run_batches``), a timer around each step
    through the loop's hooks.

    Batches go through ``process.process_chunk`` on the run's worker pool, chunked as
    ``process.plan_chunks`` cuts them, with the per-document stages timed inside the workers
    through its clock hook; the same pool then writes the units' outputs, as in a real run.
    """
    from concurrent.futures import ThreadPoolExecutor

    from docpipe.running import batch, pool
    from docpipe.storing.catalog import Catalog, catalog_path

    clock = _Clock()
    inner: dict[str, list[float]] = {}
    loads: list[tuple[float, float]] = []
    seen = {"peak": 0, "chars": 0}
    lock = threading.Lock()  # the next batch is processed in a thread meanwhile

    def process(batch_files: Sequence[Any], units: Mapping[str, Any], model: Path | None,
                workers: int) -> list[Any]:
        results, timers, batch_loads, peak, chars = _process(list(batch_files), units, model,
                                                             workers)
        with lock:
            loads.extend(batch_loads)
            seen["peak"] = max(seen["peak"], peak)
            seen["chars"] += chars
            for stage, (wall, cpu) in timers.items():
                inner.setdefault(stage, [0.0, 0.0])
                inner[stage][0] += wall
                inner[stage][1] += cpu
        return results

    params = batch.RunParams(str(inbox), out, model, workers, batch_size)
    with benchwork.RssSampler() as rss, ThreadPoolExecutor(2 if workers > 1 else 1) as thread:
        # the run's own loop and steps; only batch processing is the timed variant
        steps = batch.local_steps(lambda *args: thread.submit(process, *args))
        _, report = batch.run_batches(params, steps, batch.Hooks(stage=clock))
        pool.shutdown_pools()  # as the run's process does when it exits
    assert report is not None, "a fresh output folder cannot be up to date"
    with Catalog(catalog_path(None, out)) as db:
        stale = len(db.stale_paths(report.model_version))
    docs = report.documents
    items = sum(u.items for u in report.units)
    chars = seen["chars"]
    total = sum(wall for wall, _ in clock.spent.values())
    stages = _stage_rows(clock.spent, inner, loads, workers, docs, items, chars)
    return {
        "documents": docs, "items": items, "chars": chars, "stale_documents": stale,
        "rejected": len(report.rejected), "outputs": len(report.outputs),
        "model_version": report.model_version, "wall_s": total, "stages": stages,
        "docs_per_s": docs / total, "items_per_s": items / total, "chars_per_s": chars / total,
        "peak_rss_mib": rss.peak_kib / 1024, "peak_rss_single_process_mib":
            max(rss.peak_single_kib, seen["peak"]) / 1024,
    }


def _process(batch: list[Any], units: Mapping[str, Any], model: Path | None, workers: int
             ) -> tuple[list[Any], dict[str, list[float]], list[tuple[float, float]], int, int]:
    """One batch as ``pipeline.process_for_catalog`` runs it, with the timed worker functions.

    Returns the catalog rows, the summed stage timers, the model loads, the peak RSS of a
    worker and the characters read."""
    from docpipe.running import pool, process

    model_arg = str(model) if model else None
    pooled, chunks = process.plan_chunks(batch, workers)
    n = len(chunks)
    args = (benchwork.pipeline_chunk, chunks, [units] * n, [model_arg] * n)
    # the pipeline's own pool, shared by every batch of the run and by the outputs
    done = list(pool.worker_pool(workers, model).map(*args) if pooled else map(*args))
    rows = [r for chunk_rows, *_ in done for r in chunk_rows]
    timers: dict[str, list[float]] = {}
    for _, chunk_timers, *_ in done:
        for stage, (wall, cpu) in chunk_timers.items():
            timers.setdefault(stage, [0.0, 0.0])
            timers[stage][0] += wall
            timers[stage][1] += cpu
    loads = [load for _, _, load, _, _ in done if load[0]]
    return (rows, timers, loads, max((peak for _, _, _, peak, _ in done), default=0),
            sum(chars for *_, chars in done))


def _stage_rows(outer: Mapping[str, list[float]], inner: Mapping[str, list[float]],
                loads: Sequence[tuple[float, float]], workers: int, docs: int, items: int,
                chars: int) -> list[dict[str, Any]]:
    """One row per stage.  Stages inside the pool are shared by ``workers`` processes: their
    wall share is their summed in-process time divided by ``workers``; what is left of the
    pool's lifetime is process start-up, model loading and moving results between processes."""
    share = max(1, workers)
    rows = []
    for stage, (wall, cpu) in outer.items():
        if stage != "process":
            rows.append(_row(stage, wall, cpu, docs, items, chars))
            continue
        in_pool = 0.0
        for name in benchwork.STAGES:
            w, c = inner.get(name, (0.0, 0.0))
            rows.append(_row(name, w / share, c, docs, items, chars))
            in_pool += w / share
        load_wall = sum(w for w, _ in loads) / share
        rows.append(_row("model_load_workers", load_wall, sum(c for _, c in loads), docs, items,
                         chars) | {"loads": len(loads)})
        rows.append(_row("pool_overhead", max(0.0, wall - in_pool - load_wall), 0.0, docs, items,
                         chars))
    return rows


def _row(stage: str, wall: float, cpu: float, docs: int, items: int, chars: int
         ) -> dict[str, Any]:
    rate = (lambda n: n / wall) if wall > 0 else (lambda n: None)
    return {"stage": stage, "wall_s": wall, "cpu_s": cpu, "docs_per_s": rate(docs),
            "items_per_s": rate(items), "chars_per_s": rate(chars)}


class _Clock:
    """Accumulates wall and CPU seconds (this process) per named step."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {}

    def __call__(self, name: str) -> _Clock:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._start = (time.perf_counter(), time.process_time())

    def __exit__(self, *exc_info: object) -> None:
        row = self.spent.setdefault(self._name, [0.0, 0.0])
        row[0] += time.perf_counter() - self._start[0]
        row[1] += time.process_time() - self._start[1]


# --- the unchanged rerun and Prefect ---------------------------------------------------------


_PROBE = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from docpipe.storing import incremental
from docpipe.storing.catalog import Catalog, catalog_path
from docpipe.classifying.predict import load_classifier
from docpipe.reading.inbox import scan_inbox
from docpipe.outputs.report import read_report
spent = {"imports": time.perf_counter() - t0}
def step(name, fn):
    t = time.perf_counter(); value = fn(); spent[name] = time.perf_counter() - t; return value
inbox, out, model = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
found = step("scan", lambda: scan_inbox(inbox))
version = step("model_version", lambda: load_classifier(Path(model) if model else None).version)
def plan():
    with Catalog(catalog_path(None, out)) as db:
        return incremental.plan_run(found, db, out, version)
p = step("plan", plan)
step("read_report", lambda: read_report(out))
print(json.dumps({"up_to_date": p.up_to_date, "todo": len(p.todo), "steps": spent}))
"""


def _rerun_probe(inbox: Path, out: Path, model: Path | None) -> dict[str, Any]:
    """What the flow does on a rerun with nothing new, in a fresh process, step by step."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PROBE, str(inbox), str(out),
                           str(model or "")], check=True, capture_output=True, text=True)
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    row["process_wall_s"] = time.perf_counter() - started
    row["own_work_s"] = sum(v for k, v in row["steps"].items() if k != "imports")
    return row


_EMPTY_FLOW = """
import json, time
t0 = time.perf_counter()
from docpipe_flows.env import configure_prefect_env
configure_prefect_env()
from prefect import flow
t1 = time.perf_counter()
@flow(name="bench-empty")
def empty() -> int:
    return 0
empty()
print(json.dumps({"import_s": t1 - t0, "run_s": time.perf_counter() - t1}))
"""


def _prefect(inbox: Path, out: Path, workers: int, model: Path | None, home: Path, *,
             full: bool) -> dict[str, Any]:
    """An empty flow (Prefect's own start-up), then ``docpipe run`` with nothing new on the
    library run's outputs (same catalog and state files as the flow's); with ``full`` also
    ``docpipe run`` end to end into a fresh folder and its rerun.  Each in a fresh process."""
    env = {**os.environ, "PREFECT_HOME": str(home)}

    def run(folder: Path) -> list[str]:
        return [str(Path(sys.executable).with_name("docpipe")), "run", str(inbox), "--out",
                str(folder), "--workers", str(workers)] + (["--model", str(model)] if model
                                                           else [])

    empty = [sys.executable, "-c", _EMPTY_FLOW]
    row: dict[str, Any] = {}
    row["empty_flow_first"] = _timed_process(empty, env)  # creates Prefect's database
    row["empty_flow"] = _timed_process(empty, env)
    row["rerun"] = _timed_process(run(out / "lib"), env)
    if full:
        row["run"] = _timed_process(run(out / "flow"), env)
        row["run_rerun"] = _timed_process(run(out / "flow"), env)
    return row


def _timed_process(cmd: list[str], env: Mapping[str, str]) -> dict[str, Any]:
    load = _load()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    with benchwork.RssSampler(proc.pid) as rss:
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}):\n{stderr[-2000:]}")
    row: dict[str, Any] = {"wall_s": wall, "peak_rss_mib": rss.peak_kib / 1024,
                           "load_before": load, "load_after": _load()}
    last = stdout.strip().splitlines()[-1:] if stdout.strip() else []
    if last and last[0].startswith("{"):
        row.update(json.loads(last[0]))
    return row


# --- ratios, output --------------------------------------------------------------------------


def _ratios(result: Mapping[str, Any]) -> dict[str, float]:
    pipe = result["pipeline"]
    ratios: dict[str, float] = {}
    base = result.get("baselines")
    if base:
        ratios["reader_vs_python_docx"] = base["python_docx"]["wall_s"] / base["reader"]["wall_s"]
        ratios["reader_vs_python_docx_cpu"] = (base["python_docx"]["cpu_s"]
                                               / base["reader"]["cpu_s"])
        ratios["pipeline_vs_jieba"] = pipe["chars_per_s"] / base["jieba"]["chars_per_s"]
        ratios["pipeline_vs_python_docx"] = pipe["docs_per_s"] / base["python_docx"]["units_per_s"]
    flow = result.get("prefect")
    if flow and "run" in flow and base:
        run_chars_s = pipe["chars"] / flow["run"]["wall_s"]
        ratios["docpipe_run_vs_jieba"] = run_chars_s / base["jieba"]["chars_per_s"]
    return ratios


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _loaded(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    before = _load()
    row = fn()
    return {**row, "load_before": before, "load_after": _load()}


def _machine() -> dict[str, Any]:
    commit = subprocess.run(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "commit": commit,
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
                                1) if hasattr(os, "sysconf") else None}


def _pin_model(folder: Path) -> None:
    """Run on a snapshot of the model and its training data (this process and its children).

    The unchanged rerun is only unchanged if the model version stays put: on a tree where the
    classifier is being retrained, the snapshot keeps the run's figures comparable.
    """
    from docpipe import settings

    if folder.exists():
        shutil.rmtree(folder)
    training = settings.training_dir()
    if training.is_dir():
        shutil.copytree(training, folder / "training")
        os.environ["DOCPIPE_TRAINING_DIR"] = str(folder / "training")
    model = settings.model_path()
    (folder / "model").mkdir(parents=True)
    for source in (model, manifest_path(model), served_path(model)):
        if source.exists():
            shutil.copy2(source, folder / "model" / source.name)
    os.environ["DOCPIPE_MODEL"] = str(folder / "model" / model.name)


def format_summary(results: Sequence[Mapping[str, Any]]) -> str:
    """Markdown tables: stages at each size, baselines and ratios, scaling, reruns."""
    from benchreport import summary_markdown

    return summary_markdown(results)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docpipe bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000],
                        help="documents per run (default 1000; the issue's set: 1000 5000 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--units", type=int, default=UNITS, help="units in the inbox (73)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="baseline repetitions (median)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--model", type=Path, help="classifier to use (default: the project's)")
    parser.add_argument("--work", type=Path, default=REPO_DIR / "benchmarks" / "work",
                        help="corpora cache and scratch outputs")
    parser.add_argument("--results", type=Path, default=REPO_DIR / "benchmarks" / "results")
    parser.add_argument("--name", default="", help="results file name (default: dated)")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--no-pin", action="store_true",
                        help="use the project's model and training data as they change")
    parser.add_argument("--summarise", type=Path, nargs="+", metavar="JSON",
                        help="print the combined summary of earlier results files and stop")
    parser.add_argument("--prefect", choices=("none", "rerun", "full"), default="rerun",
                        help="`docpipe run` under Prefect: not at all, only the unchanged rerun "
                             "(default), or also end to end into a fresh folder")
    args = parser.parse_args(argv)
    if args.summarise:
        earlier = [run for path in args.summarise
                   for run in json.loads(path.read_text("utf-8"))["runs"]]
        print(format_summary(sorted(earlier, key=lambda run: run["size"])), end="")
        return 0
    started = datetime.now().astimezone()
    if args.model is None and not args.no_pin:
        _pin_model(args.work / "pinned")
    runs = []
    for size in args.sizes:
        inbox = ensure_corpus(args.work, size, args.seed, args.units)
        print(f"== {size} documents ({inbox})", file=sys.stderr, flush=True)
        row = run_benchmark(inbox, args.work / f"out-{size}-s{args.seed}", workers=args.workers,
                            repeat=args.repeat, model=args.model,
                            baselines=not args.no_baselines, prefect=args.prefect,
                            batch_size=args.batch_size)
        runs.append({"size": size, "seed": args.seed, "units": args.units, **row})
    document = {"started": started.isoformat(timespec="seconds"), "machine": _machine(),
                "argv": list(argv if argv is not None else sys.argv[1:]), "runs": runs}
    summary = format_summary(runs)
    document["summary_markdown"] = summary
    args.results.mkdir(parents=True, exist_ok=True)
    name = args.name or f"bench-{started:%Y%m%d-%H%M%S}-{'-'.join(map(str, args.sizes))}"
    path = args.results / f"{name}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(summary)
    print(f"results: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
