"""Generate the sample inbox (committed under samples/inbox) and the scale corpus for benchmarks.

    python samples/generate.py                         # regenerate samples/inbox exactly
    python samples/generate.py --out /tmp/inbox        # the same inbox elsewhere
    python samples/generate.py --scale 1000 --out DIR  # 1,000 files over 73 units, 6 groups

Both write INBOX/<unit>/<file>.docx, INBOX/units.csv (unit,group,batch,aliases) and
INBOX/.manifest.json: per file its unit, document type, the items it carries with the category each
was written for, and what the checks should find.  Everything is seeded; the same arguments give
byte-identical files.  Importable: ``generate_samples(out)`` and ``generate_inbox(out, ...)``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling modules when imported

from documents import BUILDERS, OMITTABLE_STUDY_POINTS, Built, Ctx, Style, Unit
from docxwriter import Para, docx_bytes
from textpool import Deck, Pool, chinese_number, load_pool

DEFAULT_OUT = Path(__file__).resolve().parent / "inbox"
ALL_TYPES = tuple(BUILDERS)
# Opinion counts of a unit's bulletin come from these types (as the campaign configuration says).
OPINION_TYPES = ("征求意见汇总", "座谈会记录")
_FILE_NAMES = {
    "实施方案": ("实施方案", "{short}教育实践活动实施方案", "关于印发教育实践活动实施方案的通知"),
    "动员讲话": ("动员讲话", "党组书记在动员大会上的讲话", "动员大会讲话稿"),
    "学习计划": ("学习计划", "学习教育安排", "集中学习计划"),
    "学习记录": ("集中学习记录", "学习记录（7-8月）", "学习情况登记"),
    "征求意见汇总": ("意见建议汇总表", "征求意见汇总", "群众意见建议梳理汇总表"),
    "座谈会记录": ("座谈会记录", "基层代表座谈会记录", "征求意见座谈会记录"),
    "对照检查材料": ("领导班子对照检查材料", "对照检查材料", "班子对照检查材料（定稿）"),
    "整改方案": ("整改方案", "整改清单", "整改落实方案"),
    "进展报告": ("工作简报第{issue}期", "教育实践活动进展情况报告（{issue}）", "简报第{issue}期"),
}


@dataclass(frozen=True, slots=True)
class _Profile:
    """What one unit of the sample inbox submits, and the defects planted in it."""

    unit: Unit
    docs: tuple[str, ...]
    plan_missing: tuple[str, ...] = ()
    study_missing: tuple[str, ...] = ()
    category_column: bool = False
    traditional: tuple[str, ...] = ()  # document types typed in traditional script
    bulletins: int = 1
    listed: bool = True


def _unit(name: str, group: int, short: str) -> Unit:
    return Unit(name, f"{_GROUP_NAMES[group]}", "第一批", (short, f"区{short}"))


_GROUP_NAMES = tuple(f"第{chinese_number(i)}督导组" for i in range(1, 10))
_REST = ("实施方案", "动员讲话", "征求意见汇总", "座谈会记录")
_PLAN_GAPS_A = ("第三环节（整改落实、建章立制）及时间安排", "督导检查")
_PLAN_GAPS_B = ("指导思想", "组织领导")

SAMPLE_PROFILES = (
    _Profile(_unit("自治区财政厅", 0, "财政厅"), ALL_TYPES, bulletins=2),
    _Profile(_unit("自治区教育厅", 0, "教育厅"), ALL_TYPES, category_column=True),
    _Profile(_unit("自治区交通运输厅", 0, "交通厅"), _REST, plan_missing=_PLAN_GAPS_A),
    _Profile(_unit("自治区卫生厅", 0, "卫生厅"), ALL_TYPES, traditional=("征求意见汇总",)),
    _Profile(_unit("自治区审计厅", 0, "审计厅"), ()),  # listed, submitted nothing
    _Profile(
        _unit("自治区国土资源厅", 1, "国土厅"),
        (*ALL_TYPES[:7], "整改方案"),
        study_missing=("有考勤", "有体会"),
    ),
    _Profile(_unit("自治区农牧厅", 1, "农牧厅"), _REST, plan_missing=_PLAN_GAPS_B),
    _Profile(_unit("自治区民政厅", 1, "民政厅"), (*_REST, "对照检查材料", "进展报告")),
    _Profile(_unit("自治区商务厅", 1, "商务厅"), ("实施方案", "动员讲话", "学习计划")),
    _Profile(_unit("自治区水利厅", 1, "水利厅"), (*_REST[:3], "整改方案")),
    _Profile(_unit("自治区住房和城乡建设厅", 2, "住建厅"), ALL_TYPES),
    _Profile(
        _unit("自治区文化厅", 2, "文化厅"),
        ("实施方案", "动员讲话", "学习记录", "征求意见汇总", "座谈会记录", "对照检查材料"),
        study_missing=("有笔记", "效果落实"),
        traditional=("座谈会记录",),
    ),
    _Profile(
        _unit("自治区环境保护厅", 2, "环保厅"), (*_REST, "对照检查材料", "整改方案", "进展报告")
    ),
    _Profile(_unit("自治区人力资源和社会保障厅", 2, "人社厅"), ("实施方案",)),
    _Profile(_unit("自治区科学技术厅", 2, "科技厅"), (*_REST, "进展报告"), category_column=True),
    _Profile(_unit("自治区统计局", 2, "统计局"), ("征求意见汇总", "座谈会记录"), listed=False),
)
BAD_FILE = ("自治区水利厅", "情况说明.docx")
LOOSE_FILE = ("自治区民政厅", "工作简报（第2期）.docx")


# ---------------------------------------------------------------- the sample inbox


def generate_samples(out: Path = DEFAULT_OUT, *, seed: int = 0) -> Path:
    """Write the small sample inbox (about 90 files, 15 units in 3 groups, edge cases)."""
    out = _prepare(out)
    rng = random.Random(seed)
    pool = load_pool()
    deck = Deck(random.Random(seed + 1))
    entries: list[dict[str, object]] = []
    for prof in SAMPLE_PROFILES:
        style = _style(rng)
        ctx = Ctx(rng, pool, deck, prof.unit, style)
        built: list[Built] = []
        for doc_type in prof.docs:
            doc_ctx = ctx
            if doc_type in prof.traditional:
                doc_ctx = Ctx(rng, pool, deck, prof.unit, replace(style, traditional=True))
            for issue in range(1, (prof.bulletins if doc_type == "进展报告" else 1) + 1):
                built.append(_build_sample(doc_ctx, doc_type, prof, built, issue))
        names: set[str] = set()
        for doc in built:
            rel = f"{prof.unit.name}/{_file_name(rng, doc, prof.unit, names)}"
            _write(out / rel, doc, prof.unit)
            entries.append(_entry(rel, prof.unit, doc, listed=prof.listed, source="folder"))
    entries += _edge_files(out, rng, pool, deck)
    units = [p.unit for p in SAMPLE_PROFILES if p.listed]
    _write_units(out, units)
    expected: dict[str, object] = {
        "listed_without_files": [p.unit.name for p in SAMPLE_PROFILES if p.listed and not p.docs],
        "folders_not_listed": [p.unit.name for p in SAMPLE_PROFILES if not p.listed],
        "files_outside_unit_folders": [LOOSE_FILE[1]],
        "bad_files": ["/".join(BAD_FILE)],
        "plans_incomplete": {
            p.unit.name: list(p.plan_missing) for p in SAMPLE_PROFILES if p.plan_missing
        },
    }
    _write_manifest(out, "samples", seed, pool.labels, units, entries, expected)
    return out


def _build_sample(
    ctx: Ctx, doc_type: str, prof: _Profile, earlier: Sequence[Built], issue: int
) -> Built:
    builder = BUILDERS[doc_type]
    match doc_type:
        case "实施方案":
            return builder(ctx, missing=prof.plan_missing)
        case "学习计划" | "学习记录":
            return builder(ctx, missing=prof.study_missing)
        case "征求意见汇总":
            return builder(
                ctx, target=ctx.rng.randint(700, 1300), category_column=prof.category_column
            )
        case "进展报告":
            return builder(ctx, issue=issue, counts=_tally(ctx, earlier))
        case "整改方案":
            return builder(ctx, gaps=(ctx.rng.randint(1, 2), ctx.rng.randint(1, 2)))
    return builder(ctx)


def _tally(ctx: Ctx, earlier: Sequence[Built]) -> dict[str, int] | None:
    """The opinion counts a bulletin reports: those of the unit's opinion documents, if any."""
    items = [i for b in earlier if b.doc_type in OPINION_TYPES for i in b.items]
    if not items:
        return None
    counts = Counter(i["category"] for i in items)
    return {label: counts.get(label, 0) for label in ctx.pool.labels}


def _edge_files(out: Path, rng: random.Random, pool: Pool, deck: Deck) -> list[dict[str, object]]:
    """A text file named .docx in a unit folder and a bulletin dropped directly under INBOX."""
    unit_name, file_name = BAD_FILE
    bad = out / unit_name / file_name
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(
        "关于我厅教育实践活动有关情况的说明\n\n我厅教育实践活动各项工作正在按计划推进，"
        "学习记录等材料将于下周补报。\n（此件由网页复制后另存，非Word文档）\n".encode()
    )
    entries: list[dict[str, object]] = [
        {
            "path": "/".join(BAD_FILE),
            "unit": unit_name,
            "unit_source": "folder",
            "listed": True,
            "doc_type": "",
            "bad": True,
            "expected_error": "not_word",
            "items": [],
        }
    ]
    prof = next(p for p in SAMPLE_PROFILES if p.unit.name == LOOSE_FILE[0])
    ctx = Ctx(rng, pool, deck, prof.unit, _style(rng))
    doc = BUILDERS["进展报告"](ctx, issue=2)
    _write(out / LOOSE_FILE[1], doc, prof.unit)
    entries.append(_entry(LOOSE_FILE[1], prof.unit, doc, listed=True, source="document"))
    return entries


# ---------------------------------------------------------------- the scale corpus

_SCALE_UNITS = (
    "发展和改革委员会",
    "经济和信息化委员会",
    "教育厅",
    "科学技术厅",
    "民族宗教事务委员会",
    "公安厅",
    "民政厅",
    "司法厅",
    "财政厅",
    "人力资源和社会保障厅",
    "国土资源厅",
    "环境保护厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农牧厅",
    "林业厅",
    "商务厅",
    "文化厅",
    "卫生厅",
    "人口和计划生育委员会",
    "审计厅",
    "外事办公室",
    "国有资产监督管理委员会",
    "地方税务局",
    "工商行政管理局",
    "质量技术监督局",
    "新闻出版广电局",
    "体育局",
    "安全生产监督管理局",
    "统计局",
    "旅游局",
    "食品药品监督管理局",
    "粮食局",
    "扶贫开发办公室",
    "人民防空办公室",
    "机关事务管理局",
    "金融工作办公室",
    "政府法制办公室",
    "地方志办公室",
    "档案局",
    "地震局",
    "气象局",
    "测绘地理信息局",
    "文物局",
    "中小企业局",
    "供销合作社联合社",
    "监狱管理局",
    "知识产权局",
    "信访局",
    "党委办公厅",
    "党委组织部",
    "党委宣传部",
    "党委统战部",
    "党委政法委员会",
    "党委政策研究室",
    "机构编制委员会办公室",
    "直属机关工作委员会",
    "老干部局",
    "党委党校",
    "社会科学院",
    "农牧科学院",
    "人大常委会办公厅",
    "政协办公厅",
    "高级人民法院",
    "人民检察院",
    "总工会",
    "团委",
    "妇女联合会",
    "科学技术协会",
    "文学艺术界联合会",
    "残疾人联合会",
    "红十字会",
)
_TYPE_WEIGHTS = {
    "实施方案": 6,
    "动员讲话": 4,
    "学习计划": 4,
    "学习记录": 7,
    "征求意见汇总": 22,
    "座谈会记录": 17,
    "对照检查材料": 16,
    "整改方案": 12,
    "进展报告": 12,
}
_CHARS_PER_PAGE = 600  # 22 lines x 28 characters, less headings, short lines and white space


def generate_inbox(
    out: Path,
    *,
    units: int = 73,
    groups: int = 6,
    documents: int = 1000,
    seed: int = 0,
    pages: tuple[int, int] = (2, 20),
) -> Path:
    """Write ``documents`` files over ``units`` units in ``groups`` groups for benchmarking.

    Page counts run from ``pages[0]`` to ``pages[1]``, most documents short (mean about 5.5
    pages, about 3,000 characters); texts are recombined from the same pool as the samples.
    """
    out = _prepare(out)
    rng = random.Random(seed)
    pool = load_pool()
    deck = Deck(random.Random(seed + 1))
    unit_list = [
        Unit(
            _scale_unit_name(i),
            _GROUP_NAMES[i % groups] if groups <= 9 else f"督导{i % groups + 1}组",
            "第一批",
            _scale_aliases(i),
        )
        for i in range(units)
    ]
    styles = [_style(rng) for _ in unit_list]
    activity = [rng.paretovariate(2.5) for _ in unit_list]  # a few units submit a lot
    types, type_weights = list(_TYPE_WEIGHTS), list(_TYPE_WEIGHTS.values())
    names: dict[str, set[str]] = {u.name: set() for u in unit_list}
    issues: Counter[str] = Counter()
    entries: list[dict[str, object]] = []
    lo, hi = pages
    for _ in range(documents):
        k = rng.choices(range(units), activity)[0]
        unit = unit_list[k]
        doc_type = rng.choices(types, type_weights)[0]
        n_pages = min(hi, lo + round(rng.expovariate(1 / max(0.5, 5.6 - lo))))
        target = n_pages * _CHARS_PER_PAGE
        ctx = Ctx(rng, pool, deck, unit, styles[k])
        if doc_type == "进展报告":
            issues[unit.name] += 1
            doc = BUILDERS[doc_type](ctx, target=target, issue=issues[unit.name])
        elif doc_type == "实施方案" and rng.random() < 0.2:
            gaps = rng.sample(("指导思想", "组织领导", "督导检查", "目标任务"), rng.randint(1, 2))
            doc = BUILDERS[doc_type](ctx, target=target, missing=gaps)
        elif doc_type in ("学习计划", "学习记录") and rng.random() < 0.3:
            doc = BUILDERS[doc_type](
                ctx, target=target, missing=rng.sample(OMITTABLE_STUDY_POINTS, 2)
            )
        else:
            doc = BUILDERS[doc_type](ctx, target=target)
        rel = f"{unit.name}/{_file_name(rng, doc, unit, names[unit.name], issues[unit.name])}"
        _write(out / rel, doc, unit)
        entries.append(_entry(rel, unit, doc, listed=True, source="folder"))
    _write_units(out, unit_list)
    _write_manifest(out, "scale", seed, pool.labels, unit_list, entries, {})
    return out


def _scale_unit_name(i: int) -> str:
    if i < len(_SCALE_UNITS):
        return f"自治区{_SCALE_UNITS[i]}"
    return f"自治区直属单位{i + 1}"


def _scale_aliases(i: int) -> tuple[str, ...]:
    if i < len(_SCALE_UNITS):
        return (_SCALE_UNITS[i], f"区{_SCALE_UNITS[i]}")
    return ()


# ---------------------------------------------------------------- writing


def _style(rng: random.Random) -> Style:
    return Style(
        auto_numbering=rng.random() < 0.35,
        heading_styles=rng.random() < 0.6,
        arabic=rng.choice((".", ".", "、", "．")),
    )


def _file_name(rng: random.Random, doc: Built, unit: Unit, taken: set[str], issue: int = 0) -> str:
    issue = issue or int(str(doc.checks.get("issue", 0))) or len(taken) + 1
    stem = rng.choice(_FILE_NAMES[doc.doc_type]).format(short=unit.short, issue=issue)
    name, k = f"{stem}.docx", 1
    while name in taken:
        k += 1
        name = f"{stem}（{k}）.docx"
    taken.add(name)
    return name


def _write(path: Path, doc: Built, unit: Unit) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(docx_bytes(doc.blocks, title=doc.title, author=unit.short, date=doc.date))


def _entry(rel: str, unit: Unit, doc: Built, *, listed: bool, source: str) -> dict[str, object]:
    return {
        "path": rel,
        "unit": unit.name,
        "unit_source": source,
        "listed": listed,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "date": doc.date,
        "chars": sum(
            len(b.text) if isinstance(b, Para) else sum(len(c) for r in b.rows for c in r)
            for b in doc.blocks
        ),
        "checks": doc.checks,
        "items": list(doc.items),
    }


def _write_units(out: Path, units: Sequence[Unit]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(("unit", "group", "batch", "aliases"))
    for u in units:
        writer.writerow((u.name, u.group, u.batch, ";".join(u.aliases)))
    (out / "units.csv").write_text(buf.getvalue(), encoding="utf-8")


def _write_manifest(
    out: Path,
    mode: str,
    seed: int,
    labels: Sequence[str],
    units: Sequence[Unit],
    entries: list[dict[str, object]],
    expected: dict[str, object],
) -> None:
    by_cat: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    for e in entries:
        by_type[str(e["doc_type"]) or "(bad)"] += 1
        for item in e["items"]:  # type: ignore[attr-defined]
            by_cat[item["category"]] += 1
    manifest = {
        "generator": "samples/generate.py",
        "mode": mode,
        "seed": seed,
        "categories": list(labels),
        "totals": {
            "files": len(entries),
            "units": len(units),
            "items": sum(by_cat.values()),
            "items_by_category": {label: by_cat.get(label, 0) for label in labels},
            "files_by_type": dict(sorted(by_type.items())),
        },
        "expected": expected,
        "files": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    (out / ".manifest.json").write_text(text + "\n", encoding="utf-8")


def _prepare(out: Path) -> Path:
    """An empty output folder; a previous generated inbox (it has a manifest) is replaced."""
    out = Path(out)
    if out.exists():
        if (out / ".manifest.json").exists():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            raise FileExistsError(
                f"{out} is not empty and holds no .manifest.json: not replacing it"
            )
    out.mkdir(parents=True, exist_ok=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="inbox folder to (re)write")
    parser.add_argument("--scale", type=int, default=0, metavar="N", help="N files for benchmarks")
    parser.add_argument("--units", type=int, default=73)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pages", type=int, nargs=2, default=(2, 20), metavar=("MIN", "MAX"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.scale:
        if args.out is None:
            parser.error("--scale needs --out")
        out = generate_inbox(
            args.out,
            units=args.units,
            groups=args.groups,
            documents=args.scale,
            seed=args.seed,
            pages=tuple(args.pages),
        )
    else:
        out = generate_samples(args.out or DEFAULT_OUT, seed=args.seed)
    totals = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))["totals"]
    print(
        f"{out}: {totals['files']} files, {totals['items']} items "
        f"{totals['items_by_category']} in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
