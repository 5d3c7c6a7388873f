"""Killed with SIGKILL mid-run, then rerun: the outputs equal those of an uninterrupted run."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "inbox"
UNITS = ("自治区财政厅", "自治区教育厅", "自治区水利厅", "自治区卫生厅")


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "units.csv", inbox / "units.csv")
    for unit in UNITS:
        shutil.copytree(SAMPLES / unit, inbox / unit)
    return inbox


def _command(inbox: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "docpipe.cli",
        "run",
        str(inbox),
        "--out",
        str(out),
        "--batch-size",
        "3",
    ]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    return env


def _stored(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / 'catalog.sqlite'}?mode=ro", uri=True) as db:
            return int(db.execute("select count(*) from documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith("catalog.sqlite")
    }


def test_sigkill_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    inbox, out, env = _inbox(tmp_path), tmp_path / "out", _env(tmp_path)
    subprocess.run(_command(inbox, out), env=env, check=True, capture_output=True, timeout=300)
    reference = _snapshot(out)
    shutil.rmtree(out)

    # its own process group, so that the kill takes Prefect's temporary server down with it
    proc = subprocess.Popen(
        _command(inbox, out),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while _stored(out) < 6 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    killed_at = _stored(out)
    assert 0 < killed_at < sum(1 for _ in inbox.rglob("*.docx"))

    subprocess.run(_command(inbox, out), env=env, check=True, capture_output=True, timeout=300)
    after = _snapshot(out)
    assert after.keys() == reference.keys()
    assert after == reference
    assert not [p for p in out.rglob("*.tmp")]
    with sqlite3.connect(out / "catalog.sqlite") as db:
        paths = [r[0] for r in db.execute("select path from documents")]
    assert len(paths) == len(set(paths)) == sum(1 for _ in inbox.rglob("*.docx"))
