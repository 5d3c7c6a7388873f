"""Killed with SIGKILL mid-run, then rerun: the outputs equal those of an uninterrupted run.

Once under Prefect at a timed point, and at each of several chosen points of the plain runner
(the same batch loop): while the batches are recorded, before the re-split, at the start of the
outputs, in the middle of the drafts, and just before the run is marked completed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

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


@pytest.mark.slow
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


# The plain runner in a child process that kills itself (SIGKILL) at one point of the run:
# "stage:N" at the N-th entry into a stage of the batch loop, "draft:N" at the N-th draft
# written, "completed" just before the completed state is written.
_KILLED_RUN = """
import os, signal, sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from docpipe.outputs import drafts
from docpipe.running import batch
from docpipe.storing import incremental

inbox, out, point = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
kind, _, nth = point.partition(":")
seen = {}

def reached(name):
    seen[name] = seen.get(name, 0) + 1
    if name == kind and seen[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)

@contextmanager
def stage(name):
    reached(name)
    yield

real_draft, real_mark = drafts.write_draft, incremental.mark_completed
def write_draft(*a, **k):
    reached("draft")
    return real_draft(*a, **k)
def mark_completed(*a, **k):
    reached("completed")
    return real_mark(*a, **k)
drafts.write_draft, incremental.mark_completed = write_draft, mark_completed
batch.run_local(inbox, out, batch_size=2, today=date(2026, 11, 25),
                hooks=batch.Hooks(stage=stage))
"""
POINTS = ("catalog:2", "resplit", "outputs", "draft:4", "completed")


def _killed_run(inbox: Path, out: Path, point: str) -> int:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-c", _KILLED_RUN, str(inbox), str(out), point],
                          env=env, capture_output=True, timeout=120).returncode


def test_killed_at_each_point_then_rerun_equals_an_uninterrupted_run(
    small_inbox: Path, tmp_path: Path
) -> None:
    from docpipe.running import batch
    from docpipe.storing.incremental import STATE_FILE

    reference_out = tmp_path / "reference"
    batch.run_local(small_inbox, reference_out, batch_size=2, today=date(2026, 11, 25))
    reference = _here(reference_out)
    for point in POINTS:
        out = tmp_path / point.replace(":", "-")
        assert _killed_run(small_inbox, out, point) == -signal.SIGKILL, point
        assert not (out / STATE_FILE).exists(), point
        assert _killed_run(small_inbox, out, "none") == 0, point  # the rerun
        after = _here(out)
        assert after.keys() == reference.keys(), point
        assert after == reference, point
        assert not list(out.rglob("*.tmp")), point


def _here(out: Path) -> dict[str, bytes]:
    """The snapshot with the output folder's own name (in the reports) made neutral."""
    return {name: data.replace(str(out).encode(), b"OUT")
            for name, data in _snapshot(out).items()}
