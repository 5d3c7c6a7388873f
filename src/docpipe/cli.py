"""The `docpipe` command: a stable contract that users and outside checks script against.

Over 400 lines on purpose: every subcommand's arguments and messages, the contract users
script against, in one file.

Exit status: 0 when the command completed (a run with rejected files has completed: the report
says so), 2 for usage errors (bad arguments, missing inbox, an output folder that cannot be
written), 1 for an internal failure (its full trace written to a file), 130 when interrupted.
JSON-lines fields may be added, never renamed or removed.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from docpipe.settings import DEFAULT_BATCH_SIZE, default_workers

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Something the user can fix on the command line."""


class RunStopped(Exception):
    """A run that did not complete for a reason the message gives (exit 1, no trace)."""


def _known_stop(exc: BaseException) -> str:
    """The message for a failure that is not a defect: a full disk, a busy, damaged or
    full catalog, another run on the output folder ('' for anything else)."""
    from docpipe.running.lock import RunBusy
    from docpipe.storing.catalog import CatalogError

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:  # Prefect may wrap the original
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return (f"no space left on device: {exc}（磁盘空间已满）。已写完的输出保持完整，"
                    "请腾出空间后重新运行。")
        if isinstance(exc, RunBusy | CatalogError):
            return str(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # the benchmark parses its own options (and its --help)
        return _bench(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args) or EXIT_OK)
    except UsageError as exc:
        print(f"docpipe {args.command}：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("docpipe：已中断，再次运行同一命令即可继续。 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except RunStopped as exc:
        print(f"docpipe {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        stopped = _known_stop(exc)
        if stopped:
            print(f"docpipe {args.command}: {stopped}", file=sys.stderr)
            return EXIT_FAILURE
        return _internal_failure(args, exc)


def _internal_failure(args: argparse.Namespace, exc: Exception) -> int:
    """One paragraph on the terminal; the full trace in a file beside the outputs."""
    from docpipe.console import write_trace

    folders = [Path(args.out) / "logs"] if getattr(args, "out", None) else []
    trace = write_trace(exc, folders)
    where = f"完整的出错记录已写入 {trace}" if trace else "出错记录无法写入文件"
    print(f"docpipe {args.command}：内部错误（{type(exc).__name__}: {exc}）。这是 docpipe 的缺陷，"
          f"不是材料的问题；已完成的部分已保存，修复后再次运行即可继续。{where}，"
          "请将该文件发给 docpipe 维护人员。\n"
          f"docpipe {args.command}: internal failure; full trace: {trace or 'not written'}",
          file=sys.stderr)
    return EXIT_FAILURE


# --- commands -------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    from docpipe.console import PathProblem, check_run_paths
    from docpipe.reading.inbox import InboxError, scan_inbox

    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise UsageError(f"收件箱文件夹不存在：{inbox} / inbox folder not found: {inbox}")
    if args.workers < 1 or args.batch_size < 1 or args.dask_workers < 0:
        raise UsageError("--workers 与 --batch-size 至少为 1 / "
                         "--workers and --batch-size must be at least 1")
    if args.wait < 0:
        raise UsageError("--wait 不能为负数 / --wait must be 0 or more seconds")
    try:
        check_run_paths(inbox, Path(args.out), args.catalog, args.model)
        scan_inbox(inbox)  # fail fast on a broken units.csv, before Prefect starts
    except (InboxError, PathProblem) as exc:
        raise UsageError(str(exc)) from exc
    out = Path(args.out)
    from docpipe.running.lock import run_lock

    try:  # before Prefect starts: a second run on this folder waits or stops right here
        lock = run_lock(out, args.wait)
        lock.__enter__()
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        raise UsageError(f"--out 文件夹不可写（cannot write to --out {out}: {exc}）") from exc
    try:
        return _run_locked(args, out)
    finally:
        lock.__exit__(None, None, None)


def _run_locked(args: argparse.Namespace, out: Path) -> int:
    from docpipe.console import stop_on_interrupt
    from docpipe.outputs.report import format_report
    from docpipe.running.batch import failed_run
    from docpipe.storing.catalog import catalog_path, set_aside
    from docpipe.storing.incremental import forget_completed
    from docpipe.taxonomy import load_taxonomy

    if args.rebuild_catalog:
        kept = set_aside(catalog_path(args.catalog, out))
        forget_completed(out)
        if kept:
            print(f"docpipe run: 原目录库已移至 {kept}，正从收件箱重建（moved the old catalog "
                  "aside; every file is read again）", file=sys.stderr)
    progress = _progress(args)
    progress.begin("prefect")  # something on the screen during Prefect's start-up
    with stop_on_interrupt(progress, _rerun_command()):
        report = _run_flow(args, progress)
    progress.finish()
    print(format_report(report, load_taxonomy(), args.lang), end="")
    why = failed_run(report)
    if why:
        raise RunStopped(why)
    return EXIT_OK


def _progress(args: argparse.Namespace) -> Any:
    from docpipe.console import Progress

    return Progress(show=None if not args.quiet else False)


def _run_flow(args: argparse.Namespace, progress: Any) -> Any:
    from docpipe_flows import flow as docpipe_flow

    from docpipe.running.batch import Hooks

    before = docpipe_flow.hooks
    docpipe_flow.hooks = Hooks(stage=progress.stage, progress=progress.batches,
                               planned=progress.planned, files=progress.files,
                               units=progress.units)
    try:
        return docpipe_flow.run(
            str(args.inbox),
            str(args.out),
            model=args.model,
            workers=args.workers,
            batch_size=args.batch_size,
            dask_address=args.dask_address,
            dask_workers=args.dask_workers,
            catalog=args.catalog,
            as_of=args.as_of,
        )
    finally:  # the progress line belongs to this command, not to later runs in the process
        docpipe_flow.hooks = before


def _rerun_command() -> str:
    import shlex

    return "docpipe " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _serve(args: argparse.Namespace) -> int:
    from docpipe.console import PathProblem, check_run_paths

    if not Path(args.inbox).is_dir():
        raise UsageError(f"收件箱文件夹不存在：{args.inbox} / inbox folder not found: {args.inbox}")
    try:
        check_run_paths(Path(args.inbox), Path(args.out), None, None)
    except PathProblem as exc:
        raise UsageError(str(exc)) from exc
    from docpipe_flows.env import api_problem

    problem = api_problem()
    if problem:
        raise UsageError(problem)
    from docpipe_flows.serve import serve

    serve(
        str(Path(args.inbox).resolve()),
        str(Path(args.out).resolve()),
        cron=args.cron,
        name=args.name,
        workers=args.workers,
        dask_address=args.dask_address,
    )
    return EXIT_OK


def _server(args: argparse.Namespace) -> int:
    """Prefect's API server with docpipe's offline settings (no analytics, local only)."""
    import subprocess

    from docpipe_flows.env import server_command

    command, env = server_command(args.host, args.port)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return EXIT_OK


def _extract(args: argparse.Namespace) -> int:
    from docpipe.fsutil import display_path
    from docpipe.reading.ingest import read_docx

    for path in _files(args.files):
        doc = read_docx(path, allow_macros=args.allow_macros, recover=args.recover)
        row: dict[str, Any] = {
            "path": display_path(path),
            "sha256": doc.sha256,
            "status": doc.status.value,
            "error_code": doc.error_code.value if doc.error_code else None,
            "message": doc.message or None,
            "paragraphs": [p.text for p in doc.paragraphs],
            "text_hash": doc.text_hash,
            "flags": list(doc.flags),
        }
        # the structure beside the flat text: tables as rows and cells, the parts kept apart
        row.update(
            {
                "tables": [
                    {"index": t.index, "depth": t.depth, "rows": [list(r) for r in t.rows]}
                    for t in doc.tables
                ],
                "headers": list(doc.headers),
                "footers": list(doc.footers),
                "footnotes": list(doc.footnotes),
                "endnotes": list(doc.endnotes),
                "comments": list(doc.comments),
            }
        )
        if args.structure:  # per paragraph: style, list label and level, table cell
            row["blocks"] = [
                {
                    "text": p.text,
                    "style": p.style,
                    "numbering": p.numbering,
                    "level": p.level,
                    "table": list(p.table) if p.table else None,
                }
                for p in doc.paragraphs
            ]
        _emit(row)
    return EXIT_OK


def _items(args: argparse.Namespace) -> int:
    from docpipe.fsutil import display_path
    from docpipe.outputs.report import item_json
    from docpipe.reading.inbox import read_units_csv
    from docpipe.reading.ingest import read_docx
    from docpipe.records import InboxFile
    from docpipe.understanding.doctype import describe_document
    from docpipe.understanding.items import split_items

    units = read_units_csv(Path(args.units)) if args.units else {}
    for path in _files(args.files):
        units_here = units or _units_near(path)
        doc = read_docx(path)
        if not doc.ok:
            print(
                f"{display_path(path)}: rejected [{doc.error_code}] {doc.message}", file=sys.stderr
            )
            continue
        unit = args.unit if args.unit is not None else _unit_folder(path, units_here)
        info = describe_document(doc, InboxFile(path, Path(path).name, unit), units_here)
        for item in split_items(doc, info):
            _emit(
                {
                    **item_json(item),
                    "doc_type_confidence": round(info.doc_type_confidence, 3),
                    "unit_known": info.unit_known,
                }
            )
    return EXIT_OK


def _classify(args: argparse.Namespace) -> int:
    from docpipe.classifying.predict import load_classifier
    from docpipe.outputs.report import prediction_json

    classifier = load_classifier(Path(args.model) if args.model else None)
    if hasattr(sys.stdin, "reconfigure"):  # bytes that are not UTF-8 must not stop the stream
        sys.stdin.reconfigure(errors="replace")
    for chunk in _batched(_stdin_items(sys.stdin), 256):
        texts = [t for t, _ in chunk]
        hints = [h for _, h in chunk]
        for (text, _), prediction in zip(chunk, classifier.predict(texts, hints), strict=True):
            _emit(prediction_json(text, prediction))
    return EXIT_OK


def _train(args: argparse.Namespace) -> int:
    from docpipe.classifying.train import train_model

    result = train_model(
        Path(args.data) if args.data else None,
        Path(args.model) if args.model else None,
        select=args.select,
    )
    print(result.summary() if hasattr(result, "summary") else result)
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from docpipe.classifying.predict import load_classifier
    from docpipe.classifying.train import evaluate_model

    classifier = load_classifier(Path(args.model) if args.model else None)
    report = evaluate_model(
        classifier,
        Path(args.data) if args.data else None,
        Path(args.report) if args.report else None,
    )
    print(report.summary() if hasattr(report, "summary") else report)
    return EXIT_OK


def _evaluate_items(args: argparse.Namespace) -> int:
    from docpipe.understanding import evaluate as items_eval

    return int(items_eval.main([args.dir] if args.dir else []) or EXIT_OK)


# --- helpers --------------------------------------------------------------------------------


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def _bench(argv: Sequence[str]) -> int:
    """The region-scale benchmark lives in the checkout (benchmarks/), not in the library."""
    script = Path.cwd() / "benchmarks" / "bench.py"
    if not script.is_file():
        print("docpipe bench 需在 docpipe 源代码目录中运行（找不到 benchmarks/bench.py）。\n"
              "docpipe bench runs from a docpipe checkout: benchmarks/bench.py not found here.",
              file=sys.stderr)
        return EXIT_USAGE
    import subprocess

    return subprocess.call([sys.executable, str(script), *argv])


def _files(paths: Iterable[str]) -> Iterator[str]:
    """Expand folders to the files they hold; a missing path is a usage error."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from (
                str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.name != "units.csv"
            )
        elif path.exists():
            yield raw
        else:
            raise UsageError(f"no such file: {raw}")


def _units_near(path: str) -> dict[str, Any]:
    """units.csv of the inbox the file sits in (INBOX/<unit>/file.docx), if any."""
    from docpipe.reading.inbox import read_units_csv

    for folder in Path(path).resolve().parents[:2]:
        candidate = folder / "units.csv"
        if candidate.is_file():
            return dict(read_units_csv(candidate))
    return {}


def _unit_folder(path: str, units: dict[str, Any]) -> str:
    parent = Path(path).resolve().parent
    if (parent.parent / "units.csv").is_file() or parent.name in units:
        return parent.name
    return ""


def _stdin_items(stream: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Plain lines of text, or JSON objects with a "text" field (and an optional "hint")."""
    for number, line in enumerate(stream, 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"stdin line {number}: invalid JSON ({exc.msg})") from exc
            if not isinstance(obj.get("text"), str):
                raise UsageError(f'stdin line {number}: JSON object without a "text" string')
            yield obj["text"], str(obj.get("hint") or "")
        else:
            yield line, ""


def _batched(items: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    batch: list[tuple[str, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _emit(row: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docpipe",
        description="Read the Word files units submit, sort their opinions into the 四风 "
        "categories and draft the campaign office's replies.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="process an inbox and write summaries and drafts")
    run.add_argument("inbox", help="INBOX folder: INBOX/<unit>/<file>.docx and INBOX/units.csv")
    run.add_argument("--out", required=True, help="output folder (created if missing)")
    run.add_argument(
        "--model", help="model file (default: models/classifier.skops, trained on first use)"
    )
    run.add_argument("--workers", type=int, default=default_workers(),
                     help="processes for reading, classifying and writing the units' outputs "
                     "(default: the CPUs this process may use, %(default)s here)")
    run.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                     help="documents per flow task")
    run.add_argument("--quiet", action="store_true",
                     help="no progress line (it is shown only on a terminal anyway)")
    run.add_argument("--lang", choices=("zh", "en"), default="zh",
                     help="language of the printed report (default: zh, 中文)")
    run.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="date the drafts and judge deadlines as of this day (default: today)",
    )
    run.add_argument(
        "--catalog", help="catalog path or sqlite:/// URL (default: OUT/catalog.sqlite)"
    )
    run.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS",
        help="when another run is using --out, wait up to SECONDS for it (default: stop at once)",
    )
    run.add_argument(
        "--rebuild-catalog", action="store_true",
        help="move a damaged catalog aside and rebuild it by reading the whole inbox again",
    )
    run.add_argument(
        "--dask-address", help="run batches on an existing Dask cluster (tcp://HOST:PORT)"
    )
    run.add_argument(
        "--dask-workers",
        type=int,
        default=0,
        help="run batches on a local Dask cluster of N worker processes",
    )
    run.set_defaults(handler=_run)

    serve = sub.add_parser(
        "serve", help="run the inbox every night on a schedule (needs `docpipe server`)",
        description="Register the deployment docpipe-run/NAME with its cron schedule (time zone "
        "Asia/Shanghai) on the Prefect API server at PREFECT_API_URL, and run the scheduled "
        "runs in this process until stopped (Ctrl-C pauses the schedule).  Start the server "
        "first with `docpipe server` and export PREFECT_API_URL=http://127.0.0.1:4200/api; "
        "without a reachable server, serve refuses to start (nothing would ever be scheduled). "
        "每晚定时处理收件箱：需先运行 docpipe server 并设置 PREFECT_API_URL。",
        epilog="example: docpipe serve /srv/inbox --out /srv/outputs --cron '0 2 * * *'")
    serve.add_argument("inbox", help="INBOX folder, as for `docpipe run`")
    serve.add_argument("--out", required=True, help="output folder, as for `docpipe run`")
    serve.add_argument("--cron", default="0 2 * * *",
                       help="when to run, cron syntax in Asia/Shanghai time "
                       "(default: '0 2 * * *', 02:00 every night)")
    serve.add_argument("--name", default="nightly",
                       help="deployment name (default: nightly → docpipe-run/nightly)")
    serve.add_argument("--workers", type=int, default=default_workers(),
                       help="processes per run (default: %(default)s)")
    serve.add_argument("--dask-address", help="run the scheduled runs on this Dask cluster")
    serve.set_defaults(handler=_serve)

    server = sub.add_parser(
        "server", help="start Prefect's API server for `serve`, offline (no analytics)",
        description="Run `prefect server start` with docpipe's offline settings: analytics "
        "and telemetry off, listening on 127.0.0.1, state under .cache/prefect.  Keep it "
        "running; point PREFECT_API_URL at http://HOST:PORT/api.")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=4200)
    server.set_defaults(handler=_server)

    extract = sub.add_parser("extract", help="text of .docx files as JSON lines")
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument(
        "--structure",
        action="store_true",
        help="add each paragraph's style, list label, level and table cell",
    )
    extract.add_argument(
        "--allow-macros",
        action="store_true",
        help="extract text of macro-enabled files (flagged; macros never run)",
    )
    extract.add_argument(
        "--recover", action="store_true", help="keep the good paragraphs of malformed XML (flagged)"
    )
    extract.set_defaults(handler=_extract)

    items = sub.add_parser("items", help="opinion/problem items of .docx files as JSON lines")
    items.add_argument("files", nargs="+", metavar="FILE")
    items.add_argument("--unit", help="unit name for all files (default: the folder name)")
    items.add_argument("--units", help="units.csv to match unit names against")
    items.set_defaults(handler=_items)

    classify = sub.add_parser("classify", help="classify lines or JSON objects read from stdin")
    classify.add_argument("--model", help="model file")
    classify.set_defaults(handler=_classify)

    train = sub.add_parser("train", help="train the classifier from the labelled data")
    train.add_argument("--data", help="folder of labelled .jsonl files "
                       "(default: the training data shipped with docpipe)")
    train.add_argument("--model", help="where to save the model")
    train.add_argument(
        "--select",
        action="store_true",
        help="compare model families with repeated cross-validation first",
    )
    train.set_defaults(handler=_train)

    evaluate = sub.add_parser("evaluate", help="evaluate the classifier on the held-out data")
    evaluate.add_argument("--model", help="model file")
    evaluate.add_argument("--data", help="held-out data folder")
    evaluate.add_argument("--report", help="where to write the report")
    evaluate.set_defaults(handler=_evaluate)

    ev_items = sub.add_parser("evaluate-items", help="item splitting and doc-type accuracy")
    ev_items.add_argument("dir", nargs="?", help="evaluation set (default: tests/data/items_eval)")
    ev_items.set_defaults(handler=_evaluate_items)

    bench = sub.add_parser(
        "bench", help="benchmark the pipeline at region scale (see benchmarks/)", add_help=False
    )
    bench.add_argument("args", nargs=argparse.REMAINDER)  # handled in main(), before parsing
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
