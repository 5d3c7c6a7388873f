"""Reruns skip unchanged files, replace changed ones and keep a stable baseline."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from docpipe.running import batch as steps
from docpipe.storing import incremental
from docpipe.storing.catalog import Catalog

DAY = date(2026, 11, 25)


def _run(inbox_dir: Path, out: Path) -> incremental.RunPlan:
    """The flow's steps without Prefect: plan, process, record, write, mark completed."""
    plan, _ = steps.run_local(inbox_dir, out, today=DAY)
    return plan


def test_unchanged_rerun_does_nothing(small_inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _run(small_inbox, out)
    assert len(first.todo) == 5 and not first.up_to_date
    again = _run(small_inbox, out)
    assert again.up_to_date and not again.todo and len(again.reuse) == 5


def test_missing_output_forces_a_rewrite(small_inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(small_inbox, out)
    (out / "items.jsonl").unlink()
    plan = _run(small_inbox, out)
    assert not plan.up_to_date and not plan.todo  # nothing re-read, outputs rewritten
    assert (out / "items.jsonl").exists()


def test_changed_file_replaces_its_items(small_inbox: Path, tmp_path: Path) -> None:
    from conftest import write_docx

    out = tmp_path / "out"
    _run(small_inbox, out)
    target = small_inbox / "自治区教育厅" / "座谈会记录.docx"
    write_docx(
        target,
        [
            "自治区教育厅座谈会记录",
            "一、意见建议",
            "1.有的干部上班时间玩手机游戏，工作日中午饮酒，作风松散。",
        ],
    )
    os.utime(target, ns=(1, 1))  # a different mtime even on coarse file systems
    plan = _run(small_inbox, out)
    assert [f.relpath for f in plan.todo] == ["自治区教育厅/座谈会记录.docx"]
    items = [json.loads(x) for x in (out / "items.jsonl").read_text("utf-8").splitlines()]
    edu = [i for i in items if i["unit"] == "自治区教育厅"]
    assert [i["text"] for i in edu] == ["有的干部上班时间玩手机游戏，工作日中午饮酒，作风松散。"]
    with Catalog(out / "catalog.sqlite") as db:
        stored = [r for r in db.results() if r.source.relpath.endswith("座谈会记录.docx")]
    assert len(stored) == 1 and len(stored[0].items) == 1


def test_removed_file_leaves_the_outputs(small_inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(small_inbox, out)
    (small_inbox / "情况报告.docx").unlink()
    plan = _run(small_inbox, out)
    assert plan.gone and not plan.todo
    docs = (out / "documents.jsonl").read_text("utf-8")
    assert "情况报告.docx" not in docs


def test_baseline_is_the_last_completed_run_with_other_inputs(
    small_inbox: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _run(small_inbox, out)
    assert incremental.baseline(out, first.state) is None  # first run: nothing to compare
    (small_inbox / "情况报告.docx").unlink()
    second = _run(small_inbox, out)
    kept = incremental.baseline(out, second.state)
    assert kept is not None and kept.parent.name == "history"
    # the same state again (outputs lost) compares with the same baseline, not with itself
    (out / "report.json").unlink()
    assert incremental.baseline(out, second.state) == kept


def test_a_new_model_version_reclassifies_stored_items(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _run(small_inbox, out)
    with Catalog(out / "catalog.sqlite") as db:
        before = db.results(with_text=False)
        version = db._db.execute("SELECT DISTINCT model_version FROM documents").fetchone()[0]
        db._db.execute("UPDATE documents SET model_version = 'older'")
    monkeypatch.setattr(steps, "RECLASSIFY_CHUNK", 2)  # several chunks of files
    changed = steps.reclassify(out, None, None, version)
    assert changed == sum(len(r.items) for r in before) > 0
    with Catalog(out / "catalog.sqlite") as db:
        assert db.stale_paths(version) == []
        after = db.results(with_text=False)
    assert [[ci.prediction.label for ci in r.items] for r in after] == [
        [ci.prediction.label for ci in r.items] for r in before
    ]
    assert steps.reclassify(out, None, None, version) == 0


def _config_copy(tmp_path: Path, name: str, edit: dict[str, list[tuple[str, str]]]) -> Path:
    """A DOCPIPE_CONFIG_DIR: the shipped configuration with (old, new) texts replaced."""
    from docpipe.settings import PACKAGE_DIR

    folder = tmp_path / name
    shutil.copytree(PACKAGE_DIR / "config", folder)
    for file, pairs in edit.items():
        text = (folder / file).read_text("utf-8")
        for old, new in pairs:
            assert old in text
            text = text.replace(old, new, 1)
        (folder / file).write_text(text, "utf-8")
    return folder


def _drop_forum_cues(doctypes: Path) -> None:
    """Every cue of the 座谈会记录 type (title, weak, lede, content) loses its forum words."""
    text = doctypes.read_text("utf-8")
    start = text.index('name = "座谈会记录"')
    end = text.find("[[", start)
    end = len(text) if end < 0 else end
    section = text[start:end]
    head, rest = section.split("\n", 1)
    for word in ("座谈", "谈话", "恳谈", "评议", "纪要", "记录", "综述"):
        rest = rest.replace(word, "×")
    doctypes.write_text(text[:start] + head + "\n" + rest + text[end:], "utf-8")


def _lines(out: Path, name: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in (out / f"{name}.jsonl").read_text("utf-8").splitlines()]


def test_an_edited_cue_and_heading_reach_every_old_file(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("DOCPIPE_CONFIG_DIR", str(_config_copy(tmp_path, "before", {})))
    _run(small_inbox, out)
    types = {d["path"]: d["doc_type"] for d in _lines(out, "documents")}
    assert types["自治区教育厅/座谈会记录.docx"] == "座谈会记录"
    hints = {i["text"][:6]: i["hint"] for i in _lines(out, "items")}
    assert hints["办公用房超标"] == "奢靡之风"

    # the 座谈会 cues leave 座谈会记录; "奢靡之风" no longer heads a category
    edited = _config_copy(tmp_path, "after", {
        "taxonomy.toml": [('cues = ["奢靡之风", "奢侈浪费", "铺张浪费"]', 'cues = ["奢侈浪费"]')],
    })
    _drop_forum_cues(edited / "doctypes.toml")
    monkeypatch.setenv("DOCPIPE_CONFIG_DIR", str(edited))
    plan, _ = steps.run_local(small_inbox, out, today=DAY)
    assert not plan.todo  # nothing read again: split again from the stored text
    types = {d["path"]: d["doc_type"] for d in _lines(out, "documents")}
    assert types["自治区教育厅/座谈会记录.docx"] != "座谈会记录"
    hints = {i["text"][:6]: i["hint"] for i in _lines(out, "items")}
    assert hints["办公用房超标"] == ""
    with Catalog(out / "catalog.sqlite") as db:
        assert db.resplit_paths(incremental.processing_version()) == []
    # again with the same configuration: nothing is split again
    assert steps.resplit(out, None, {}, None, "unused") == 0


def test_only_documents_of_another_processing_version_are_split_again(
    small_inbox: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _run(small_inbox, out)
    with Catalog(out / "catalog.sqlite") as db:
        version = db._db.execute("SELECT DISTINCT model_version FROM documents").fetchone()[0]
        current = db._db.execute("SELECT DISTINCT processing_version FROM documents"
                                 " WHERE status = 'ok'").fetchall()
        assert current == [(incremental.processing_version(),)]
        db._db.execute("UPDATE documents SET processing_version = 'older'"
                       " WHERE relpath = '自治区教育厅/座谈会记录.docx'")
        before = {r.source.relpath: r.items for r in db.results(with_text=False)}
    from docpipe.reading.inbox import scan_inbox

    assert steps.resplit(out, None, scan_inbox(small_inbox).units, None, version) == 1
    with Catalog(out / "catalog.sqlite") as db:
        after = {r.source.relpath: r.items for r in db.results(with_text=False)}
        assert db.resplit_paths(incremental.processing_version()) == []
    assert after == before  # the same configuration splits the same items


def test_a_report_json_this_docpipe_cannot_read_is_written_again(
    small_inbox: Path, tmp_path: Path
) -> None:
    from docpipe.outputs.report import read_report

    out = tmp_path / "out"
    _run(small_inbox, out)
    (out / "report.json").write_text('{"inbox": "x", "written_by": "docpipe 0.0.1"}\n', "utf-8")
    plan = _run(small_inbox, out)
    assert not plan.up_to_date and not plan.todo
    assert read_report(out).documents == 5
    assert _run(small_inbox, out).up_to_date
