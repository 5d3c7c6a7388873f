"""The evaluation set: matching rule, report, and the floors CI keeps."""

from __future__ import annotations

import json

import pytest

from docpipe.understanding.evaluate import (
    DEFAULT_DIR,
    evaluate,
    format_report,
    main,
    match_items,
    match_key,
)

F1_FLOOR = 0.95
DOC_TYPE_FLOOR = 0.95


def test_matching_ignores_spacing_width_and_punctuation() -> None:
    assert match_key("会议 太多, 文件(一)") == match_key("会议太多，文件（一）")
    assert match_items(["会议太多，基层疲于应付。"], ["会议太多基层疲于应付"]) == [(0, 0)]


def test_matching_tolerates_a_stray_character_but_not_a_merged_item() -> None:
    expected = ["窗口人员态度生硬，群众办事要跑好几趟才能办成。",
                "文件太多，基层疲于应付各种材料。"]
    assert match_items(expected, ["窗口人员态度生硬，群众办事要跑好几趟才办成。"]) == [(0, 0)]
    assert match_items(expected, ["".join(expected)]) == []


def test_each_found_item_matches_once() -> None:
    assert match_items(["会议太多。", "会议太多。"], ["会议太多"]) == [(0, 0)]


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(DEFAULT_DIR)


def test_set_is_large_and_varied_enough() -> None:
    spec = json.loads((DEFAULT_DIR / "expected.json").read_text(encoding="utf-8"))
    docs = spec["documents"]
    assert len(docs) >= 25
    assert all((DEFAULT_DIR / d["file"]).is_file() for d in docs)
    assert len({d["doc_type"] for d in docs}) >= 9


def test_floors(report) -> None:  # type: ignore[no-untyped-def]
    assert report.f1 >= F1_FLOOR, format_report(report)
    assert report.doc_type_accuracy >= DOC_TYPE_FLOOR, format_report(report)


def test_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(DEFAULT_DIR), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"precision", "recall", "f1", "doc_type_accuracy", "documents"} <= set(data)
