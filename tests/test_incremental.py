"""Reruns skip unchanged files, replace changed ones and keep a stable baseline."""

from __future__ import annotations

import json
import os
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
