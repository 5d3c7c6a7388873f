"""Item splitting: tables, numbered lists, inline enumerations, 有的 sentences, boilerplate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docpipe.doctype import load_doctypes
from docpipe.items import normalise_text, split_inline, split_items
from docpipe.records import DocInfo, DocStatus, Paragraph, SourceDocument, Table


def _doc(*texts: str, tables: tuple[Table, ...] = (), paragraphs: tuple[Paragraph, ...] = ()
         ) -> SourceDocument:
    paras = paragraphs or tuple(Paragraph(t) for t in texts)
    return SourceDocument("in/单位/a.docx", "0" * 64, DocStatus.OK, paras, tables)


def _info(doc_type: str = "征求意见汇总") -> DocInfo:
    return DocInfo(doc_type, 0.9, "自治区财政厅", "folder", True)


def _texts(doc: SourceDocument, doc_type: str = "征求意见汇总") -> list[str]:
    return [i.text for i in split_items(doc, _info(doc_type))]


def test_opinion_table_row_is_item_with_other_columns_as_fields() -> None:
    table = Table(0, (("序号", "意见内容", "提出方式"),
                      ("1", "会议太多，基层疲于应付。", "座谈会"),
                      ("2", "窗口人员态度生硬，办事难。", "意见箱")))
    items = split_items(_doc("意见汇总表", tables=(table,)), _info())
    assert [i.text for i in items] == ["会议太多，基层疲于应付。", "窗口人员态度生硬，办事难。"]
    assert items[0].fields == {"序号": "1", "提出方式": "座谈会"}
    assert [i.locator for i in items] == ["t1r2", "t1r3"]
    assert [i.index for i in items] == [1, 2]
    assert items[0].unit == "自治区财政厅" and items[0].path == "in/单位/a.docx"


def test_merged_section_row_gives_heading_and_hint() -> None:
    table = Table(0, (("序号", "意见建议", "来源"),
                      ("一、官僚主义方面", "", ""),
                      ("1", "来信长期没有答复，群众意见很大。", "信访")))
    [item] = split_items(_doc(tables=(table,)), _info())
    assert item.heading_path == ("官僚主义方面",)
    assert item.hint == "官僚主义"


def test_category_column_gives_hint() -> None:
    table = Table(0, (("序号", "问题类别", "具体问题"),
                      ("1", "奢靡之风", "年终总结会安排在外地景区召开。")))
    [item] = split_items(_doc(tables=(table,)), _info())
    assert item.hint == "奢靡之风" and item.text == "年终总结会安排在外地景区召开。"


def test_table_without_header_takes_longest_column() -> None:
    table = Table(0, (("1", "驻村干部来了就走，村民有事找不到人。"),
                      ("2", "扶贫验收只看台账和照片，不看实效。")))
    assert _texts(_doc(tables=(table,))) == ["驻村干部来了就走，村民有事找不到人。",
                                             "扶贫验收只看台账和照片，不看实效。"]


def test_cell_holding_a_numbered_list_gives_one_item_per_line() -> None:
    table = Table(0, (("处室", "意见建议"),
                      ("办公室", "1.公文流转环节过多，效率低。\n2.会议室预订管理混乱，常有冲突。")))
    items = split_items(_doc(tables=(table,)), _info())
    assert [i.text for i in items] == ["公文流转环节过多，效率低。",
                                       "会议室预订管理混乱，常有冲突。"]
    assert [i.locator for i in items] == ["t1r2.1", "t1r2.2"]


def test_numbered_hierarchy_headings_are_context_not_items() -> None:
    doc = _doc("关于征求意见情况的汇总", "一、形式主义方面", "（一）会风文风",
               "1. 会议多，一天要参加好几个会。", "2. 文件长，照抄上级精神。",
               "二、官僚主义方面", "1. 请示件久拖不批，也不说明原因。")
    items = split_items(doc, _info())
    assert [i.text for i in items] == ["会议多，一天要参加好几个会。", "文件长，照抄上级精神。",
                                       "请示件久拖不批，也不说明原因。"]
    assert items[0].heading_path == ("形式主义方面", "会风文风")
    assert [i.hint for i in items] == ["形式主义", "形式主义", "官僚主义"]
    assert items[2].locator == "p7"


POINT = ("一、存在的问题", "1．学风不正，学用脱节。有的同志学习满足于记笔记，不结合工作思考；"
         "有的同志说起来头头是道，做起来还是老一套。")
WHOLE = replace(load_doctypes(), split_manifestations=False)


def test_problem_point_is_one_item_in_whole_mode() -> None:
    [item] = split_items(_doc(*POINT), _info("对照检查材料"), config=WHOLE)
    assert item.text == POINT[1][2:]
    assert item.heading_path == ("存在的问题",) and item.locator == "p2" and item.point == "p2"


def test_default_gives_one_item_per_manifestation_and_each_knows_its_point() -> None:
    items = split_items(_doc(*POINT), _info("对照检查材料"))
    assert [i.text for i in items] == ["有的同志学习满足于记笔记，不结合工作思考",
                                       "有的同志说起来头头是道，做起来还是老一套。"]
    assert items[0].heading_path == ("存在的问题", "学风不正，学用脱节")
    assert [i.locator for i in items] == ["p2.1", "p2.2"]
    assert [i.point for i in items] == ["p2", "p2"]


def test_youde_paragraphs_under_a_summary_line() -> None:
    lines = ("有的干部对来办事的人态度冷淡，推说不归我管。", "有的处室对请示长期压着不办。")
    doc = _doc("一、官僚主义方面", "1．服务意识不强。", *lines)
    [whole] = split_items(doc, _info("对照检查材料"), config=WHOLE)
    assert whole.text == "服务意识不强。" + "".join(lines)
    assert whole.hint == "官僚主义" and whole.locator == "p2"
    items = split_items(doc, _info("对照检查材料"))
    assert [i.text for i in items] == ["有的干部对来办事的人态度冷淡，推说不归我管。",
                                       "有的处室对请示长期压着不办。"]
    assert items[0].heading_path == ("官僚主义方面", "服务意识不强")
    assert [i.point for i in items] == ["p2", "p2"]  # the summary line is their point


def test_a_semicolon_list_with_one_youde_clause_is_still_split() -> None:
    _, parts = split_inline("老同志认为：部分干部作风漂浮，深入群众少；"
                            "有的年轻干部怕吃苦，不愿去基层；节日慰问礼品档次攀升，应回归简朴。")
    assert len(parts) == 3


def test_inline_enumeration_splits_and_keeps_lead_in_as_context() -> None:
    lead, parts = split_inline("主要表现在：一是会议时间偏长，讲话照本宣科；"
                               "二是文件数量多，没有实质内容；三是通知发得太急，基层来不及准备。")
    assert lead == "主要表现在"
    assert parts == ["一是会议时间偏长，讲话照本宣科", "二是文件数量多，没有实质内容",
                     "三是通知发得太急，基层来不及准备。"]  # "一是" is the sentence's own word


@pytest.mark.parametrize("text", [
    "第一，审批事项公开不够，企业来回跑；第二，政策解释前后不一致，企业无所适从。",
    "（1）考核流于形式，优秀轮流坐庄；（2）培训内容与工作联系不紧。",
    "①工作部署停留在开会发文层面；②信息报送要求过多过频。",
])
def test_other_inline_enumerations(text: str) -> None:
    assert len(split_inline(text)[1]) == 2


def test_semicolon_list_splits_only_substantive_clauses() -> None:
    _, parts = split_inline("老同志认为：部分干部作风漂浮，深入群众少；年轻干部怕吃苦，不愿去基层；"
                            "节日慰问礼品档次攀升，应回归简朴。")
    assert len(parts) == 3
    _, whole = split_inline("会议太多；但也有必要的会议。")
    assert len(whole) == 1
    _, whole = split_inline("文件多；会多。")
    assert len(whole) == 1


def test_idiom_youdefangshi_is_not_a_manifestation() -> None:
    text = "有的放矢地深入基层调研。有的放矢，才能解决群众反映的问题。"
    assert split_inline(text) == ("", [text])


def test_boilerplate_is_left_out() -> None:
    doc = _doc("交办发〔2013〕12号", "关于报送意见建议情况的报告", "区党委活动办：",
               "根据通知要求，现将我厅征求意见建议情况报告如下：",
               "基层反映各类报表统计口径不统一，重复填报问题突出。",
               "希望简化出差报销手续，减少签字环节。",
               "特此报告。", "附件：征求意见表（12份）", "自治区林业厅办公室", "2013年8月9日")
    assert _texts(doc) == ["基层反映各类报表统计口径不统一，重复填报问题突出。",
                           "希望简化出差报销手续，减少签字环节。"]


def test_forum_notes_drop_fields_and_keep_speaker_as_field() -> None:
    doc = _doc("座谈会记录", "时间：2013年7月26日", "主持人：王明",
               "张新（财务处）：同一个数据不同处室反复要，每月填表要花好几天。",
               "会议最后，王明同志表示将认真梳理、逐条研究。")
    [item] = split_items(doc, _info("座谈会记录"))
    assert item.text == "同一个数据不同处室反复要，每月填表要花好几天。"
    assert item.fields == {"发言人": "张新（财务处）"}


def test_tallies_are_not_items_but_numbers_in_opinions_are_fine() -> None:
    doc = _doc("通过发放征求意见表等方式，共征求到意见建议86条。",
               "今年以来厅机关共召开各类会议120次，基层负责人疲于应付。")
    assert _texts(doc) == ["今年以来厅机关共召开各类会议120次，基层负责人疲于应付。"]


def test_sections_on_causes_and_next_steps_hold_no_items() -> None:
    doc = _doc("一、存在的问题", "（一）审批环节多，项目资金到位迟。", "二、原因分析",
               "（一）宗旨意识淡化，习惯坐在办公室发号施令。", "三、下一步工作打算",
               "（一）梳理汇总意见，做好下一环节准备。")
    assert _texts(doc, "进展报告") == ["审批环节多，项目资金到位迟。"]


def test_plan_gives_items_only_under_category_headings() -> None:
    doc = _doc("关于开展教育实践活动的实施方案", "一、指导思想", "以为民务实清廉为主要内容。",
               "二、突出问题", "（一）形式主义方面", "一些处室热衷开会发文，落实停留在纸面上。")
    items = split_items(doc, _info("实施方案"))
    assert [(i.text, i.hint) for i in items] == [
        ("一些处室热衷开会发文，落实停留在纸面上。", "形式主义")]


def test_automatic_numbering_labels_are_not_item_text() -> None:
    paras = (Paragraph("一、形式主义方面", numbering="一、", level=0),
             Paragraph("1.\t材料报送越来越多，没有时间做实事。", numbering="1.", level=2),
             Paragraph("2.\t督查只看会议记录和图片资料。", numbering="2.", level=2))
    items = split_items(_doc(paragraphs=paras), _info())
    assert [i.text for i in items] == ["材料报送越来越多，没有时间做实事。",
                                       "督查只看会议记录和图片资料。"]
    assert items[0].hint == "形式主义"


def test_heading_styles_nest_plain_paragraphs() -> None:
    paras = (Paragraph("群众意见梳理"), Paragraph("享乐主义方面的意见", style="Heading 1"),
             Paragraph("部分干部上班迟到早退，下午找不到人。"))
    [item] = split_items(_doc(paragraphs=paras), _info())
    assert item.hint == "享乐主义" and item.heading_path == ("享乐主义方面的意见",)


def test_label_style_change_keeps_counting_as_siblings() -> None:
    doc = _doc("(1) 窗口办事程序繁琐，证明材料过多。", "(2)来信只转不办，没有反馈。",
               "3) 上班时间炒股、玩游戏。", "4 .年底突击花钱，办公用品价格偏高。")
    assert len(_texts(doc)) == 4


def test_attachment_starts_a_new_section() -> None:
    doc = _doc("关于开展活动的实施方案", "一、组织领导", "成立领导小组。", "附件：突出问题清单",
               tables=(Table(0, (("序号", "主要问题", "责任处室"),
                                 ("1", "检查考核名目繁多，基层疲于应付。", "人事处"))),))
    doc = replace(doc, paragraphs=(*doc.paragraphs, Paragraph("序号", table=(0, 0, 0))))
    [item] = split_items(doc, _info("实施方案"))
    assert item.heading_path == ("突出问题清单",) and item.fields["责任处室"] == "人事处"


def test_traditional_script_is_recognised_and_kept() -> None:
    table = Table(0, (("序號", "意見建議", "提出方式"),
                      ("1", "會議太多，基層疲於應付。", "座談會")))
    doc = _doc("意見建議匯總", "形式主義方面", "一、文件層層轉發，沒有具體措施。",
               tables=(table,))
    items = split_items(doc, _info())
    assert [i.text for i in items] == ["文件層層轉發，沒有具體措施。", "會議太多，基層疲於應付。"]
    assert items[0].hint == "形式主义"


def test_noisy_spacing_and_half_width_punctuation_are_normalised() -> None:
    doc = _doc("1. 窗口单位 办事程序繁琐, 群众反映 要提交的证明材料过多 .")
    assert _texts(doc) == ["窗口单位办事程序繁琐，群众反映要提交的证明材料过多。"]


def test_normalise_text_keeps_wording() -> None:
    assert normalise_text("会 议 太多 ; 文件(一)也多") == "会议太多；文件（一）也多"
    assert normalise_text("ＡＢＣ１２３\u3000Word 文档") == "ABC123 Word文档"
    assert normalise_text("增长 1.5 倍") == "增长1.5倍"


@given(st.text(alphabet="会议文件多少，。；、 ,;()（）一二三是有的12.\n", max_size=80))
def test_splitting_never_fails_and_items_are_never_empty(text: str) -> None:
    items = split_items(_doc(*text.split("\n")), _info())
    assert all(i.text.strip() for i in items)
    assert [i.index for i in items] == list(range(1, len(items) + 1))


def test_reads_real_docx_with_word_numbering(tmp_path: Path) -> None:
    from docx import Document

    from docpipe.ingest import read_docx

    d = Document()
    d.add_paragraph("意见建议汇总")
    d.add_paragraph("会议太多，基层干部疲于应付。", style="List Number")
    d.add_paragraph("窗口服务态度生硬，群众办事难。", style="List Number")
    path = tmp_path / "汇总.docx"
    d.save(str(path))
    assert _texts(read_docx(path)) == ["会议太多，基层干部疲于应付。",
                                       "窗口服务态度生硬，群众办事难。"]
