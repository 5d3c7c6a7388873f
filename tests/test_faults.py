"""Runs under faults: docpipe's own defects, a second run, a full disk, an unwritable or
damaged output folder, files that change while they are read.

The command line is driven with the Prefect flow replaced by the plain runner (the same batch
loop), so that these tests stay fast; test_flow.py runs the flow itself.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from docpipe import cli
from docpipe.outputs.report import read_report
from docpipe.running import batch, lock, process
from docpipe.storing import catalog as catalog_module
from docpipe.storing.catalog import Catalog, CatalogBusy

DAY = date(2026, 11, 25)
TARGET = "自治区教育厅/座谈会记录.docx"


@pytest.fixture
def flowless(monkeypatch: pytest.MonkeyPatch) -> None:
    """`docpipe run` without Prefect: the flow's entry point calls the plain runner."""
    from docpipe_flows import flow

    def run(inbox: str, out: str, **kw: object) -> object:
        _, report = batch.run_local(inbox, Path(out), catalog=kw.get("catalog"),  # type: ignore[arg-type]
                                    today=DAY)
        return report or read_report(Path(out))

    monkeypatch.setattr(flow, "run", run)


def _docpipe(inbox: Path, out: Path, *extra: str) -> int:
    return cli.main(["run", str(inbox), "--out", str(out), "--quiet", *extra])


def _fragile_split(monkeypatch: pytest.MonkeyPatch, relpaths: set[str] | None = None) -> None:
    real = process.split_items

    def split(document, info):  # type: ignore[no-untyped-def]
        if relpaths is None or any(document.path.endswith(p) for p in relpaths):
            raise KeyError("a defect of ours")
        return real(document, info)

    monkeypatch.setattr(process, "split_items", split)


# --- docpipe's own defects ------------------------------------------------------------------


def test_an_internal_error_is_ours_named_and_retried(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _fragile_split(monkeypatch, {TARGET})
    _, report = batch.run_local(small_inbox, out, today=DAY)
    assert report is not None
    assert [e.path for e in report.internal_errors] == [TARGET]
    assert "（split）" in report.internal_errors[0].message
    assert TARGET not in {r.path for r in report.rejected}  # not the sender's rejection
    docs = {d["path"]: d for d in map(json.loads, (out / "documents.jsonl").read_text(
        "utf-8").splitlines())}
    assert docs[TARGET]["status"] == "failed" and docs[TARGET]["error_code"] == "internal_error"
    assert "docpipe defects" in (out / "report.md").read_text("utf-8")
    assert "（超过允许的 5%）" in batch.failed_run(report)  # 1 file of 5 is over 5 %
    assert batch.failed_run(report, share=0.5) == ""

    monkeypatch.undo()  # the defect is fixed: the next run reads the file again
    plan, report = batch.run_local(small_inbox, out, today=DAY)
    assert [f.relpath for f in plan.todo] == [TARGET]
    assert report is not None and report.internal_errors == ()
    assert batch.run_local(small_inbox, out, today=DAY)[0].up_to_date


def test_a_run_where_too_many_files_hit_defects_exits_1(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], flowless: None,
) -> None:
    _fragile_split(monkeypatch)
    assert _docpipe(small_inbox, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "4/5 份文件未能处理" in err and "internal failure" not in err
    monkeypatch.setenv("DOCPIPE_MAX_INTERNAL_ERRORS", "0.9")
    assert _docpipe(small_inbox, tmp_path / "out") == 0


def test_a_draft_that_fails_does_not_stop_the_others(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docpipe.outputs import drafts

    real = drafts.write_draft

    def write_draft(folder, stem, draft, *a):  # type: ignore[no-untyped-def]
        if folder.name == "自治区教育厅" and stem == "opinions":
            raise ValueError("a defect in one draft")
        return real(folder, stem, draft, *a)

    monkeypatch.setattr(drafts, "write_draft", write_draft)
    out = tmp_path / "out"
    _, report = batch.run_local(small_inbox, out, today=DAY)
    assert report is not None
    assert [e.path for e in report.internal_errors] == ["units/自治区教育厅/opinions"]
    assert "output" in batch.failed_run(report) or "输出" in batch.failed_run(report)
    assert (out / "units" / "自治区教育厅" / "summary.docx").is_file()
    assert (out / "units" / "自治区财政厅" / "opinions.docx").is_file()
    assert (out / "progress.docx").is_file() and (out / "items.jsonl").is_file()
    monkeypatch.undo()  # not marked completed: the next run writes the missing draft
    plan, _ = batch.run_local(small_inbox, out, today=DAY)
    assert not plan.up_to_date
    assert (out / "units" / "自治区教育厅" / "opinions.docx").is_file()


# --- one run per output folder ----------------------------------------------------------------

_HOLD = """
import sys, time
from pathlib import Path
from docpipe.running.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(out), "1.5"],
                            stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield out, proc
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_a_second_run_stops_at_once_naming_the_first(
    small_inbox: Path, holder: tuple[Path, subprocess.Popen[str]],
    capsys: pytest.CaptureFixture[str], flowless: None,
) -> None:
    out, proc = holder
    started = time.monotonic()
    assert _docpipe(small_inbox, out) == 1
    assert time.monotonic() - started < 1.0
    err = capsys.readouterr().err
    assert f"进程 {proc.pid}" in err and "正被另一次 docpipe 运行使用" in err and "--wait" in err
    assert not (out / "report.json").exists()


def test_a_second_run_waits_with_wait(
    small_inbox: Path, holder: tuple[Path, subprocess.Popen[str]]
) -> None:
    out, proc = holder
    with pytest.raises(lock.RunBusy, match=r"等待 0\.2 秒后仍"):
        batch.run_local(small_inbox, out, today=DAY, wait=0.2)
    _, report = batch.run_local(small_inbox, out, today=DAY, wait=30)
    assert proc.poll() is not None and report is not None  # it ran once the first had ended
    assert not (out / lock.LOCK_FILE).exists()


def test_a_stale_lock_is_taken_over(small_inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (out / lock.LOCK_FILE).write_text(json.dumps(
        {"pid": int(dead.stdout), "host": os.uname().nodename, "started": "2026-11-24T02:00"}))
    _, report = batch.run_local(small_inbox, out, today=DAY)
    assert report is not None and not (out / lock.LOCK_FILE).exists()


def test_temporaries_of_another_live_run_are_left_alone(tmp_path: Path) -> None:
    from docpipe.fsutil import remove_stale_temps, run_tag

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        host = run_tag().split("h", 1)[1]
        live = tmp_path / f".items.jsonl.p{other.pid}h{host}.abc.tmp"
        mine = tmp_path / f".items.jsonl.{run_tag()}.def.tmp"
        remote = tmp_path / ".items.jsonl.p1h000000.ghi.tmp"
        for p in (live, mine, remote):
            p.write_bytes(b"half")
        assert remove_stale_temps(tmp_path) == [mine]
    finally:
        other.kill()
        other.wait()
    assert remove_stale_temps(tmp_path) == [live]  # its process is gone now


# --- the catalog: readers, busy, damaged ------------------------------------------------------


def test_readers_do_not_wait_for_a_writer_and_a_busy_catalog_says_busy(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    batch.run_local(small_inbox, out, today=DAY)
    path = out / "catalog.sqlite"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another run, in the middle of a batch
    try:
        monkeypatch.setattr(catalog_module, "_BUSY_WAIT", 0.2)
        with Catalog(path, readonly=True) as reader:
            assert len(reader.results(with_text=False)) == 5
        with Catalog(path) as db:  # opening a current catalog takes no write lock
            assert len(db.fingerprints()) == 5
            with pytest.raises(CatalogBusy, match="is busy"):
                db.forget_missing([])
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.parametrize("where", ["header", "pages"])
def test_a_damaged_catalog_is_named_and_rebuilt(
    small_inbox: Path, tmp_path: Path, where: str,
    capsys: pytest.CaptureFixture[str], flowless: None,
) -> None:
    out = tmp_path / "out"
    assert _docpipe(small_inbox, out) == 0
    reference = (out / "items.jsonl").read_bytes()
    path = out / "catalog.sqlite"
    data = bytearray(path.read_bytes())
    start = 0 if where == "header" else 4096
    data[start:] = b"\xa5" * (len(data) - start)
    path.write_bytes(bytes(data))
    (small_inbox / "情况报告.docx").touch()  # something to do, so that the catalog is read
    capsys.readouterr()
    assert _docpipe(small_inbox, out) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and "--rebuild-catalog" in err and "internal failure" not in err

    assert _docpipe(small_inbox, out, "--rebuild-catalog") == 0
    assert list(out.glob("catalog.sqlite.damaged-*"))
    assert (out / "items.jsonl").read_bytes() == reference
    with Catalog(path, readonly=True) as db:
        assert len(db.results(with_text=False)) == 5


# --- the disk ------------------------------------------------------------------------------


def _whole(out: Path) -> dict[str, bytes]:
    """Every output, each checked to parse: none may be half-written."""
    files = {}
    for p in sorted(out.rglob("*")):
        if (not p.is_file() or p.name.startswith(("catalog.sqlite", "."))
                or p.parent.name == "history"):  # the baseline a run keeps before writing
            continue
        data = p.read_bytes()
        if p.suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                assert zf.testzip() is None
        elif p.suffix == ".json":
            json.loads(data)
        elif p.suffix == ".jsonl":
            [json.loads(line) for line in data.splitlines()]
        files[str(p.relative_to(out))] = data
    return files


def _edit(inbox: Path) -> None:
    from conftest import write_docx

    write_docx(inbox / "自治区财政厅" / "补充意见.docx",
               ["补充意见建议", "1.有的干部工作日中午饮酒，作风松散。"])


def test_a_full_disk_stops_the_run_and_keeps_the_old_outputs(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], flowless: None,
) -> None:
    """ENOSPC simulated: every output write past the first few fails as a full disk would."""
    out = tmp_path / "out"
    assert _docpipe(small_inbox, out) == 0
    before = _whole(out)
    _edit(small_inbox)
    real, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    capsys.readouterr()
    assert _docpipe(small_inbox, out) == 1
    assert "no space left" in capsys.readouterr().err
    monkeypatch.undo()
    after = _whole(out)  # every file parses: old, or new and whole
    assert after.keys() == before.keys()
    assert not list(out.rglob("*.tmp"))
    assert not batch.run_local(small_inbox, out, today=DAY)[0].up_to_date  # redone


def _can_mount() -> bool:
    return os.geteuid() == 0 and sys.platform.startswith("linux") and Path("/bin/mount").exists()


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small real file system (1 MB tmpfs) as the output folder; root only."""
    if not _can_mount():
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "small"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)],
                          capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr!r}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_real_full_disk_keeps_the_old_outputs(
    small_inbox: Path, tmpfs: Path, capsys: pytest.CaptureFixture[str], flowless: None,
) -> None:
    out = tmpfs / "out"
    assert _docpipe(small_inbox, out) == 0
    before = _whole(out)
    _edit(small_inbox)
    filler = tmpfs / "filler"
    with filler.open("wb") as fh:  # fill the disk to the last block
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    capsys.readouterr()
    assert _docpipe(small_inbox, out) == 1
    err = capsys.readouterr().err
    assert "no space left" in err.lower() and "internal failure" not in err
    assert _whole(out).keys() == before.keys()
    filler.unlink()
    assert _docpipe(small_inbox, out) == 0  # with room again, the run completes
    assert "补充意见.docx" in (out / "documents.jsonl").read_text("utf-8")


def test_an_unwritable_out_is_a_clear_usage_error(
    small_inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flowless: None,
) -> None:
    (tmp_path / "a-file").write_text("x")
    assert _docpipe(small_inbox, tmp_path / "a-file" / "out") == 2
    err = capsys.readouterr().err
    assert "无法写入" in err and "not writable" in err and len(err.splitlines()) == 1
    if os.geteuid() != 0:  # root writes anywhere: a read-only folder stops others only
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        assert _docpipe(small_inbox, ro / "out") == 2


# --- files that change while they are read ----------------------------------------------------


def test_a_file_deleted_or_rewritten_while_read(
    small_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import write_docx

    gone = small_inbox / "情况报告.docx"
    changed = small_inbox / TARGET
    kept = gone.read_bytes()
    real = process.read_docx

    def read_docx(path, limits):  # type: ignore[no-untyped-def]
        if path == str(gone):
            gone.unlink()  # deleted between the scan and the read
        if path == str(changed):  # rewritten between the plan and the read
            write_docx(changed, ["座谈会记录", "1.希望领导多下基层调研，少开会。"])
        return real(path, limits)

    monkeypatch.setattr(process, "read_docx", read_docx)
    out = tmp_path / "out"
    _, report = batch.run_local(small_inbox, out, today=DAY)
    assert report is not None
    assert [r.error_code for r in report.rejected if r.path == "情况报告.docx"] == ["unreadable"]
    monkeypatch.undo()
    gone.write_bytes(kept)  # it comes back; the rewritten one is read once more
    plan, report = batch.run_local(small_inbox, out, today=DAY)
    assert {f.relpath for f in plan.todo} == {"情况报告.docx", TARGET}
    assert report is not None and not report.rejected[1:]
    items = (out / "items.jsonl").read_text("utf-8")
    assert "希望领导多下基层调研" in items
