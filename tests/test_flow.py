"""The real flow, end to end, under Prefect's test harness (one temporary database per session)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory):
    import os

    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ["PREFECT_RESULTS_LOCAL_STORAGE_PATH"] = str(home / "results")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def test_flow_processes_the_inbox_and_reports_the_bad_file(
    harness: None, small_inbox: Path, tmp_path: Path
) -> None:
    from docpipe_flows.flow import docpipe_run

    out = tmp_path / "out"
    report = docpipe_run(inbox=str(small_inbox), out=str(out))
    assert report.documents == 5
    assert report.processed == 4
    (rejection,) = report.rejected
    assert rejection.path == "自治区财政厅/说明.docx"
    assert rejection.error_code == "not_word"

    units = {u.unit: u for u in report.units}
    assert set(units) >= {"自治区财政厅", "自治区教育厅", "自治区审计厅", "自治区统计局"}
    assert units["自治区审计厅"].documents == 0  # listed in units.csv, sent nothing
    assert not units["自治区统计局"].known
    assert units["自治区财政厅"].items == 5
    assert units["自治区财政厅"].rejected == 1

    items = [json.loads(x) for x in (out / "items.jsonl").read_text("utf-8").splitlines()]
    assert sum(u.items for u in report.units) == len(items)
    for unit in units.values():
        assert sum(unit.counts.values()) == unit.items
    documents = (out / "documents.jsonl").read_text("utf-8")
    assert "not_word" in documents
    assert (out / "report.md").read_text("utf-8").count("说明.docx") == 1
    for path in report.outputs.values():
        assert Path(path).resolve().is_relative_to(out.resolve())
        assert Path(path).exists()


def _comparable(out: Path) -> dict[str, bytes]:
    """Every output except the run report (it names its own folder) and the catalog."""
    skip = {"report.json", "report.md", "catalog.sqlite", ".docpipe-state.json"}
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in skip and not p.name.startswith("catalog.sqlite")
    }


def test_dask_cluster_gives_the_same_outputs_as_the_local_run(
    harness: None, small_inbox: Path, tmp_path: Path
) -> None:
    from docpipe_flows.flow import run

    local, dask = tmp_path / "local", tmp_path / "dask"
    run(str(small_inbox), str(local))
    report = run(str(small_inbox), str(dask), dask_workers=2, batch_size=2)
    assert report.processed == 4
    assert _comparable(local) == _comparable(dask)


def test_batches_on_the_worker_pool_give_the_same_outputs(
    harness: None, small_inbox: Path, tmp_path: Path
) -> None:
    """Batches overlap (the next one is processed while this one is recorded) and the units'
    outputs are written on the pool: nothing of that may show in the outputs."""
    from docpipe_flows.flow import run

    one, two = tmp_path / "one", tmp_path / "two"
    run(str(small_inbox), str(one))
    report = run(str(small_inbox), str(two), workers=2, batch_size=4)
    assert report.documents == 5 and report.processed == 4
    assert _comparable(one) == _comparable(two)


def test_unchanged_rerun_returns_the_stored_report(
    harness: None, small_inbox: Path, tmp_path: Path
) -> None:
    from docpipe_flows.flow import run

    out = tmp_path / "out"
    first = run(str(small_inbox), str(out))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run(str(small_inbox), str(out))
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_nightly_deployment_has_its_cron_schedule(harness: None, tmp_path: Path) -> None:
    from docpipe_flows.serve import build_deployment

    deployment = build_deployment(
        str(tmp_path / "inbox"), str(tmp_path / "out"), cron="30 1 * * *", name="nightly-test"
    )
    assert deployment.name == "nightly-test"
    assert deployment.flow_name == "docpipe-run"
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "30 1 * * *"
    assert schedule.schedule.timezone == "Asia/Shanghai"
    assert deployment.parameters["inbox"].endswith("inbox")
