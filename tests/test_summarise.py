"""Per-unit counts: every category present, merged view, rejections, unknown labels kept."""

from __future__ import annotations

from docpipe.outputs.officedoc import render_markdown
from docpipe.outputs.summarise import merged_phrase, summarise_unit, summary_draft
from docpipe.records import (
    ClassifiedItem,
    DocInfo,
    DocStatus,
    DocumentResult,
    InboxFile,
    Item,
    Prediction,
    SourceDocument,
    UnitInfo,
)
from docpipe.taxonomy import load_taxonomy

TAX = load_taxonomy()


def _result(name: str, doc_type: str, labels: list[tuple[str, bool]],
            status: DocStatus = DocStatus.OK) -> DocumentResult:
    path = f"/inbox/局/{name}"
    items = tuple(
        ClassifiedItem(Item(path, "局", doc_type, i, f"意见{i}"),
                       Prediction(label, {label: 0.9}, label, review))
        for i, (label, review) in enumerate(labels))
    info = None if status is DocStatus.REJECTED else DocInfo(doc_type, 1.0, "局", "folder", True)
    return DocumentResult(InboxFile(path, f"局/{name}", "局"), SourceDocument(path, name, status),
                          info, items)


def test_counts_every_category_and_the_merged_view() -> None:
    results = [
        _result("a.docx", "征求意见汇总", [("形式主义", False), ("享乐主义", True),
                                        ("奢靡之风", False)]),
        _result("b.docx", "对照检查材料", [("形式主义", False)]),
        _result("c.doc", "", [], DocStatus.REJECTED),
    ]
    summary = summarise_unit(UnitInfo("局", group="第一组"), results, TAX)
    assert summary.documents == 3 and summary.rejected == 1 and summary.items == 4
    assert summary.counts == {"形式主义": 2, "官僚主义": 0, "享乐主义": 1, "奢靡之风": 1, "其他": 0}
    assert summary.merged_counts == {"形式主义": 2, "官僚主义": 0, "享乐主义奢靡之风": 2,
                                     "其他": 0}
    assert summary.doc_types == {"对照检查材料": 1, "征求意见汇总": 1}
    assert summary.needs_review == 1 and summary.group == "第一组"
    assert sum(summary.counts.values()) == sum(summary.merged_counts.values()) == summary.items


def test_a_label_the_taxonomy_does_not_know_is_counted_not_lost() -> None:
    summary = summarise_unit(UnitInfo("局"), [_result("a.docx", "其他", [("两问题", False)])],
                             TAX)
    assert summary.counts["两问题"] == 1 and summary.merged_counts["两问题"] == 1
    assert sum(summary.counts.values()) == summary.items == 1


def test_unit_with_nothing_sent() -> None:
    summary = summarise_unit(UnitInfo("档案局", known=True), [], TAX)
    assert summary.documents == 0 and set(summary.counts.values()) == {0}


def test_summary_draft_numbers_match_the_summary() -> None:
    results = [_result("a.docx", "征求意见汇总", [("官僚主义", False)] * 3)]
    summary = summarise_unit(UnitInfo("局", known=False), results, TAX)
    text = render_markdown(summary_draft(summary, TAX, office="办公室", date="2013年9月10日"))
    assert "共报送文件1份，其中可读取1份，无法读取0份" in text
    assert "| 官僚主义 | 3 |" in text and "不在单位名单中" in text
    assert "共梳理出意见、问题3条" in text


def test_merged_phrase() -> None:
    assert merged_phrase(TAX, "享乐主义奢靡之风") == "享乐主义奢靡之风方面"
    assert merged_phrase(TAX, "形式主义") == "形式主义方面"
