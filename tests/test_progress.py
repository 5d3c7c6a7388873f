"""The progress report: arrived, overdue and pending documents, groups, change since last run."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from docpipe.outputs.officedoc import draft_json, render_markdown
from docpipe.outputs.progress import (
    UnitState,
    build_progress,
    load_campaign,
    progress_draft,
    progress_json,
    read_previous,
)
from docpipe.outputs.summarise import summarise_unit
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

GOLDEN = Path(__file__).parent / "golden"
TAX = load_taxonomy()
CAMPAIGN = load_campaign()
UNITS = {
    "市交通运输局": UnitInfo("市交通运输局", group="第一督导组"),
    "市教育局": UnitInfo("市教育局", group="第一督导组"),
    "市档案局": UnitInfo("市档案局", group="第二督导组"),
}


def _result(unit: str, doc_type: str, labels: tuple[str, ...] = ()) -> DocumentResult:
    path = f"/inbox/{unit}/{doc_type}.docx"
    items = tuple(ClassifiedItem(Item(path, unit, doc_type, i, "意见"),
                                 Prediction(label, {label: 0.9}, TAX.merged(label), False))
                  for i, label in enumerate(labels))
    return DocumentResult(InboxFile(path, f"{unit}/{doc_type}.docx", unit),
                          SourceDocument(path, path, DocStatus.OK),
                          DocInfo(doc_type, 1.0, unit, "folder", True), items)


def _results() -> list[DocumentResult]:
    return [
        _result("市交通运输局", "实施方案"),
        _result("市交通运输局", "动员讲话"),
        _result("市交通运输局", "学习计划"),
        _result("市交通运输局", "征求意见汇总", ("形式主义", "形式主义", "奢靡之风")),
        _result("市教育局", "实施方案"),
        _result("市教育局", "征求意见汇总", ("官僚主义", "其他")),
    ]


def _report(today: date, previous: dict | None = None, results: list | None = None):
    results = _results() if results is None else results
    summaries = [summarise_unit(u, [r for r in results if r.source.unit == n], TAX)
                 for n, u in UNITS.items()]
    return build_progress(summaries, results, UNITS, TAX, campaign=CAMPAIGN, today=today,
                          previous=previous)


def test_stage_and_overdue_documents() -> None:
    report = _report(date(2013, 7, 20))
    assert report.stage == "学习教育、听取意见"
    units = {u.unit: u for u in report.units}
    transport = units["市交通运输局"]
    assert transport.state is UnitState.ON_TRACK
    assert [t for t, _ in transport.pending] == ["学习记录"]
    education = units["市教育局"]
    assert [t for t, _ in education.overdue] == ["动员讲话"]  # due 7月15日
    assert units["市档案局"].documents == 0
    assert [t for t, _ in units["市档案局"].overdue] == ["实施方案", "动员讲话"]
    assert [u.unit for u in report.behind] == ["市教育局", "市档案局"]


def test_group_and_region_totals_add_up() -> None:
    report = _report(date(2013, 9, 10))
    assert [g.group for g in report.groups] == ["第一督导组", "第二督导组"]
    assert report.counts["形式主义"] == 2 and report.items == 5
    assert sum(report.counts.values()) == report.items == sum(report.merged_counts.values())
    assert report.groups[0].counts["官僚主义"] == 1
    assert report.merged_counts["享乐主义奢靡之风"] == 1


def test_before_the_campaign_nobody_is_behind() -> None:
    report = _report(date(2013, 6, 1))
    assert report.stage == "" and not report.behind


def test_change_since_previous_run(tmp_path: Path) -> None:
    first = _report(date(2013, 7, 20), results=_results()[:4])
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(draft_json(progress_draft(first, TAX, CAMPAIGN)),
                               ensure_ascii=False), encoding="utf-8")
    second = _report(date(2013, 7, 21), previous=read_previous(path))
    changes = second.changes
    assert changes is not None and changes.previous_date == "2013年7月20日"
    assert changes.documents == 2 and changes.items == 2
    assert changes.counts["官僚主义"] == 1 and changes.counts["形式主义"] == 0
    assert ("市教育局", "实施方案") in changes.arrived
    assert changes.fell_behind == () and changes.caught_up == ()
    text = render_markdown(progress_draft(second, TAX, CAMPAIGN))
    assert "与上次（2013年7月20日）相比，文件增加2份，意见、问题增加2条" in text


def test_previous_file_that_is_missing_or_broken(tmp_path: Path) -> None:
    assert read_previous(None) is None
    assert read_previous(tmp_path / "nope.json") is None
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert read_previous(tmp_path / "bad.json") is None


def test_progress_json_round_trip() -> None:
    data = progress_json(_report(date(2013, 9, 10)))
    assert data["items"] == 5 and len(data["units"]) == 3
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_progress_report_golden_and_numbers() -> None:
    report = _report(date(2013, 9, 10))
    text = render_markdown(progress_draft(report, TAX, CAMPAIGN))
    assert f"应报送单位{len(report.units)}个" in text
    assert f"{len(report.behind)}个单位进度滞后" in text
    assert "共收到文件6份，梳理出意见、问题5条，其中形式主义方面2条，官僚主义方面1条" in text
    golden = GOLDEN / "progress_report.md"
    if os.environ.get("DOCPIPE_GEN_TEST_DATA") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_without_units_csv_nobody_is_expected_or_behind() -> None:
    results = [*_results(), _result("", "实施方案")]  # a file directly under the inbox
    folders = {n: UnitInfo(n, known=False) for n in ("市交通运输局", "市教育局", "")}
    summaries = [summarise_unit(u, [r for r in results if r.source.unit == n], TAX)
                 for n, u in folders.items()]
    report = build_progress(summaries, results, folders, TAX, campaign=CAMPAIGN,
                            today=date(2013, 10, 20), notices=("没有 units.csv",))
    assert not report.listed and not report.behind and not report.expected
    text = render_markdown(progress_draft(report, TAX, CAMPAIGN))
    assert "没有 units.csv" in text.split("总体进展")[0]  # said at the top
    assert "应报送单位0个" not in text and "进度滞后单位" not in text
    assert "逾期未报实施方案" not in text
    assert "收到2个文件夹的材料" in text  # the inbox root is not a unit


def test_a_file_added_and_one_removed_is_not_no_change(tmp_path: Path) -> None:
    first = _report(date(2013, 7, 20), results=_results()[:4])
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(draft_json(progress_draft(first, TAX, CAMPAIGN)),
                               ensure_ascii=False), encoding="utf-8")
    swapped = [*_results()[:3], _results()[4]]  # one file gone, another arrived
    second = _report(date(2013, 7, 21), previous=read_previous(path), results=swapped)
    assert second.changes is not None
    assert (second.changes.added, second.changes.removed) == (1, 1)
    text = render_markdown(progress_draft(second, TAX, CAMPAIGN))
    assert "文件新增1份、撤下1份" in text and "文件无变化" not in text
