"""Document types from title, file name and content; titles; DocInfo."""

from __future__ import annotations

import pytest

from docpipe.records import (
    DocInfo,
    DocStatus,
    InboxFile,
    Paragraph,
    SourceDocument,
    Table,
    UnitInfo,
)
from docpipe.understanding.doctype import (
    describe_document,
    detect_doc_type,
    document_title,
    load_doctypes,
    parse_doctypes,
)
from docpipe.understanding.items import split_items


def _doc(*texts: str, tables: tuple[Table, ...] = ()) -> SourceDocument:
    return SourceDocument("a.docx", "", DocStatus.OK, tuple(Paragraph(t) for t in texts), tables)


@pytest.mark.parametrize(("title", "expected"), [
    ("关于深入开展党的群众路线教育实践活动的实施方案", "实施方案"),
    ("在全厅党的群众路线教育实践活动动员大会上的讲话", "动员讲话"),
    ("机关党支部教育实践活动学习计划", "学习计划"),
    ("学习群众路线有关论述的心得体会", "学习记录"),
    ("征求意见建议汇总表", "征求意见汇总"),
    ("机关干部职工征求意见座谈会记录", "座谈会记录"),  # the genre noun at the end decides
    ("座谈会征求意见建议汇总", "征求意见汇总"),
    ("领导班子对照检查材料", "对照检查材料"),
    ("关于“四风”问题的整改方案", "整改方案"),
    ("关于教育实践活动进展情况的报告", "进展报告"),
    ("教育实践活动工作简报", "进展报告"),
    ("领导班子党性分析报告", "对照检查材料"),  # a strong cue beats the weak 报告
    # real titles of the genre, in the team's words
    ("关于镇人大代表建议线索征集情况报告", "征求意见汇总"),  # not the 情况报告 of 进展报告
    ("市林业局2014年度专题民主生活会对照检查材料", "对照检查材料"),
    ("县直机关“四风”问题查摆问题清单", "整改方案"),
    ("关于开展违规发放津补贴问题专项整治工作的实施方案", "整改方案"),
    ("市纪委关于三起形式主义典型问题通报", "进展报告"),
    ("区政务服务中心召开作风建设工作推进会", "进展报告"),
    ("副县长到柳溪村开展民情恳谈", "座谈会记录"),
    ("机关作风“慢粗虚”的具体表现", "整改方案"),
])
def test_type_from_title(title: str, expected: str) -> None:
    doc_type, confidence = detect_doc_type(_doc(title, "正文第一段。"), "文件.docx")
    assert doc_type == expected
    assert confidence >= 0.9


def test_weak_cue_gives_lower_confidence() -> None:
    doc_type, confidence = detect_doc_type(_doc("关于有关工作的报告", "正文。"), "x.docx")
    assert doc_type == "进展报告" and confidence < 0.9


def test_file_name_when_the_title_says_nothing() -> None:
    doc = _doc("1、班子成员之间沟通不够。", "2、干部选拔透明度不高。")
    assert detect_doc_type(doc, "23_民主评议意见.docx")[0] == "座谈会记录"


def test_content_cues_as_last_resort() -> None:
    table = Table(0, (("序号", "存在问题", "整改措施", "责任人", "完成时限"),))
    doc_type, confidence = detect_doc_type(_doc("请各位审阅。", tables=(table,)), "scan001.docx")
    assert doc_type == "整改方案" and confidence <= 0.6


@pytest.mark.parametrize(("lede", "expected"), [
    ("5月8日，县税务局党组召开征求意见座谈会，听取纳税人代表对班子作风的意见建议。",
     "座谈会记录"),  # the event named first decides, not the 征求意见 it served
    ("本报讯 昨天，市纪委网站通报了3起违规公款宴请问题。", "进展报告"),
    ("11月2日至4日，县效能办对12个窗口单位开展明察暗访，发现5名工作人员脱岗。", "进展报告"),
])
def test_untitled_report_is_typed_by_its_lede(lede: str, expected: str) -> None:
    doc = _doc(lede, "会上，大家踊跃发言，提出了不少意见。")
    assert detect_doc_type(doc, "web_0412.docx") == (expected, 0.6)


def test_repeated_headline_is_one_title_not_body() -> None:
    doc = _doc("基层干部：表格填了一遍又一遍", "基层干部：表格填了一遍又一遍", "记者走访发现……")
    assert document_title(doc) == "基层干部：表格填了一遍又一遍"
    doc = _doc("窗口单位作风暗访见闻", "窗口单位作风暗访见闻-某某新闻网", "正文第一段。")
    assert document_title(doc) == "窗口单位作风暗访见闻"
    assert [i.text for i in split_items(doc, DocInfo("其他", 0.3, "", "unknown", False))] == [
        "正文第一段。"]


def test_nothing_recognisable_is_other_with_low_confidence() -> None:
    assert detect_doc_type(_doc("今天天气很好。"), "a.docx") == ("其他", 0.3)


def test_title_joins_issuer_and_subtitle_but_not_headings() -> None:
    title = document_title(_doc("中共自治区商务厅党组", "关于开展活动的实施方案", "一、指导思想"))
    assert title == "中共自治区商务厅党组关于开展活动的实施方案"
    assert document_title(_doc("扎实开展活动", "——在动员大会上的讲话", "同志们：")) \
        == "扎实开展活动——在动员大会上的讲话"
    assert document_title(_doc("林办发〔2013〕15号", "关于报送意见的函", "区党委活动办：")) \
        == "关于报送意见的函"
    doc = SourceDocument("a", "", DocStatus.OK, (Paragraph("群众意见梳理"),
                                                 Paragraph("形式主义方面", style="Heading 1")))
    assert document_title(doc) == "群众意见梳理"


def test_types_come_from_configuration() -> None:
    cfg = parse_doctypes({"type": [{"name": "两问题清单", "title": ["两问题"]},
                                   {"name": "其他", "fallback": True}]})
    assert detect_doc_type(_doc("关于两问题的清单"), "a.docx", config=cfg)[0] == "两问题清单"
    assert load_doctypes().fallback == "其他"
    assert load_doctypes().opinion_bearing("征求意见汇总")
    assert not load_doctypes().opinion_bearing("实施方案")


def test_describe_document() -> None:
    doc = _doc("领导班子对照检查材料", "正文。")
    units = {"自治区财政厅": UnitInfo("自治区财政厅", aliases=("财政厅",))}
    info = describe_document(doc, InboxFile("/in/财政厅/a.docx", "财政厅/a.docx", "财政厅"), units)
    assert (info.doc_type, info.unit, info.unit_source, info.unit_known) == (
        "对照检查材料", "自治区财政厅", "folder", True)
    assert info.title == "领导班子对照检查材料"
