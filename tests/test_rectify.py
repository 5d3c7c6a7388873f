"""Rectification records from tables and numbered text, with missing parts flagged."""

from __future__ import annotations

from docpipe.records import DocInfo, DocStatus, Paragraph, SourceDocument, Table
from docpipe.understanding.rectify import Rectification, extract_rectifications

INFO = DocInfo("整改方案", 0.95, "自治区水利厅", "folder", True)


def _doc(*texts: str, tables: tuple[Table, ...] = ()) -> SourceDocument:
    return SourceDocument("a.docx", "", DocStatus.OK, tuple(Paragraph(t) for t in texts), tables)


def test_table_rows_with_missing_owner_or_deadline() -> None:
    table = Table(0, (("序号", "存在问题", "整改措施", "责任领导", "完成时限"),
                      ("1", "会议多", "清理会议", "厅长", "2013年底"),
                      ("2", "公车私用", "节假日封存公车", "", ""),
                      ("3", "审批慢", "限时办结", "副厅长", "")))
    records = extract_rectifications(_doc("整改台账", tables=(table,)), INFO)
    assert records[0] == Rectification("会议多", "清理会议", "厅长", "2013年底", "t1r2", ())
    assert records[1].missing == ("owner", "deadline")
    assert records[2].missing == ("deadline",)


def test_numbered_text_with_keys_and_owner_on_the_next_line() -> None:
    doc = _doc("关于教育实践活动的整改方案", "一、指导思想", "坚持问题导向。", "二、整改任务",
               "（一）针对文山会海问题",
               "1．严格控制会议数量。责任领导：张三；完成时限：2013年12月底。",
               "2．精简各类简报。", "责任处室：办公室",
               "三、保障措施", "厅党组负总责。")
    records = extract_rectifications(doc, INFO)
    assert [(r.problem, r.measure, r.owner, r.deadline, r.missing) for r in records] == [
        ("针对文山会海问题", "严格控制会议数量。", "张三", "2013年12月底", ()),
        ("针对文山会海问题", "精简各类简报。", "办公室", "", ("deadline",)),
    ]
    assert records[0].locator == "p6"


def test_documents_without_rectification_content_give_nothing() -> None:
    info = DocInfo("征求意见汇总", 0.9, "", "unknown", False)
    assert extract_rectifications(_doc("意见汇总", "会议太多。"), info) == []


def test_key_lines_far_from_a_record_are_not_attached() -> None:
    doc = _doc("整改方案", "一、整改任务", "1．精简各类简报。", "二、保障措施", "加强领导。",
               "责任单位：各处室")
    [record] = extract_rectifications(doc, INFO)
    assert record.owner == "" and record.missing == ("owner", "deadline")
