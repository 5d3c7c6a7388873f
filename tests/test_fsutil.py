"""Atomic writes: an output is either complete or absent, never half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docpipe.fsutil import atomic_write_bytes, atomic_writer, remove_stale_temps


def test_piecewise_write_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "items.jsonl"
    with atomic_writer(target) as fh:
        fh.write(b"one\n")
        assert not target.exists()  # nothing visible under the name yet
        fh.write(b"two\n")
    assert target.read_bytes() == b"one\ntwo\n"
    assert [p.name for p in target.parent.iterdir()] == ["items.jsonl"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = atomic_write_bytes(tmp_path / "report.json", b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_outputs_follow_the_umask_not_mkstemp(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = atomic_write_bytes(tmp_path / "a.txt", b"x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_stale_temps_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".items.jsonl.abc123.tmp").write_bytes(b"half")
    kept = atomic_write_bytes(tmp_path / "items.jsonl", b"whole")
    assert remove_stale_temps(tmp_path) == [tmp_path / ".items.jsonl.abc123.tmp"]
    assert list(tmp_path.iterdir()) == [kept]
