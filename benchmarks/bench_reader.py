"""Throughput of docpipe's .docx reader against python-docx on the same files.

    .venv/bin/python benchmarks/bench_reader.py                 # generate 300 documents
    .venv/bin/python benchmarks/bench_reader.py --dir samples/inbox --json bench.json

python-docx's side is Document() + every body paragraph's text + every table cell's text
(what a simple extractor would do); docpipe's side is ``read_docx``, which also resolves list
labels, nested tables, text boxes, headers and notes. Both run on the same files, best of
``--repeat`` rounds, files already in the page cache.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import docx

from docpipe.reading.ingest import read_docx

_SUBJECTS = ["有的领导干部", "个别同志", "班子成员中", "本单位", "部分科室", "基层站所"]
_PROBLEMS = [
    "会议多、文件多，以会议落实会议、以文件落实文件", "下基层调研走马观花、蜻蜓点水",
    "对群众反映的问题推诿扯皮，门难进、脸难看、事难办", "工作拈轻怕重，安于现状，不思进取",
    "公务接待超出标准，节庆期间互送礼品", "检查评比过多过滥，基层疲于应付各类台账",
    "决策时拍脑袋，搞一言堂，听不进不同意见", "办公用房超标，装修追求豪华",
    "学习流于形式，学用脱节，笔记照抄照搬", "对来信来访答复不及时，群众意见较大",
]
_TAILS = ["，影响了干部队伍形象。", "，群众对此意见较多。", "，需要在整改中切实加以解决。",
          "，说起来头头是道，做起来还是老一套。", "。"]
_REQUESTS = ["建议增加职工食堂的窗口", "希望改善单位停车条件", "建议加强业务培训",
             "办公设备老化需要更新"]
_NUMERALS = "一二三四五六七八九十"


def _sentence(rng: random.Random) -> str:
    return rng.choice(_SUBJECTS) + rng.choice(_PROBLEMS) + rng.choice(_TAILS)


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` realistic opinion summaries of about 3,000 characters each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        document = docx.Document()
        document.add_heading(f"第{index + 1}单位关于征求意见建议情况的汇总报告", 0)
        document.add_paragraph("按照教育实践活动的统一部署，我单位通过发放征求意见函、召开座谈会、"
                               "设立意见箱等方式，广泛听取干部群众的意见建议。现将有关情况报告如下。")
        for section in range(5):
            document.add_heading(f"{_NUMERALS[section]}、{rng.choice(_PROBLEMS)[:8]}方面", 1)
            for point in range(4):
                text = "".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
                document.add_paragraph(f"（{_NUMERALS[point]}）{text}")
        table = document.add_table(rows=1, cols=3)
        for cell, title in zip(table.rows[0].cells, ("序号", "意见内容", "提出方式"), strict=True):
            cell.text = title
        for row in range(16):
            cells = table.add_row().cells
            cells[0].text = str(row + 1)
            cells[1].text = rng.choice([_sentence(rng), rng.choice(_REQUESTS) + "。"])
            cells[2].text = rng.choice(["座谈会", "征求意见函", "意见箱", "个别谈话"])
        path = folder / f"unit_{index:04d}.docx"
        document.save(str(path))
        paths.append(path)
    return paths


def _python_docx(path: Path) -> int:
    document = docx.Document(str(path))
    chars = sum(len(par.text) for par in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            chars += sum(len(cell.text) for cell in row.cells)
    return chars


def _docpipe(path: Path) -> int:
    doc = read_docx(path)
    if not doc.ok:
        raise SystemExit(f"{path}: {doc.error_code}: {doc.message}")
    return sum(len(par.text) for par in doc.paragraphs)


def _measure(paths: list[Path], repeat: int) -> dict[str, dict[str, float]]:
    """Interleave the two readers file by file (fair under a noisy, shared machine).

    Best of ``repeat`` rounds, in wall-clock and in CPU seconds of this process.
    """
    readers = {"python_docx": _python_docx, "docpipe": _docpipe}
    best = {name: {"seconds": float("inf"), "cpu_seconds": float("inf"), "chars": 0.0}
            for name in readers}
    for _ in range(repeat):
        spent = {name: [0.0, 0.0, 0] for name in readers}
        for path in paths:
            for name, extract in readers.items():
                wall, cpu = time.perf_counter(), time.process_time()
                chars = extract(path)
                spent[name][0] += time.perf_counter() - wall
                spent[name][1] += time.process_time() - cpu
                spent[name][2] += chars
        for name, (wall_s, cpu_s, chars) in spent.items():
            row = best[name]
            row["seconds"] = min(row["seconds"], wall_s)
            row["cpu_seconds"] = min(row["cpu_seconds"], cpu_s)
            row["chars"] = chars
    for row in best.values():
        row["files_per_s"] = len(paths) / row["seconds"]
        row["chars_per_s"] = row["chars"] / row["seconds"]
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="read these .docx (recursively) instead")
    parser.add_argument("--count", type=int, default=300, help="documents to generate")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_reader_") as tmp:
        paths = sorted(args.dir.rglob("*.docx")) if args.dir else generate(Path(tmp), args.count)
        if not paths:
            print("no .docx files found", file=sys.stderr)
            return 1
        for path in paths:  # warm the page cache
            path.read_bytes()
        result: dict[str, object] = {"files": len(paths), **_measure(paths, args.repeat)}
    base, ours = result["python_docx"], result["docpipe"]
    result["ratio"] = base["seconds"] / ours["seconds"]  # type: ignore[index]
    result["ratio_cpu"] = base["cpu_seconds"] / ours["cpu_seconds"]  # type: ignore[index]
    for name, row in (("python_docx", base), ("docpipe", ours)):
        print(f"{name:12s} {row['files_per_s']:8.1f} files/s  {row['chars_per_s']:12,.0f} "  # type: ignore[index]
              f"chars/s  ({row['chars']:,.0f} chars, {row['seconds']:.2f} s wall, "  # type: ignore[index]
              f"{row['cpu_seconds']:.2f} s CPU)")  # type: ignore[index]
    print(f"throughput ratio docpipe / python-docx: {result['ratio']:.2f}x wall, "
          f"{result['ratio_cpu']:.2f}x CPU, on {len(paths)} files")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
