from __future__ import annotations

import os
from pathlib import Path

import pytest

from docpipe.reading.inbox import InboxError, display_path, read_units_csv, scan_inbox


def test_scan_lists_every_file_with_its_unit(small_inbox: Path) -> None:
    inbox = scan_inbox(small_inbox)
    by_rel = {f.relpath: f.unit for f in inbox.files}
    assert by_rel == {
        "情况报告.docx": "",
        "自治区教育厅/座谈会记录.docx": "自治区教育厅",
        "自治区统计局/对照检查材料.docx": "自治区统计局",
        "自治区财政厅/意见建议汇总表.docx": "自治区财政厅",
        "自治区财政厅/说明.docx": "自治区财政厅",
    }


def test_units_missing_from_csv_are_kept_and_flagged(small_inbox: Path) -> None:
    units = scan_inbox(small_inbox).units
    assert units["自治区财政厅"].group == "第一督导组"
    assert units["自治区财政厅"].aliases == ("财政厅",)
    assert units["自治区审计厅"].known  # listed, sent nothing: still a unit
    assert not units["自治区统计局"].known


def test_units_csv_in_gbk_as_excel_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("单位,督导组,批次\n自治区财政厅,第一督导组,第一批\n".encode("gbk"))
    assert read_units_csv(path)["自治区财政厅"].batch == "第一批"


def test_units_csv_without_unit_column_is_an_inbox_error(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("name,team\nA,B\n", encoding="utf-8")
    with pytest.raises(InboxError, match="unit"):
        scan_inbox(tmp_path)


def test_hidden_and_lock_files_are_reported_not_dropped(tmp_path: Path) -> None:
    (tmp_path / "单位甲").mkdir()
    (tmp_path / "单位甲" / "~$方案.docx").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    inbox = scan_inbox(tmp_path)
    assert not inbox.files
    assert {s.relpath for s in inbox.skipped} == {"单位甲/~$方案.docx", ".DS_Store"}


def test_link_out_of_the_inbox_is_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "secret.docx"
    outside.write_bytes(b"x")
    inbox = tmp_path / "inbox"
    (inbox / "单位甲").mkdir(parents=True)
    os.symlink(outside, inbox / "单位甲" / "link.docx")
    found = scan_inbox(inbox)
    assert not found.files
    assert "outside" in found.skipped[0].reason


def test_gbk_file_name_is_displayed_readably(tmp_path: Path) -> None:
    name = os.fsdecode("整改方案.docx".encode("gbk"))
    assert display_path(name) == "整改方案.docx"


def test_missing_inbox_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InboxError, match="not found"):
        scan_inbox(tmp_path / "nope")


def _units_csv(root: Path, text: str, encoding: str = "utf-8") -> None:
    (root / "units.csv").write_bytes(text.encode(encoding))


def test_a_folder_named_by_alias_or_with_other_spaces_is_that_unit(tmp_path: Path) -> None:
    _units_csv(tmp_path, "单位,督导组,简称\n自治区财政厅,第一督导组,财政厅\n"
                         "自治区教育厅,第一督导组,\n")
    for folder in ("财政厅", "自治区教育厅 ", "ＡＢ"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.docx").write_bytes(b"x")
    found = scan_inbox(tmp_path)
    assert {f.relpath: f.unit for f in found.files} == {
        "财政厅/a.docx": "自治区财政厅", "自治区教育厅 /a.docx": "自治区教育厅",
        "ＡＢ/a.docx": "ＡＢ"}
    assert set(found.units) == {"自治区财政厅", "自治区教育厅", "ＡＢ"}  # no second unit
    assert {(m.folder, m.unit) for m in found.matched} == {
        ("财政厅", "自治区财政厅"), ("自治区教育厅 ", "自治区教育厅")}


def test_docpipe_outputs_inside_the_inbox_are_never_submissions(tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    (out / "units" / "自治区财政厅").mkdir(parents=True)
    (out / ".docpipe-state.json").write_text("{}", encoding="utf-8")
    (out / "units" / "自治区财政厅" / "opinions.docx").write_bytes(b"x")
    (tmp_path / "dashboard.html").write_text("x", encoding="utf-8")
    found = scan_inbox(tmp_path)
    assert not found.files
    assert {s.relpath for s in found.skipped} == {"outputs", "dashboard.html"}
    assert "outputs" not in found.units


@pytest.mark.parametrize("header", [
    "单位名称,组别,批次,简称", "\ufeff单位 , 督导组 ,批次", "ｕｎｉｔ,ｇｒｏｕｐ",
    "Unit,Group,Batch,Aliases",
    "单位名称（全称）,所属督导组",
])
def test_headers_as_offices_write_them(tmp_path: Path, header: str) -> None:
    _units_csv(tmp_path, f"{header}\n自治区财政厅,第一督导组\n")
    unit = read_units_csv(tmp_path / "units.csv")["自治区财政厅"]
    assert unit.group == "第一督导组"


def test_a_refused_header_says_what_was_found_and_what_is_accepted(tmp_path: Path) -> None:
    _units_csv(tmp_path, "name,team\nA,B\n")
    with pytest.raises(InboxError) as caught:
        read_units_csv(tmp_path / "units.csv")
    message = str(caught.value)
    assert "name、team" in message and "单位名称" in message and "督导组" in message


def test_without_units_csv_the_inbox_says_so(tmp_path: Path) -> None:
    (tmp_path / "某单位").mkdir()
    (tmp_path / "某单位" / "a.docx").write_bytes(b"x")
    assert not scan_inbox(tmp_path).listed
