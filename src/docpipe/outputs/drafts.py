"""The review drafts the office sends back, and the writers that put every output on disk.

Over 400 lines on purpose: the wording of every draft the office sends back, kept together
so that one reader can check them against each other.

Per unit (``write_unit_outputs``, under out_dir/units/<unit>/):
- summary: the count sheet (summarise.py);
- opinions: 意见建议梳理汇总, totals in the usual form, per category the merged opinions with
  their counts, the items needing a human decision with file and locator;
- approval-<file>: 审定意见 on each implementation plan / mobilisation speech;
- study: 五有、四落实 check over the unit's study plans and records;
- rectification: problems of the rectification lists lacking a measure, owner or deadline.
Region-wide (``write_region_outputs``): progress (督导进展报告) and dashboard.html.
Every draft is written as .docx, .md and .json by officedoc.write_draft.
"""

from __future__ import annotations

import errno
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from docpipe.fsutil import atomic_write_text, display_path, inside, safe_name
from docpipe.outputs.locate import clerk_locator
from docpipe.outputs.officedoc import Block, BlockKind, Draft, write_draft
from docpipe.outputs.progress import (
    INBOX_ROOT,
    Campaign,
    build_progress,
    cn_date,
    load_campaign,
    progress_draft,
    read_previous,
    totals_sentence,
)
from docpipe.outputs.review import (
    ApprovalCheck,
    RectificationGap,
    ReviewRules,
    StudyCheck,
    check_approval,
    check_study,
    find_rectification_gaps,
    load_review_rules,
)
from docpipe.outputs.similar import Tokenize, group_similar
from docpipe.outputs.summarise import merged_phrase, summary_draft
from docpipe.records import ClassifiedItem, DocStatus, DocumentResult, UnitInfo, UnitSummary
from docpipe.settings import config_path
from docpipe.taxonomy import Taxonomy

__all__ = [
    "approval_draft",
    "opinion_items",
    "opinion_summary_draft",
    "rectification_draft",
    "study_draft",
    "unit_drafts",
    "write_region_outputs",
    "write_unit_outputs",
]

Extract = Callable[..., Iterable[Any]]
_LINE_MAX = 120  # characters of an opinion quoted in a summary line


def opinion_items(results: Sequence[DocumentResult], campaign: Campaign) -> list[ClassifiedItem]:
    """The items that count as 意见建议: those of the opinion-collection document types."""
    return [ci for r in results for ci in r.items if ci.item.doc_type in campaign.opinion_doc_types]


def opinion_summary_draft(
    unit: UnitInfo,
    results: Sequence[DocumentResult],
    taxonomy: Taxonomy,
    campaign: Campaign,
    *,
    today: date,
    lines_per_category: int | None = None,
    tokenize: Tokenize | None = None,
) -> Draft:
    """意见建议梳理汇总 of one unit; every number is a count of ``opinion_items``."""
    items = opinion_items(results, campaign)
    limit = campaign.summary_lines if lines_per_category is None else lines_per_category
    where = _where(results)
    counts = Counter({label: 0 for label in taxonomy.labels})
    counts.update(ci.label for ci in items)
    merged = Counter({m: 0 for m in taxonomy.merged_labels})
    for label, n in counts.items():  # per label, not per item
        if n:
            merged[_merged(taxonomy, label)] += n
    phrases = {c.name: c.phrase for c in taxonomy.categories}
    merged_phrases = {m: merged_phrase(taxonomy, m) for m in merged}
    sources = sorted({ci.item.path for ci in items})
    review = [ci for ci in items if ci.prediction.needs_review]
    blocks = [Block(BlockKind.HEADING1, "总体情况")]
    if not items:
        blocks.append(Block(BlockKind.PARAGRAPH,
                            f"截至{cn_date(today)}，尚未收到该单位的征求意见汇总、座谈会记录等"
                            "材料，或材料中未梳理出意见建议。"))
    else:
        blocks += [
            Block(BlockKind.PARAGRAPH,
                  f"共征求意见建议{len(items)}条，其中{totals_sentence(counts, phrases)}。"),
            Block(BlockKind.PARAGRAPH,
                  f"按享乐主义、奢靡之风合并统计口径，{totals_sentence(merged, merged_phrases)}。"
                  if len(merged) < len(counts) else ""),
            Block(BlockKind.PARAGRAPH,
                  f"以上意见建议来源于该单位报送的材料{len(sources)}份（"
                  f"{'、'.join(where.get(p, p) for p in sources)}）；"
                  f"其中{len(review)}条分类把握不准，列入第三部分请人工研判。"),
        ]
    blocks.append(Block(BlockKind.HEADING1, "分类梳理"))
    by_label: dict[str, list[ClassifiedItem]] = {}
    for ci in items:
        by_label.setdefault(ci.label, []).append(ci)
    data_categories: dict[str, Any] = {}
    for label in counts:
        members = by_label.get(label)
        if not members:
            continue
        cat_blocks, cat_data = _category_blocks(label, members, phrases, limit,
                                                tokenize)
        blocks += cat_blocks
        data_categories[label] = cat_data
    if not data_categories:
        blocks.append(Block(BlockKind.PARAGRAPH, "无。"))
    blocks.append(Block(BlockKind.HEADING1, "需人工研判的意见"))
    if not review:
        blocks.append(Block(BlockKind.PARAGRAPH, "无。"))
    for ci in review:
        blocks.append(Block(BlockKind.ITEM, f"{_short(ci.item.text)}〔{_locate(ci, where)}；"
                                            f"{_guess(ci)}〕"))
    return Draft(
        kind="opinion_summary",
        title=f"{unit.name or INBOX_ROOT}征求意见建议梳理汇总",
        blocks=tuple(b for b in blocks if b.text or b.rows),
        signature=campaign.office,
        date=cn_date(today),
        data={
            "unit": unit.name,
            "total": len(items),
            "counts": dict(counts),
            "merged_counts": dict(merged),
            "sources": [where.get(p, p) for p in sources],
            "categories": data_categories,
            "needs_review": [_item_ref(ci, where) for ci in review],
        },
    )


def approval_draft(unit: UnitInfo, check: ApprovalCheck, campaign: Campaign, *, today: date,
                   where: Mapping[str, str] | None = None) -> Draft:
    """审定意见 on one plan or speech: passed, or returned with the missing elements named."""
    kind = check.doc_type or "材料"
    file = (where or {}).get(check.path, Path(check.path).name)
    named = f"《{check.title}》" if check.title else f"{kind}"
    intro = f"你单位报送的{named}（文件：{file}）收悉。经对照活动要求逐项审核，"
    if not check.missing:
        verdict = [Block(BlockKind.PARAGRAPH,
                         intro + f"该{kind}对{'、'.join(e.name for e in check.elements)}"
                         f"均作了安排，审核通过。请按程序组织实施。")]
    else:
        verdict = [Block(BlockKind.PARAGRAPH,
                         intro + f"该{kind}尚有{len(check.missing)}项要素缺失或不完整，"
                         "现退回修改。请补充完善以下内容后重新报送，审核通过前暂不召开动员大会：")]
        verdict += [Block(BlockKind.ITEM, e.name + (f"：{e.note}" if e.note else "：未涉及"))
                    for e in check.missing]
    rows = [("审核要素", "审核结果", "原文依据")]
    rows += [(e.name, "具备" if e.found else (e.note or "缺失"),
              f"“{e.quote}”（{clerk_locator(e.locator)}）" if e.quote else "未找到")
             for e in check.elements]
    blocks = [Block(BlockKind.HEADING1, "审核结论"), *verdict,
              Block(BlockKind.HEADING1, "逐项审核情况"), Block(BlockKind.TABLE, rows=tuple(rows))]
    return Draft(
        kind="approval",
        title=f"关于{unit.name or INBOX_ROOT}{kind}的审定意见",
        recipient=unit.name or "",
        blocks=tuple(blocks),
        signature=campaign.office,
        date=cn_date(today),
        data={
            "unit": unit.name, "path": check.path, "file": file, "doc_type": check.doc_type,
            "title": check.title, "verdict": str(check.verdict),
            "elements": [_evidence_json(e) for e in check.elements],
            "missing": [e.name for e in check.missing],
        },
    )


def study_draft(unit: UnitInfo, check: StudyCheck, campaign: Campaign, *, today: date,
                where: Mapping[str, str] | None = None) -> Draft:
    """五有、四落实: for each of the points, the sentence that shows it, or "缺失"."""
    where = where or {}
    files = "、".join(where.get(p, Path(p).name) for p in check.paths)
    found = len(check.points) - len(check.missing)
    conclusion = (f"{len(check.points)}项要求均有体现。" if not check.missing else
                  f"{len(check.points)}项要求中有{found}项有体现，缺少"
                  f"{'、'.join(p.name for p in check.missing)}，请督促补齐。")
    rows = [("要求", "情况", "依据（原文摘录）")]
    rows += [(p.name, "有" if p.found else "缺失",
              f"“{p.quote}”（{where.get(p.path, Path(p.path).name)}，{clerk_locator(p.locator)}）"
              if p.found else "未找到") for p in check.points]
    blocks = (
        Block(BlockKind.HEADING1, "检查范围"),
        Block(BlockKind.PARAGRAPH, f"检查该单位报送的学习计划、学习记录类材料{len(check.paths)}份"
                                   + (f"（{files}）。" if files else "。")),
        Block(BlockKind.HEADING1, "检查结论"),
        Block(BlockKind.PARAGRAPH, conclusion),
        Block(BlockKind.HEADING1, "逐项情况"),
        Block(BlockKind.TABLE, rows=tuple(rows)),
    )
    return Draft(
        kind="study_check",
        title=f"{unit.name or INBOX_ROOT}学习“五有、四落实”情况检查",
        blocks=blocks,
        signature=campaign.office,
        date=cn_date(today),
        data={"unit": unit.name, "files": [where.get(p, p) for p in check.paths],
              "points": [_evidence_json(p) for p in check.points],
              "missing": [p.name for p in check.missing]},
    )


def rectification_draft(unit: UnitInfo, problems: Mapping[str, int],
                        gaps: Sequence[RectificationGap], rules: ReviewRules,
                        campaign: Campaign, *, today: date,
                        where: Mapping[str, str] | None = None) -> Draft:
    """The problems of a unit's rectification lists that lack a measure, an owner or a deadline.

    ``problems`` is the number of problems found per file, so the draft can say how many are
    complete.
    """
    where = where or {}
    total = sum(problems.values())
    required = "、".join(rules.field_name(f) for f in rules.rectification_required)
    blocks = [
        Block(BlockKind.HEADING1, "总体情况"),
        Block(BlockKind.PARAGRAPH,
              f"该单位整改方案（清单）{len(problems)}份，共列出问题{total}条，其中{required}"
              f"齐全的{total - len(gaps)}条，有缺项的{len(gaps)}条。"),
        Block(BlockKind.HEADING1, "缺项问题"),
    ]
    if not gaps:
        blocks.append(Block(BlockKind.PARAGRAPH, "无。"))
    for gap in gaps:
        missing = "、".join(rules.field_name(f) for f in gap.missing)
        file = where.get(gap.path, Path(gap.path).name)
        blocks.append(Block(BlockKind.ITEM,
                            f"{_short(gap.problem)}〔{file}，{clerk_locator(gap.locator)}〕：缺少{missing}。"))
    return Draft(
        kind="rectification_gaps",
        title=f"{unit.name or INBOX_ROOT}整改方案问题清单完整性检查",
        blocks=tuple(blocks),
        signature=campaign.office,
        date=cn_date(today),
        data={"unit": unit.name, "problems": total,
              "files": {where.get(p, p): n for p, n in problems.items()},
              "gaps": [{"problem": g.problem, "file": where.get(g.path, g.path),
                        "locator": g.locator, "missing": list(g.missing)} for g in gaps]},
    )


def unit_drafts(
    unit: UnitInfo,
    summary: UnitSummary,
    results: Sequence[DocumentResult],
    taxonomy: Taxonomy,
    *,
    today: date,
    campaign: Campaign | None = None,
    rules: ReviewRules | None = None,
    extract: Extract | None = None,
    tokenize: Tokenize | None = None,
) -> dict[str, Draft]:
    """Every draft of one unit, by file stem; pure apart from reading configuration."""
    campaign = campaign or load_campaign()
    rules = rules or load_review_rules()
    where = _where(results)
    ok = [r for r in results if r.document.status is DocStatus.OK and r.info is not None]
    drafts = {
        "summary": summary_draft(summary, taxonomy, office=campaign.office, date=cn_date(today)),
        "opinions": opinion_summary_draft(unit, results, taxonomy, campaign, today=today,
                                          tokenize=tokenize),
    }
    stems: Counter[str] = Counter()
    for r in ok:
        if r.info and r.info.doc_type in rules.approval_doc_types:
            stem = f"approval-{safe_name(Path(r.source.relpath).stem)}"
            stems[stem] += 1
            stem = stem if stems[stem] == 1 else f"{stem}-{stems[stem]}"
            drafts[stem] = approval_draft(unit, check_approval(r.document, r.info, rules),
                                          campaign, today=today, where=where)
    if any(r.info and r.info.doc_type in rules.study_doc_types for r in ok):
        drafts["study"] = study_draft(unit, check_study(ok, rules), campaign, today=today,
                                      where=where)
    rect_docs = [r for r in ok if r.info and r.info.doc_type in rules.rectification_doc_types]
    extract = extract or _default_extract()
    if rect_docs and extract is not None:
        problems: dict[str, int] = {}
        gaps: list[RectificationGap] = []
        for r in rect_docs:
            found = list(extract(r.document, r.info))
            problems[r.document.path] = len(found)
            gaps += find_rectification_gaps(r.document.path, found, rules)
        drafts["rectification"] = rectification_draft(unit, problems, gaps, rules, campaign,
                                                      today=today, where=where)
    return drafts


def write_unit_outputs(
    out_dir: Path,
    unit: UnitInfo,
    summary: UnitSummary,
    results: Sequence[DocumentResult],
    taxonomy: Taxonomy,
    *,
    today: date | None = None,
    failed: Callable[[str, Exception], None] | None = None,
) -> dict[str, str]:
    """Write the unit's drafts under out_dir/units/<unit>/; returns "stem.ext" -> path.

    With ``failed``, a draft that cannot be written (a defect of ours) is reported to it as
    (stem, exception) and the unit's other drafts are still written; a full disk always raises.
    """
    folder = out_dir / "units" / safe_name(unit.name, fallback="_inbox")
    if not inside(out_dir, folder):
        raise ValueError(f"unit folder outside the output folder: {folder}")
    written: dict[str, str] = {}
    today = today or date.today()
    drafts = unit_drafts(unit, summary, results, taxonomy, today=today)
    shared = _shared_blocks(results)
    if shared and "summary" in drafts:
        summary_draft_ = drafts["summary"]
        drafts["summary"] = replace(summary_draft_, blocks=(*summary_draft_.blocks, *shared))
    for stem, draft in drafts.items():
        try:
            for ext, path in write_draft(folder, stem, replace(draft, created=today)).items():
                written[f"{stem}.{ext}"] = path
        except Exception as exc:
            if failed is None or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
                raise
            failed(stem, exc)
    return written


def _shared_blocks(results: Sequence[DocumentResult]) -> tuple[Block, ...]:
    """"Also submitted by": the unit's files that other units sent too (counted for each)."""
    rows = [(Path(display_path(r.source.relpath)).name, "、".join(r.also_submitted_by))
            for r in results if r.also_submitted_by]
    if not rows:
        return ()
    return (
        Block(BlockKind.HEADING1, "与其他单位相同的材料"),
        Block(BlockKind.PARAGRAPH, f"以下{len(rows)}份材料其他单位也报送了相同的文件，"
              "已分别计入各报送单位，请核实是否为联合报送或误报："),
        Block(BlockKind.TABLE, rows=(("文件", "也由以下单位报送"), *rows)),
    )


def write_region_outputs(
    out_dir: Path,
    summaries: Sequence[UnitSummary],
    results: Sequence[DocumentResult],
    units: Mapping[str, UnitInfo],
    taxonomy: Taxonomy,
    *,
    previous: Path | None = None,
    today: date | None = None,
    notices: Sequence[str] = (),
) -> dict[str, str]:
    """progress.docx/.md/.json (督导进展报告) and dashboard.html under out_dir.

    ``notices`` (no units.csv, folders taken as a unit) open both, as they open the run report.
    """
    from docpipe.outputs.dashboard import REVIEW_DIR, render_dashboard, review_pages

    campaign = load_campaign()
    today = today or date.today()
    report = build_progress(summaries, results, units, taxonomy, campaign=campaign,
                            today=today, previous=read_previous(previous), notices=notices)
    draft = replace(progress_draft(report, taxonomy, campaign), created=today)
    written = {f"progress.{ext}": path for ext, path in
               write_draft(out_dir, "progress", draft).items()}
    page = render_dashboard(report, results, taxonomy, campaign)
    written["dashboard.html"] = str(atomic_write_text(out_dir / "dashboard.html", page))
    folder = out_dir / REVIEW_DIR
    pages = review_pages(report, results, campaign)
    folder.mkdir(exist_ok=True)
    for stale in folder.glob("*.html"):  # pages of an earlier run with more items
        if stale.name not in pages:
            stale.unlink()
    for name, html in pages.items():
        written[f"{REVIEW_DIR}/{name}"] = str(atomic_write_text(folder / name, html))
    return written


def main_topics(texts: Sequence[str], limit: int = 5) -> list[str]:
    """The campaign terms (user dictionary) that the most items mention: "主要集中在…等方面".

    Empty when the items share none, rather than a list of framing words.
    """
    joined = "\n".join(texts)  # ties in the order the items first use them (门难进、脸难看…)
    used = [term for term in _campaign_terms() if term in joined]  # the others count 0
    counts = Counter(term for text in texts for term in used if term in text)
    chosen: list[str] = []
    for term, n in sorted(counts.items(), key=lambda kv: (-kv[1], joined.find(kv[0]))):
        if n >= 2 and not any(term in c or c in term for c in chosen):
            chosen.append(term)
            if len(chosen) == limit:
                break
    return chosen


@cache
def _campaign_terms() -> tuple[str, ...]:
    path = config_path("userdict.txt")
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    return tuple(dict.fromkeys(w for line in lines if (w := line.split(" ")[0].strip())
                               and len(w) >= 2))


def _category_blocks(label: str, members: list[ClassifiedItem], phrases: Mapping[str, str],
                     limit: int, tokenize: Tokenize | None) -> tuple[list[Block], dict[str, Any]]:
    groups = group_similar([ci.item.text for ci in members], tokenize=tokenize)
    blocks = [Block(BlockKind.HEADING2, f"{phrases.get(label, label)}（{len(members)}条）")]
    topics = main_topics([ci.item.text for ci in members])
    if topics:
        blocks.append(Block(BlockKind.PARAGRAPH, f"主要集中在{'、'.join(topics)}等方面。"))
    merged = len(groups) < len(members)
    lead = (f"合并相近意见后归纳为{len(groups)}类" if merged else f"共{len(groups)}条")
    listed = f"，列出{'意见较集中的' if merged else ''}前{limit}{'类' if merged else '条'}"
    blocks.append(Block(BlockKind.PARAGRAPH,
                        lead + (listed if len(groups) > limit else "") + "："))
    for g in groups[:limit]:
        text = _short(members[g.representative].item.text)
        blocks.append(Block(BlockKind.ITEM, f"{text}（同类意见{g.count}条）" if g.count > 1
                            else text))
    rest = groups[limit:]
    if rest:
        blocks.append(Block(BlockKind.PARAGRAPH,
                            f"另有{len(rest)}类意见共{sum(g.count for g in rest)}条未逐条列出，"
                            "详见同名JSON文件。"))
    data = {
        "count": len(members),
        "groups": [{"text": members[g.representative].item.text, "count": g.count,
                    "items": [{"file": _file_name(members[i].item.path),
                               "locator": members[i].item.locator} for i in g.members],
                    "listed": n < limit}
                   for n, g in enumerate(groups)],
    }
    return blocks, data


@lru_cache(maxsize=4096)
def _file_name(path: str) -> str:
    """The printable file name of a document path (every item of a document repeats it)."""
    return Path(display_path(path)).name


def _where(results: Sequence[DocumentResult]) -> dict[str, str]:
    """Document path -> the inbox-relative path a clerk can find it by."""
    return {r.document.path: r.source.relpath for r in results} | {
        r.source.path: r.source.relpath for r in results}


def _locate(ci: ClassifiedItem, where: Mapping[str, str]) -> str:
    file = where.get(ci.item.path, Path(ci.item.path).name)
    return f"{file}，{clerk_locator(ci.item.locator)}" if ci.item.locator else file


def _guess(ci: ClassifiedItem) -> str:
    p = ci.prediction
    score = p.probabilities.get(p.label)
    text = f"初判{p.label}"
    if p.secondary:
        text += f"，或为{p.secondary}"
    return text + (f"，置信度{score:.2f}" if score is not None else "")


def _item_ref(ci: ClassifiedItem, where: Mapping[str, str]) -> dict[str, Any]:
    return {"text": ci.item.text, "file": where.get(ci.item.path, ci.item.path),
            "locator": ci.item.locator, "label": ci.label, "secondary": ci.prediction.secondary,
            "probability": ci.prediction.probabilities.get(ci.label)}


def _evidence_json(e: Any) -> dict[str, Any]:
    return {"name": e.name, "found": e.found, "quote": e.quote, "path": e.path,
            "locator": e.locator, "note": e.note}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LINE_MAX else text[:_LINE_MAX] + "……"


def _merged(taxonomy: Taxonomy, label: str) -> str:
    try:
        return taxonomy.merged(label)
    except KeyError:
        return label


def _default_extract() -> Extract | None:
    try:
        from docpipe.understanding.rectify import extract_rectifications
    except ImportError:  # the rectification reader is not installed in this build
        return None
    return extract_rectifications

