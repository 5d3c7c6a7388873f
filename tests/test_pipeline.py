from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import write_docx
from docpipe.reading.inbox import scan_inbox
from docpipe.records import DocStatus
from docpipe.running import batch as steps
from docpipe.running import pool
from docpipe.running import process as pipeline
from docpipe.understanding.duplicates import mark_duplicates


def _run(inbox_dir: Path, out: Path) -> None:
    steps.run_local(inbox_dir, out)


def test_gbk_named_folder_and_file_are_processed(small_inbox: Path, tmp_path: Path) -> None:
    folder = small_inbox / os.fsdecode("自治区民政厅".encode("gbk"))
    write_docx(
        folder / os.fsdecode("意见建议汇总表.docx".encode("gbk")),
        ["征求意见建议汇总表"],
        table=[["序号", "意见内容"], ["1", "有的干部对群众来信不闻不问，推诿扯皮。"]],
    )
    out = tmp_path / "out"
    _run(small_inbox, out)
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    row = next(d for d in docs if d["path"] == "自治区民政厅/意见建议汇总表.docx")
    assert row["status"] == "ok" and row["unit"] == "自治区民政厅" and row["items"] == 1
    assert (out / "units" / "自治区民政厅" / "summary.json").exists()


def test_a_defect_on_one_file_becomes_a_rejection(
    small_inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.split_items

    def fragile(doc, info):  # type: ignore[no-untyped-def]
        if "座谈会" in doc.path:
            raise ValueError("boom")
        return real(doc, info)

    monkeypatch.setattr(pipeline, "split_items", fragile)
    found = scan_inbox(small_inbox)
    results = pipeline.process_files(found.files, found.units)
    failed = [r for r in results if r.document.error_code == "internal_error"]
    assert [r.source.relpath for r in failed] == ["自治区教育厅/座谈会记录.docx"]
    assert "ValueError: boom" in failed[0].document.message
    assert sum(r.document.ok for r in results) == 3  # the others went on


def test_a_classifier_defect_stays_with_its_file(
    small_inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items of a chunk are classified together; when that fails, each file is tried alone."""
    real = pipeline.classify_items
    calls: list[int] = []

    def fragile(items, classifier):  # type: ignore[no-untyped-def]
        calls.append(len(items))
        if any("座谈会" in i.path for i in items):
            raise ValueError("bad item")
        return real(items, classifier)

    monkeypatch.setattr(pipeline, "classify_items", fragile)
    found = scan_inbox(small_inbox)
    results = pipeline.process_files(found.files, found.units)
    failed = [r.source.relpath for r in results if r.document.error_code == "internal_error"]
    assert failed == ["自治区教育厅/座谈会记录.docx"]
    assert sum(r.document.ok for r in results) == 3 and all(
        r.items for r in results if r.document.ok)
    assert len(calls) == 1 + 4  # the chunk at once, then each of its four documents


def test_duplicates_within_a_unit_are_counted_once_under_the_first_file(
    small_inbox: Path,
) -> None:
    original = small_inbox / "自治区财政厅" / "意见建议汇总表.docx"
    shutil.copy(original, small_inbox / "自治区财政厅" / "意见建议汇总表(1).docx")
    found = scan_inbox(small_inbox)
    results = mark_duplicates(pipeline.process_files(found.files, found.units))
    dup = [r for r in results if r.document.status is DocStatus.DUPLICATE]
    assert [(r.source.relpath, r.document.duplicate_of) for r in dup] == [
        ("自治区财政厅/意见建议汇总表.docx", "自治区财政厅/意见建议汇总表(1).docx")
    ]
    assert dup[0].items == ()
    assert all(not r.also_submitted_by for r in results)


def test_the_same_file_from_two_units_counts_for_both_and_is_flagged(small_inbox: Path) -> None:
    original = small_inbox / "自治区财政厅" / "意见建议汇总表.docx"
    shutil.copy(original, small_inbox / "自治区教育厅" / "意见建议汇总表(1).docx")
    found = scan_inbox(small_inbox)
    results = mark_duplicates(pipeline.process_files(found.files, found.units))
    assert not [r for r in results if r.document.status is DocStatus.DUPLICATE]
    shared = {r.source.relpath: r.also_submitted_by for r in results if r.also_submitted_by}
    assert shared == {"自治区财政厅/意见建议汇总表.docx": ("自治区教育厅",),
                      "自治区教育厅/意见建议汇总表(1).docx": ("自治区财政厅",)}
    assert all(r.items for r in results if r.source.relpath in shared)


def test_outputs_are_readable_by_others(small_inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        _run(small_inbox, out)
    finally:
        os.umask(old)
    assert (out / "items.jsonl").stat().st_mode & 0o777 == 0o644


def test_parallel_workers_give_the_same_results(small_inbox: Path) -> None:
    from docpipe.outputs.report import classified_json, document_json

    def rows(results):  # type: ignore[no-untyped-def]
        # as written out: probabilities to 4 places (BLAS threads differ in the last bits)
        return [(document_json(r), [classified_json(ci) for ci in r.items]) for r in results]

    found = scan_inbox(small_inbox)
    one = pipeline.process_files(found.files, found.units)
    two = pipeline.process_files(found.files, found.units, workers=2)
    assert rows(one) == rows(two)
    assert [r.document for r in one] == [r.document for r in two]


def test_batches_of_a_run_share_one_worker_pool(small_inbox: Path) -> None:
    found = scan_inbox(small_inbox)
    pipeline.process_files(found.files, found.units, workers=2)
    pools = dict(pool._pools)
    again = pipeline.process_files(found.files, found.units, workers=2)
    assert pool._pools == pools and len(pools) == 1  # no new workers started
    assert sum(r.document.ok for r in again) == 4
    pool.shutdown_pools()
    assert not pool._pools


def test_every_review_item_reaches_the_review_pages(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docpipe.classifying import predict
    from docpipe.settings import config_path

    # every item goes to review whatever the model's confidence (the test is about the pages)
    shipped = config_path("taxonomy.toml").read_text("utf-8")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "taxonomy.toml").write_text(
        re.sub(r"(?m)^review_threshold = .*$", "review_threshold = 1.01", shipped), "utf-8")
    monkeypatch.setenv("DOCPIPE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(predict, "_cache", {})  # a classifier holds its taxonomy
    _run(small_inbox, tmp_path / "all")
    queue = (tmp_path / "all" / "review_queue.jsonl").read_text("utf-8").splitlines()
    page = (tmp_path / "all" / "dashboard.html").read_text("utf-8")
    assert f"需人工研判的条目（{len(queue)}条" in page and len(queue) > 1
    listed = "".join(p.read_text("utf-8") for p in (tmp_path / "all" / "review").glob("all-*"))
    assert listed.count("<tr><td>") == len(queue)


def test_the_stage_clock_sees_every_stage_of_every_file(small_inbox: Path) -> None:
    from contextlib import contextmanager

    from docpipe.classifying.predict import load_classifier

    seen: list[str] = []

    @contextmanager
    def clock(stage: str):  # type: ignore[no-untyped-def]
        seen.append(stage)
        yield

    found = scan_inbox(small_inbox)
    results = pipeline.process_chunk(found.files, found.units, load_classifier(None), clock=clock)
    ok = sum(r.document.ok for r in results)
    assert seen.count("read") == len(found.files)
    assert seen.count("describe") == seen.count("split") == ok
    assert seen.count("classify") == 1  # the chunk's items in one call
