"""What `docpipe run` says on the terminal: path checks, progress, interrupts, failures."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docpipe.cli import main
from docpipe.console import PathProblem, Progress, check_run_paths, write_trace
from docpipe.outputs.locate import clerk_locator


def test_out_inside_the_inbox_and_inbox_inside_out_are_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with pytest.raises(PathProblem, match="不能放在收件箱内"):
        check_run_paths(inbox, inbox / "outputs", None, None)
    with pytest.raises(PathProblem, match="不能放在收件箱内"):
        check_run_paths(inbox, inbox, None, None)
    with pytest.raises(PathProblem, match="收件箱不能放在输出文件夹内"):
        check_run_paths(inbox, tmp_path, None, None)


def test_unusable_out_catalog_and_model_are_usage_errors(tmp_path: Path, capsys) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    cases = [
        (["--out", str(a_file)], "不是文件夹"),
        (["--out", str(a_file / "sub")], "无法写入"),
        (["--out", str(tmp_path / "o"), "--catalog", "postgresql://db/x"], "--catalog"),
        (["--out", str(tmp_path / "o"), "--catalog", str(a_file)], "不是 docpipe 目录库"),
        (["--out", str(tmp_path / "o"), "--model", str(tmp_path)], "--model 指向一个文件夹"),
        (["--out", str(tmp_path / "o"), "--model", str(a_file)], "不是 docpipe 模型"),
    ]
    for extra, words in cases:
        started = time.monotonic()
        assert main(["run", str(inbox), *extra]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err  # one line, Chinese and English
        assert " / " in err and time.monotonic() - started < 5  # before Prefect starts


def test_progress_is_quiet_off_a_terminal_and_counts_files_and_units() -> None:
    stream = io.StringIO()
    quiet = Progress(stream)  # a StringIO is not a terminal
    with quiet.stage("process"):
        quiet.files(3)
    assert stream.getvalue() == ""
    shown = Progress(io.StringIO(), show=True)

    class Plan:
        todo = range(10)

    shown.planned(Plan())
    with shown.stage("process"):
        time.sleep(0.11)  # redrawn at most ten times a second
        shown.files(4)
    assert "读取与分类" in shown.stream.getvalue() and "4/10个文件" in shown.stream.getvalue()
    assert shown.where() == "读取与分类阶段（已读取4/10个文件）"
    with shown.stage("outputs"):
        shown.units(2, 16)
    assert shown.where() == "写出报告与草稿阶段（已写出2/16个单位）"


def test_the_trace_of_an_internal_failure_goes_to_a_file(tmp_path: Path) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        path = write_trace(exc, [tmp_path / "logs"])
    assert path is not None and path.parent == tmp_path / "logs"
    assert "RuntimeError: boom" in path.read_text("utf-8")


def test_internal_failure_prints_one_paragraph(tmp_path: Path, monkeypatch, capsys) -> None:
    from docpipe import cli

    def broken(args, progress):  # a defect of ours, past the checks
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "_run_flow", broken)
    (tmp_path / "inbox").mkdir()
    assert main(["run", str(tmp_path / "inbox"), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "内部错误" in err and err.count("\n") == 2
    logs = list((tmp_path / "out" / "logs").glob("docpipe-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "ZeroDivisionError" in logs[0].read_text("utf-8")


def test_an_interrupt_stops_at_once_and_says_where(tmp_path: Path) -> None:
    """SIGINT as Ctrl-C sends it: exit 130 at once, no traceback, the rerun command shown."""
    script = (
        "import sys, time\n"
        "from docpipe.console import Progress, stop_on_interrupt\n"
        "p = Progress(show=False)\n"
        "with stop_on_interrupt(p, 'docpipe run IN --out OUT'):\n"
        "    with p.stage('process'):\n"
        "        print('ready', flush=True)\n"
        "        time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    started = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=10)
    assert child.returncode == 130 and time.monotonic() - started < 5
    assert "Traceback" not in err and "已中断：停在读取与分类阶段" in err
    assert "docpipe run IN --out OUT" in err


@pytest.mark.parametrize(("stored", "shown"), [
    ("p15", "第15段"), ("p15.1", "第15段第1项"), ("t1r16", "表1第16行"),
    ("t2r3.2", "表2第3行第2项"), ("", ""), ("封面", "封面"),
])
def test_locators_as_a_clerk_finds_them(stored: str, shown: str) -> None:
    assert clerk_locator(stored) == shown
