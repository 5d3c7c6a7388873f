"""Unit resolution: folder first, then the document; abbreviations; unknowns flagged."""

from __future__ import annotations

import pytest

from docpipe.records import DocStatus, InboxFile, Paragraph, SourceDocument, Table, UnitInfo
from docpipe.understanding.units import match_unit, resolve_unit, unit_core

UNITS = {
    "自治区财政厅": UnitInfo("自治区财政厅", group="第一督导组"),
    "自治区党委组织部": UnitInfo("自治区党委组织部", aliases=("区党委组织部", "组织部")),
    "拉萨市财政局": UnitInfo("拉萨市财政局"),
    "自治区林业厅": UnitInfo("自治区林业厅"),
    "新单位": UnitInfo("新单位", known=False),  # a folder missing from units.csv
}


def _doc(*texts: str, tables: tuple[Table, ...] = ()) -> SourceDocument:
    return SourceDocument("a.docx", "", DocStatus.OK, tuple(Paragraph(t) for t in texts), tables)


def _file(unit: str = "") -> InboxFile:
    return InboxFile("/in/a.docx", "a.docx", unit)


@pytest.mark.parametrize("name", ["自治区财政厅", "财政厅", "区财政厅", "西藏自治区财政厅",
                                  "中共西藏自治区财政厅党组", "自治区财政厅领导班子"])
def test_abbreviations_match(name: str) -> None:
    assert match_unit(name, UNITS) == "自治区财政厅"


def test_aliases_and_no_cross_level_guess() -> None:
    assert match_unit("组织部", UNITS) == "自治区党委组织部"
    assert match_unit("日喀则市财政局", UNITS) == ""
    assert match_unit("自治区财政厅机关服务中心", UNITS) == ""
    assert unit_core("中共西藏自治区财政厅党组") == "财政厅"


def test_folder_wins() -> None:
    doc = _doc("中共自治区林业厅党组关于……的报告", "正文。")
    assert resolve_unit(doc, _file("财政厅"), UNITS) == ("自治区财政厅", "folder", True)


def test_unknown_folder_is_kept_and_flagged() -> None:
    doc = _doc("正文。", "自治区林业厅", "2013年8月9日")
    assert resolve_unit(doc, _file("新单位"), UNITS) == ("新单位", "folder", False)


def test_signature_lines() -> None:
    doc = _doc("关于征求意见情况的报告", "正文内容。", "自治区林业厅办公室", "2013年8月9日")
    assert resolve_unit(doc, _file(), UNITS)[1:] == ("document", True)
    doc = _doc("关于征求意见情况的报告", "正文内容。", "中共自治区财政厅党组", "2013年8月9日")
    assert resolve_unit(doc, _file(), UNITS) == ("自治区财政厅", "document", True)


def test_title_issuer() -> None:
    doc = _doc("中共西藏自治区财政厅党组关于教育实践活动的实施方案", "一、指导思想")
    assert resolve_unit(doc, _file(), UNITS) == ("自治区财政厅", "document", True)


def test_form_field_in_a_table() -> None:
    table = Table(0, (("单位", "自治区林业厅"), ("意见建议", "会议太多。")))
    assert resolve_unit(_doc("征求意见表", tables=(table,)), _file(), UNITS)[0] == "自治区林业厅"


def test_unmatched_document_unit_is_flagged_not_guessed() -> None:
    doc = _doc("关于征求意见情况的报告", "正文内容。", "日喀则市财政局", "2013年8月9日")
    assert resolve_unit(doc, _file(), UNITS) == ("日喀则市财政局", "document", False)


def test_nothing_found_is_unknown() -> None:
    assert resolve_unit(_doc("会议太多。"), _file(), UNITS) == ("", "unknown", False)
