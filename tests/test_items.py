"""Item splitting: tables, numbered lists, inline enumerations, 有的 sentences, boilerplate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docpipe.records import DocInfo, DocStatus, Paragraph, SourceDocument, Table
from docpipe.understanding.doctype import load_doctypes
from docpipe.understanding.items import normalise_text, split_inline, split_items


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

    from docpipe.reading.ingest import read_docx

    d = Document()
    d.add_paragraph("意见建议汇总")
    d.add_paragraph("会议太多，基层干部疲于应付。", style="List Number")
    d.add_paragraph("窗口服务态度生硬，群众办事难。", style="List Number")
    path = tmp_path / "汇总.docx"
    d.save(str(path))
    assert _texts(read_docx(path)) == ["会议太多，基层干部疲于应付。",
                                       "窗口服务态度生硬，群众办事难。"]


# ---------------------------------------------------------------- real layouts (own sentences)

def _docx(tmp_path: Path, *texts: str, title: str = "") -> SourceDocument:
    """A .docx written the way units and web copies lay text out: one paragraph per line."""
    from docx import Document

    from docpipe.reading.ingest import read_docx

    d = Document()
    for text in ((title,) if title else ()) + texts:
        d.add_paragraph(text)
    path = tmp_path / "doc.docx"
    d.save(str(path))
    return read_docx(path)


def _split(doc: SourceDocument, doc_type: str = "进展报告") -> list[tuple[str, str, str]]:
    return [(i.text, i.point, i.hint) for i in split_items(doc, _info(doc_type))]


def test_web_chrome_bylines_and_subheadings_are_not_items(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "窗口单位作风暗访见闻", "发布时间：2021-03-02 10:15  来源：某某日报",
                "某某日报2021-03-02 09:40", "暗访见闻", "浏览次数：318",
                "有的窗口工作人员低头刷手机，群众排队也不理会。", "【更多报道】",
                "责任编辑：张某", title="窗口单位作风暗访见闻")
    assert [t for t, _, _ in _split(doc)] == ["有的窗口工作人员低头刷手机，群众排队也不理会。"]


def test_three_short_bare_lines_in_a_row_stay_a_list_of_opinions(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "食堂菜价偏高", "停车位太少", "午休时间太短", title="意见建议汇总")
    assert len(_split(doc, "征求意见汇总")) == 3


def test_youde_sentences_of_a_point_in_running_text_share_the_point(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "公款吃喝方面，有的把宴请挪到下属企业的内部餐厅；有的把聚会地点选在城郊"
                "的农家院，借口调研；还有的把招待费拆成几张发票分别报销。比如，某镇一名副镇长"
                "多次在企业食堂组织聚餐。")
    items = _split(doc)
    assert [t[:6] for t, _, _ in items] == ["有的把宴请挪", "有的把聚会地", "还有的把招待"]
    assert items[2][0].endswith("分别报销。")  # the example after the list is not part of it
    assert {p for _, p, _ in items} == {"p1"}
    assert {h for _, _, h in items} == {"奢靡之风"}  # "公款吃喝方面" names a manifestation


def test_speakers_reported_as_you_someone_said_are_manifestations() -> None:
    _, parts = split_inline("脱离群众的问题首先表现在调研少。有一位县委常委谈到，自己下乡多是"
                            "听汇报、看材料。有一位副县长表示，到村里总是来去匆匆，很少住下来。",
                            manifestations=True)
    assert [p[:5] for p in parts] == ["有一位县委", "有一位副县"]


def test_comma_separated_youde_clauses_split_only_when_several() -> None:
    _, parts = split_inline("走访发现，干部有的在整理台账，有的在下村入户，"
                            "有的在窗口值班接待群众。", manifestations=True)
    assert len(parts) == 2  # the first 有的 has no break before it: it stays in the lead
    _, whole = split_inline("班子成员之间交流不多，有些决定会后还有不同意见。", manifestations=True)
    assert len(whole) == 1


def test_counted_lists_give_one_item_per_announced_part() -> None:
    _, parts = split_inline("会议要求，重点整治会议多、文件长，检查考核名目繁多，基层报表重复填报"
                            "等3个方面问题，并严查节日收送购物卡、违规操办升学宴等两类问题。")
    assert parts == ["重点整治会议多、文件长", "检查考核名目繁多", "基层报表重复填报",
                     "并严查节日收送购物卡", "违规操办升学宴"]
    _, parts = split_inline("经群众投票，确定了路灯不亮、菜市场脏乱、公交班次少、"
                            "学校门口拥堵等五项民生难题。")
    assert len(parts) == 4  # one off from the announced count is allowed


def test_a_counted_lead_in_then_that_many_sentences() -> None:
    lead, parts = split_inline("这3件事是：老旧小区路面破损问题。夜市油烟扰民问题。"
                               "公厕开放时间短问题。")
    assert lead == "这3件事是" and len(parts) == 3
    _, whole = split_inline("这3件事是：老旧小区路面破损问题。夜市油烟扰民问题。")
    assert len(whole) == 1  # two sentences for three announced: not this layout


def test_statistics_sentences_in_a_semicolon_list() -> None:
    _, parts = split_inline("调查显示：58.3%的受访者认为检查考核过多；41.2%的认为材料报送"
                            "重复；27.5%的认为会议时间过长。")
    assert len(parts) == 3 and parts[1].startswith("41.2%")


def test_first_clause_of_a_semicolon_list_hands_over_at_ru() -> None:
    lead, parts = split_inline("群众提出了不少身边的问题，如村道坑洼多年未修；自来水压力不足；"
                               "卫生室药品种类太少。")
    assert parts[0] == "村道坑洼多年未修" and lead.endswith("身边的问题")


def test_time_stamped_findings_of_an_inspection_are_items(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "9:40，二号窗口一名工作人员在用手机看直播。",
                "11:05，社保科办公室无人，桌上电脑开着购物网页。", title="作风暗访情况通报")
    assert len(_split(doc)) == 2


def test_numbered_point_with_summary_and_body_on_one_line(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "一、存在的问题",
                "1.调研走过场。有的处室下基层只看准备好的点，不听群众说什么；"
                "有的调研报告照搬往年材料，换个标题了事。", title="局领导班子对照检查材料")
    items = _split(doc, "对照检查材料")
    assert [t[:4] for t, _, _ in items] == ["有的处室", "有的调研"]
    assert items[0][1] == items[1][1] == "p3"
    assert items[0][2] == "形式主义"  # "调研走过场" names a manifestation of 形式主义


def test_news_framing_is_not_an_item_but_the_case_after_qizhong_is(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "本报讯 近日，县纪委通报了3起违规公务接待问题。其中，县农机站去年"
                "4月接待6人、陪餐9人，超标准开支1800余元。",
                "县纪委负责同志强调，各单位要举一反三，严防“四风”反弹。",
                "大家认为，公务接待清单制度执行不严，陪餐人数常常超标。")
    texts = [t for t, _, _ in _split(doc)]
    assert texts == ["县农机站去年4月接待6人、陪餐9人，超标准开支1800余元。",
                     "大家认为，公务接待清单制度执行不严，陪餐人数常常超标。"]


def test_problem_points_in_a_progress_section_are_items(tmp_path: Path) -> None:
    doc = _docx(tmp_path, "一、工作开展情况", "（一）开展专项检查",
                "1.查阅台账。抽查了24个单位的接待台账。",
                "一是“换场所”。有的单位把宴请改在内部招待所；有的借培训名义聚餐。",
                "二是“拆发票”。一些单位把一次招待拆成几次报销。", title="专项整治工作进展情况")
    texts = [t for t, _, _ in _split(doc)]
    assert texts[0].startswith("有的单位") and "一些单位" in texts[-1]
    assert not any("台账" in t for t in texts)


def test_a_lead_in_sentence_names_no_category() -> None:
    doc = _doc("暗访发现，个别窗口人员在上班时间做其他与工作无关的事：有人在网上购物；"
               "有人戴着耳机看电视剧；还有人离岗去接孩子放学。")
    items = split_items(doc, _info("进展报告"))
    assert len(items) == 3 and {i.hint for i in items} == {""}  # "其他" here is no heading


def test_a_section_on_causes_gives_no_items_even_when_shaped_like_a_point() -> None:
    doc = _doc("一、存在的问题", "1．会多文多。有的会议一开半天，只念稿子。", "二、原因分析",
               "1．宗旨意识淡化。一些同志习惯坐在办公室听汇报。")
    assert _texts(doc, "对照检查材料") == ["有的会议一开半天，只念稿子。"]
