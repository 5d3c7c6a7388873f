"""The unit drafts: golden text, every number recounted from the items, files on disk."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from docpipe.outputs.drafts import (
    opinion_items,
    opinion_summary_draft,
    unit_drafts,
    write_region_outputs,
    write_unit_outputs,
)
from docpipe.outputs.officedoc import render_markdown
from docpipe.outputs.progress import load_campaign
from docpipe.outputs.review import load_review_rules
from docpipe.outputs.summarise import summarise_unit
from docpipe.records import (
    ClassifiedItem,
    DocInfo,
    DocStatus,
    DocumentResult,
    InboxFile,
    Item,
    Paragraph,
    Prediction,
    SourceDocument,
    UnitInfo,
)
from docpipe.taxonomy import load_taxonomy

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2013, 9, 10)
TAX = load_taxonomy()
UNIT = UnitInfo("市交通运输局", group="第一督导组", batch="第一批")


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/<name>; DOCPIPE_GEN_TEST_DATA=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("DOCPIPE_GEN_TEST_DATA") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with DOCPIPE_GEN_TEST_DATA=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def classified(path: str, unit: str, doc_type: str, index: int, text: str, label: str, *,
               p: float = 0.9, review: bool = False, secondary: str = "",
               terms: tuple[str, ...] = ()) -> ClassifiedItem:
    others = [x for x in TAX.labels if x != label]
    probs = {label: p, **{x: round((1 - p) / len(others), 4) for x in others}}
    prediction = Prediction(label, probs, TAX.merged(label), review, secondary, terms)
    return ClassifiedItem(Item(path, unit, doc_type, index, text, locator=f"t1r{index + 1}"),
                          prediction)


def result(unit: str, relpath: str, doc_type: str, *, paragraphs: tuple[str, ...] = (),
           items: tuple[tuple, ...] = (), title: str = "",
           status: DocStatus = DocStatus.OK) -> DocumentResult:
    path = f"/inbox/{relpath}"
    doc = SourceDocument(path, f"sha-{relpath}", status, tuple(Paragraph(t) for t in paragraphs))
    info = None if status is DocStatus.REJECTED else DocInfo(doc_type, 0.9, unit, "folder",
                                                             True, title)
    its = tuple(classified(path, unit, doc_type, i, text, label, **(extra[0] if extra else {}))
                for i, (text, label, *extra) in enumerate(items))
    return DocumentResult(InboxFile(path, relpath, unit), doc, info, its)


OPINIONS = (
    ("会议太多太长，希望精简会议、压缩文件。", "形式主义", {"terms": ("会议", "文件")}),
    ("检查评比过多，基层疲于迎检，填表报数占去大量时间。", "形式主义", {"terms": ("检查",)}),
    ("会议太多、文件太多，建议精简会议，压缩文件。", "形式主义", {"terms": ("会议", "文件")}),
    ("调研走过场，听汇报多、解决问题少。", "形式主义", {"terms": ("调研",)}),
    ("开会太多太长，建议精简会议压缩文件。", "形式主义", {"terms": ("会议", "文件")}),
    ("窗口工作人员门难进、脸难看、事难办。", "官僚主义", {"terms": ("门难进",)}),
    ("科室之间推诿扯皮，群众反映的问题长期得不到解决。", "官僚主义", {"terms": ("推诿扯皮",)}),
    ("办事窗口门难进、脸难看、事难办，群众来回跑。", "官僚主义", {"terms": ("门难进",)}),
    ("有的干部上班时间炒股、玩网络游戏。", "享乐主义"),
    ("迟到早退现象时有发生，工作拖拉。", "享乐主义"),
    ("节日期间用公款购买购物卡发放。", "奢靡之风"),
    ("公务接待超标准，讲排场。", "奢靡之风",
     {"p": 0.46, "review": True, "secondary": "享乐主义"}),
    ("食堂饭菜价格偏高，希望改善伙食。", "其他"),
    ("停车位不足，建议增加停车位。", "其他", {"p": 0.41, "review": True, "secondary": "形式主义"}),
)

PLAN = (
    "市交通运输局开展党的群众路线教育实践活动实施方案",
    "一、指导思想",
    "以为民务实清廉为主要内容，坚持照镜子、正衣冠、洗洗澡、治治病的总要求。",
    "二、目标任务",
    "通过教育实践活动，集中解决形式主义、官僚主义、享乐主义和奢靡之风“四风”问题。",
    "三、方法步骤",
    "（一）学习教育、听取意见。7月上旬至8月底，组织集中学习，广泛征求意见。",
    "（二）查摆问题、开展批评。9月至10月，召开专题民主生活会。",
    "（三）整改落实、建章立制。针对查摆出的问题，制定整改方案。",
    "四、组织领导",
    "成立局教育实践活动领导小组，局党组书记任组长。",
)

SPEECH = (
    "在教育实践活动动员大会上的讲话",
    "一、深刻认识开展活动的重大意义，把握指导思想和目标任务。",
    "这次活动的主要任务是聚焦作风建设，集中解决“四风”问题。",
    "二、准确把握三个环节。第一环节学习教育、听取意见，7月1日开始，8月31日结束。",
    "第二环节查摆问题、开展批评，安排在9月至10月。",
    "第三环节整改落实、建章立制，11月起至明年1月底。",
    "三、切实加强组织领导，党组书记是第一责任人，督导组全程督导。",
)

STUDY_PLAN = (
    "市交通运输局教育实践活动学习计划",
    "学习时间：每周五下午为集中学习日，7月至8月共安排8次。",
    "参学人员：局机关全体党员干部。",
    "学习内容：重点学习《论群众路线——重要论述摘编》等篇目。",
    "局办公室统一印发学习资料，人手一册。",
    "每次学习实行签到制度，因故缺勤的须书面请假并补学。",
)

STUDY_RECORD = (
    "第三次集中学习记录",
    "7月19日下午，局机关党员在三楼会议室集中学习，应到42人，实到40人。",
    "学习结束后，4名同志作交流发言，谈了心得体会。",
)


@dataclass(frozen=True)
class Rect:
    problem: str
    measure: str
    owner: str
    deadline: str
    locator: str
    missing: tuple[str, ...] = ()


RECTS = (
    Rect("会议多、文件多", "每月会议不超过4个，发文量压减三分之一", "办公室", "2013年12月底", "p3"),
    Rect("窗口服务态度差", "推行首问负责制", "", "2013年11月底", "p4", ("owner",)),
    Rect("公务接待超标准", "", "", "", "p5", ("measure", "owner", "deadline")),
)


def fake_extract(document: SourceDocument, info: DocInfo | None) -> list[Rect]:
    return list(RECTS)


def unit_results() -> list[DocumentResult]:
    unit = UNIT.name
    return [
        result(unit, f"{unit}/征求意见汇总表.docx", "征求意见汇总", items=OPINIONS),
        result(unit, f"{unit}/班子对照检查材料.docx", "对照检查材料", items=(
            ("学风不正，学用脱节。", "形式主义"), ("有的同志贪图安逸。", "享乐主义"))),
        result(unit, f"{unit}/实施方案.docx", "实施方案", paragraphs=PLAN, title=PLAN[0]),
        result(unit, f"{unit}/动员讲话.docx", "动员讲话", paragraphs=SPEECH),
        result(unit, f"{unit}/学习计划.docx", "学习计划", paragraphs=STUDY_PLAN),
        result(unit, f"{unit}/学习记录.docx", "学习记录", paragraphs=STUDY_RECORD),
        result(unit, f"{unit}/整改方案.docx", "整改方案", paragraphs=("整改方案",)),
        result(unit, f"{unit}/旧文件.doc", "", status=DocStatus.REJECTED),
    ]


@pytest.fixture(scope="module")
def drafts() -> dict:
    results = unit_results()
    summary = summarise_unit(UNIT, results, TAX)
    return unit_drafts(UNIT, summary, results, TAX, today=TODAY, extract=fake_extract)


def test_unit_drafts_are_all_there(drafts: dict) -> None:
    assert set(drafts) == {"summary", "opinions", "approval-实施方案", "approval-动员讲话",
                           "study", "rectification"}


@pytest.mark.parametrize(("stem", "golden"), [
    ("summary", "unit_summary.md"),
    ("opinions", "opinion_summary.md"),
    ("approval-实施方案", "approval_returned.md"),
    ("approval-动员讲话", "approval_passed.md"),
    ("study", "study_check.md"),
    ("rectification", "rectification_gaps.md"),
])
def test_draft_text_matches_golden(drafts: dict, stem: str, golden: str) -> None:
    check_golden(golden, render_markdown(drafts[stem]))


def test_opinion_numbers_recount_from_items(drafts: dict) -> None:
    """Every number of the 意见建议梳理汇总 is recounted from the items themselves."""
    items = opinion_items(unit_results(), load_campaign())
    text = render_markdown(drafts["opinions"])
    totals = re.search(r"共征求意见建议(\d+)条，其中(.+?)。", text)
    assert totals and int(totals.group(1)) == len(items) == len(OPINIONS)
    stated = {m[0]: int(m[1]) for m in re.findall(r"([^，]+?)方面(\d+)条", totals.group(2))}
    assert stated == {c: sum(1 for ci in items if ci.label == c) for c in TAX.labels}
    merged = re.search(r"合并统计口径，(.+?)。", text)
    assert merged
    merged_stated = {m[0]: int(m[1])
                     for m in re.findall(r"([^，]+?)方面(\d+)条", merged.group(1))}
    assert merged_stated["享乐主义奢靡之风"] == sum(
        1 for ci in items if ci.label in ("享乐主义", "奢靡之风"))
    assert sum(merged_stated.values()) == len(items)
    # per category: the heading count, and the merged lines add up to it
    for section in re.split(r"\n### ", text)[1:]:
        head = re.match(r"（.）(\S+?)方面（(\d+)条）", section)
        assert head
        label, count = head.group(1), int(head.group(2))
        assert count == sum(1 for ci in items if ci.label == label)
        body = section.split("\n## ")[0]
        lines = re.findall(r"^（\d+）(.+)$", body, flags=re.M)
        listed = sum(int(m.group(1)) if (m := re.search(r"同类意见(\d+)条）$", ln)) else 1
                     for ln in lines)
        rest = re.search(r"另有\d+类意见共(\d+)条", body)
        assert listed + (int(rest.group(1)) if rest else 0) == count
    review = text.split("## 三、需人工研判的意见")[1]
    assert len(re.findall(r"^（\d+）", review, flags=re.M)) == sum(
        1 for ci in items if ci.prediction.needs_review)


def test_near_duplicate_opinions_are_merged_with_their_count(drafts: dict) -> None:
    text = render_markdown(drafts["opinions"])
    assert "（同类意见3条）" in text  # the three "meetings and documents" opinions
    assert "（同类意见2条）" in text  # the two "门难进、脸难看、事难办"
    listed = [line for line in text.splitlines() if line.startswith("（")]
    assert sum("事难办" in line for line in listed) == 1  # listed once, not twice


def test_review_items_say_where_to_find_them(drafts: dict) -> None:
    text = render_markdown(drafts["opinions"])
    where = "〔市交通运输局/征求意见汇总表.docx，表1第12行；"
    assert where + "初判奢靡之风，或为享乐主义，置信度0.46〕" in text


def test_approval_names_missing_elements(drafts: dict) -> None:
    plan = drafts["approval-实施方案"]
    assert plan.data["verdict"] == "returned"
    assert plan.data["missing"] == ["第三环节（整改落实、建章立制）及时间安排", "督导检查"]
    assert drafts["approval-动员讲话"].data["verdict"] == "passed"


def test_study_check_quotes_evidence_or_says_missing(drafts: dict) -> None:
    points = {p["name"]: p for p in drafts["study"].data["points"]}
    assert len(points) == 9
    assert points["有笔记"]["found"] is False
    assert points["有考勤"]["quote"] == "每次学习实行签到制度，因故缺勤的须书面请假并补学。"
    assert points["人员落实"]["found"]


def test_rectification_gaps_counted(drafts: dict) -> None:
    text = render_markdown(drafts["rectification"])
    assert "共列出问题3条，其中整改措施、责任人（责任部门）、完成时限齐全的1条，有缺项的2条" in text
    assert "缺少整改措施、责任人（责任部门）、完成时限" in text


def test_opinion_summary_with_no_opinions() -> None:
    draft = opinion_summary_draft(UnitInfo("市档案局"), [], TAX, load_campaign(), today=TODAY)
    text = render_markdown(draft)
    assert "尚未收到" in text and draft.data["total"] == 0


def test_write_unit_outputs_writes_three_formats(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("docpipe.outputs.drafts._default_extract", lambda: fake_extract)
    results = unit_results()
    summary = summarise_unit(UNIT, results, TAX)
    written = write_unit_outputs(tmp_path, UNIT, summary, results, TAX, today=TODAY)
    folder = tmp_path / "units" / UNIT.name
    assert {Path(p).parent for p in written.values()} == {folder}
    for stem in ("summary", "opinions", "approval-实施方案", "study", "rectification"):
        md = (folder / f"{stem}.md").read_text(encoding="utf-8")
        data = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
        docx_text = "\n".join(p.text for p in Document(str(folder / f"{stem}.docx")).paragraphs)
        assert data["title"] in md and data["title"] in docx_text
        for block in data["blocks"]:  # same words in the three formats
            if block["kind"] != "table":
                assert block["text"] in docx_text and block["text"] in md
    summary_json = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["data"]
    assert summary_json["items"] == len(OPINIONS) + 2 and summary_json["rejected"] == 1


def test_unit_name_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    unit = UnitInfo("../../etc", known=False)
    summary = summarise_unit(unit, [], TAX)
    written = write_unit_outputs(tmp_path / "out", unit, summary, [], TAX, today=TODAY)
    assert all(Path(p).resolve().is_relative_to((tmp_path / "out").resolve())
               for p in written.values())


def test_write_region_outputs(tmp_path: Path) -> None:
    results = unit_results()
    units = {UNIT.name: UNIT, "市档案局": UnitInfo("市档案局", group="第二督导组")}
    summaries = [summarise_unit(u, [r for r in results if r.source.unit == name], TAX)
                 for name, u in units.items()]
    written = write_region_outputs(tmp_path, summaries, results, units, TAX, today=TODAY)
    pages = {name for name in written if name.startswith("review/")}
    assert set(written) - pages == {"progress.docx", "progress.md", "progress.json",
                                    "dashboard.html"}
    assert "review/all-001.html" in pages  # the review list, paged
    data = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))["data"]
    assert data["items"] == len(OPINIONS) + 2
    assert [u["unit"] for u in data["units"] if u["state"] == "behind"] == ["市档案局"]
    again = write_region_outputs(tmp_path, summaries, results, units, TAX,
                                 previous=tmp_path / "progress.json", today=date(2013, 9, 11))
    assert "与上次（2013年9月10日）相比" in Path(again["progress.md"]).read_text(encoding="utf-8")
    assert load_review_rules().approval_doc_types == ("实施方案", "动员讲话")
