"""Per-unit counts: what a unit sent and how its items fall into the categories.

``summarise_unit`` is pure (results in, ``UnitSummary`` out); ``summary_draft`` turns a summary
into the short count sheet written as summary.docx/.md/.json beside the unit's other drafts.
Counts cover every item of every document; a category with no items is present with 0, and a
label the taxonomy does not know (a stale model) is counted under its own name rather than lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from docpipe.outputs.officedoc import Block, BlockKind, Draft
from docpipe.records import DocStatus, DocumentResult, UnitInfo, UnitSummary
from docpipe.taxonomy import Taxonomy

__all__ = ["merged_phrase", "summarise_unit", "summary_draft", "summary_json"]


def summarise_unit(
    unit: UnitInfo, results: Sequence[DocumentResult], taxonomy: Taxonomy
) -> UnitSummary:
    """Documents, rejections, document types and category counts of one unit."""
    items = [ci for r in results for ci in r.items]
    counts = Counter({label: 0 for label in taxonomy.labels})
    counts.update(ci.prediction.label for ci in items)
    merged = Counter({label: 0 for label in taxonomy.merged_labels})
    for label, n in counts.items():  # per label, not per item
        if n:
            merged[_merged(taxonomy, label)] += n
    doc_types = Counter(r.info.doc_type for r in results
                        if r.info is not None and r.document.status is DocStatus.OK)
    return UnitSummary(
        unit=unit.name,
        group=unit.group,
        batch=unit.batch,
        known=unit.known,
        documents=len(results),
        # a file docpipe failed on (its own defect) could not be read either
        rejected=sum(1 for r in results
                     if r.document.status in (DocStatus.REJECTED, DocStatus.FAILED)),
        doc_types=dict(sorted(doc_types.items())),
        items=len(items),
        counts=dict(counts),
        merged_counts=dict(merged),
        needs_review=sum(1 for ci in items if ci.prediction.needs_review),
    )


def merged_phrase(taxonomy: Taxonomy, merged_label: str) -> str:
    """How a draft names a merged category: the category's own phrase when nothing is merged."""
    members = [c for c in taxonomy.categories if c.merged == merged_label]
    if len(members) == 1:
        return members[0].phrase
    return f"{merged_label}方面"


def summary_json(summary: UnitSummary) -> dict[str, object]:
    return {
        "unit": summary.unit,
        "group": summary.group,
        "batch": summary.batch,
        "known": summary.known,
        "documents": summary.documents,
        "rejected": summary.rejected,
        "doc_types": dict(summary.doc_types),
        "items": summary.items,
        "counts": dict(summary.counts),
        "merged_counts": dict(summary.merged_counts),
        "needs_review": summary.needs_review,
    }


def summary_draft(summary: UnitSummary, taxonomy: Taxonomy, *, office: str = "",
                  date: str = "") -> Draft:
    """The count sheet of one unit: documents by type and items by category."""
    name = summary.unit or "收件箱根目录"
    status = "" if summary.known else "（该单位不在单位名单中，请核实）"
    other = summary.documents - summary.rejected - sum(summary.doc_types.values())
    blocks = [
        Block(BlockKind.HEADING1, "报送材料"),
        Block(BlockKind.PARAGRAPH,
              f"{name}{status}共报送文件{summary.documents}份，其中可读取"
              f"{summary.documents - summary.rejected}份，无法读取{summary.rejected}份"
              + (f"，重复报送{other}份" if other > 0 else "") + "。"),
    ]
    if summary.doc_types:
        rows = (("材料类型", "份数"),
                *((t, str(n)) for t, n in summary.doc_types.items()))
        blocks.append(Block(BlockKind.TABLE, rows=rows))
    rows_cat = [("类别", "条数")]
    rows_cat += [(label, str(n)) for label, n in summary.counts.items()]
    rows_merged = [("合并口径", "条数")]
    rows_merged += [(label, str(n)) for label, n in summary.merged_counts.items()]
    blocks += [
        Block(BlockKind.HEADING1, "意见问题分类"),
        Block(BlockKind.PARAGRAPH,
              f"各类材料中共梳理出意见、问题{summary.items}条，其中需人工研判{summary.needs_review}条。"),
        Block(BlockKind.TABLE, rows=tuple(rows_cat)),
        Block(BlockKind.TABLE, rows=tuple(rows_merged)),
    ]
    return Draft(
        kind="unit_summary",
        title=f"{name}材料报送及意见分类统计",
        blocks=tuple(blocks),
        signature=office,
        date=date,
        data=summary_json(summary),
    )


def _merged(taxonomy: Taxonomy, label: str) -> str:
    try:
        return taxonomy.merged(label)
    except KeyError:
        return label
