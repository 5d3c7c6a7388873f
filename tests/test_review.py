"""The supervisors' checks on plans, speeches, study records and rectification lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from docpipe.outputs.review import (
    Verdict,
    check_approval,
    check_study,
    document_lines,
    find_rectification_gaps,
    load_review_rules,
)
from docpipe.records import (
    DocInfo,
    DocStatus,
    DocumentResult,
    InboxFile,
    Paragraph,
    SourceDocument,
)

RULES = load_review_rules()


def doc(*texts: str, path: str = "/inbox/u/a.docx") -> SourceDocument:
    return SourceDocument(path, "sha", DocStatus.OK, tuple(Paragraph(t) for t in texts))


def info(doc_type: str) -> DocInfo:
    return DocInfo(doc_type, 0.9, "u", "folder", True)


COMPLETE_PLAN = (
    "一、指导思想和目标任务",
    "紧紧围绕保持党的先进性和纯洁性，以为民务实清廉为主要内容。",
    "二、聚焦“四风”，着力解决突出问题。",
    "三、活动安排",
    "第一环节：学习教育、听取意见，7月中旬至8月下旬。",
    "第二环节：查摆问题、开展批评，9月上旬至10月中旬。",
    "第三环节：整改落实、建章立制，10月下旬至12月底。",
    "四、组织领导和督导",
    "成立活动领导小组；派出督导组全程督导。",
)


def test_complete_plan_passes_with_a_quote_for_each_element() -> None:
    check = check_approval(doc(*COMPLETE_PLAN), info("实施方案"), RULES)
    assert check.verdict is Verdict.PASSED and not check.missing
    stage3 = next(e for e in check.elements if e.name.startswith("第三环节"))
    assert stage3.quote == "第三环节：整改落实、建章立制，10月下旬至12月底。"
    assert stage3.locator == "p7"  # counted from 1, as items are


def test_stage_without_dates_returns_the_plan() -> None:
    texts = tuple(t.replace("，9月上旬至10月中旬", "") for t in COMPLETE_PLAN)
    check = check_approval(doc(*texts[:6]), info("实施方案"), RULES)
    assert check.verdict is Verdict.RETURNED
    stage2 = next(e for e in check.missing if e.name.startswith("第二环节"))
    assert stage2.note == "未写明时间安排" and stage2.locator == "p6"


@pytest.mark.parametrize("drop", ["指导思想", "四风", "督导"])
def test_each_missing_element_is_named(drop: str) -> None:
    texts = [t for t in COMPLETE_PLAN if drop not in t]
    check = check_approval(doc(*texts), info("动员讲话"), RULES)
    assert check.verdict is Verdict.RETURNED
    assert len(check.missing) >= 1
    assert check.doc_type == "动员讲话"


def test_a_date_on_a_following_line_counts() -> None:
    check = check_approval(doc("（一）学习教育、听取意见", "时间：7月1日至8月31日。"),
                           info("实施方案"), RULES)
    stage1 = next(e for e in check.elements if e.name.startswith("第一环节"))
    assert stage1.found and "7月1日" in stage1.quote


def test_a_real_docx_plan_is_checked(make_docx) -> None:
    from docpipe.reading.ingest import read_docx

    path = make_docx("plan.docx", COMPLETE_PLAN[:4],
                     table=[["环节", "时间"], ["学习教育、听取意见", "7月至8月"]])
    document = read_docx(path)
    lines = dict(document_lines(document))
    assert any(loc.startswith("t") for loc in lines)
    check = check_approval(document, info("实施方案"), RULES)
    assert next(e for e in check.elements if e.name.startswith("第一环节")).found
    assert not next(e for e in check.elements if e.name.startswith("第三环节")).found


def test_study_points_found_across_plan_and_record() -> None:
    plan = doc("学习计划", "学习内容：重点学习党章。", path="/inbox/u/plan.docx")
    record = doc("8月2日集中学习，实到35人，缺勤2人已补学。", "大家撰写了心得体会。",
                 path="/inbox/u/record.docx")
    results = [DocumentResult(InboxFile(d.path, Path(d.path).name, "u"), d, info(t))
               for d, t in ((plan, "学习计划"), (record, "学习记录"))]
    check = check_study(results, RULES)
    points = {p.name: p for p in check.points}
    assert [p.name for p in check.points] == ["有计划", "有考勤", "有资料", "有笔记", "有体会",
                                               "人员落实", "时间落实", "内容落实", "效果落实"]
    assert points["有考勤"].path == "/inbox/u/record.docx"
    assert points["时间落实"].quote.startswith("8月2日")
    assert {p.name for p in check.missing} == {"有资料", "有笔记", "效果落实"}


def test_study_check_with_no_documents_finds_nothing() -> None:
    check = check_study([], RULES)
    assert len(check.missing) == 9 and check.paths == ()


@dataclass(frozen=True)
class Rect:
    problem: str
    measure: str = ""
    owner: str = ""
    deadline: str = ""
    locator: str = ""
    missing: tuple[str, ...] = ()


def test_rectification_gaps_from_empty_or_flagged_fields() -> None:
    rects = [
        Rect("会风不实", "精简会议", "办公室", "12月底", "p2"),
        Rect("接待超标", "严控标准", "", "12月底", "p3"),
        Rect("用车超标", "清理车辆", "后勤科", "年底前", "p4", missing=("deadline",)),
    ]
    gaps = find_rectification_gaps("/inbox/u/整改.docx", rects, RULES)
    assert [(g.problem, g.missing) for g in gaps] == [("接待超标", ("owner",)),
                                                       ("用车超标", ("deadline",))]
    assert RULES.field_name("owner") == "责任人（责任部门）"


def test_long_sentences_are_quoted_around_the_cue() -> None:
    long = "为" * 200 + "成立领导小组" + "好" * 200
    check = check_approval(doc(long), info("实施方案"), RULES)
    quote = next(e for e in check.elements if e.name == "组织领导").quote
    assert "领导小组" in quote and len(quote) <= 94 and quote.startswith("……")


# Each element with a near miss: a sentence that holds the element's cue word but does not
# state the element.  The plan below has every other element under its own heading.
NEAR_MISSES = {
    "指导思想": ("关于活动的指导思想，上级文件已经作了明确规定，这里不再重复。",
                 "一、指导思想", "以为民务实清廉为主要内容，坚持照镜子、正衣冠的总要求。"),
    "目标任务": ("各支部要把目标任务落到实处，这一点大家都清楚。",
                 "二、目标任务", "通过活动使干部作风明显转变，群众反映的突出问题得到解决。"),
    "第一环节（学习教育、听取意见）及时间安排": (
        "前段时间的学习教育中，大家都很认真。",
        "（一）学习教育、听取意见", "时间为7月上旬至8月底。"),
    "第二环节（查摆问题、开展批评）及时间安排": (
        "要敢于开展批评，敢于揭短亮丑，时间抓紧。",
        "（二）查摆问题、开展批评", "9月至10月召开专题民主生活会。"),
    "第三环节（整改落实、建章立制）及时间安排": (
        "对群众意见要整改落实，不能一拖再拖。",
        "（三）整改落实、建章立制", "11月起至年底，逐项整改销号。"),
    "聚焦“四风”": ("有的同志认为“四风”离自己很远。",
                 "三、聚焦“四风”", "着力解决形式主义、官僚主义、享乐主义和奢靡之风问题。"),
    "组织领导": ("年初以来，各项工作在组织领导下有序推进，取得了一定成绩。",
                 "四、组织领导", "成立活动领导小组，党组书记任组长，负总责。"),
    "督导检查": ("要让群众参与、让群众评判、让群众监督。",
                 "五、督导检查", "派出督导组，对各支部开展活动情况全程督导。"),
}


def _plan_with(element: str, *, keep: bool) -> tuple[str, ...]:
    lines: list[str] = ["某局开展教育实践活动实施方案"]
    for name, (near, heading, body) in NEAR_MISSES.items():
        if name == element:
            lines.append(near)  # the near miss stands where the element's section would be
            if keep:
                lines += [heading, body]
        else:
            lines += [heading, body]
    return tuple(lines)


@pytest.mark.parametrize("element", list(NEAR_MISSES))
def test_a_near_miss_sentence_is_not_evidence(element: str) -> None:
    check = check_approval(doc(*_plan_with(element, keep=False)), info("实施方案"), RULES)
    judged = {e.name: e for e in check.elements}
    assert not judged[element].found, judged[element]
    assert [e.name for e in check.missing] == [element]


@pytest.mark.parametrize("element", list(NEAR_MISSES))
def test_the_section_that_holds_the_element_is_evidence(element: str) -> None:
    check = check_approval(doc(*_plan_with(element, keep=True)), info("实施方案"), RULES)
    judged = {e.name: e for e in check.elements}
    assert judged[element].found and check.verdict is Verdict.PASSED
    assert NEAR_MISSES[element][0] not in judged[element].quote


def test_a_speech_that_states_the_element_in_its_body_counts() -> None:
    speech = ("同志们：", "这次活动的指导思想是：以为民务实清廉为主要内容。",
              "省委派出督导组，对我们的活动全程督导。")
    check = check_approval(doc(*speech), info("动员讲话"), RULES)
    judged = {e.name: e for e in check.elements}
    assert judged["指导思想"].found and judged["督导检查"].found
    assert judged["督导检查"].locator == "p3"
