from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from docpipe.cli import main


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_extract_reports_ok_and_rejected_files(small_inbox: Path, capsys) -> None:
    good = small_inbox / "自治区教育厅" / "座谈会记录.docx"
    bad = small_inbox / "自治区财政厅" / "说明.docx"
    assert main(["extract", str(good), str(bad)]) == 0
    ok, rejected = _lines(capsys.readouterr().out)
    assert ok["status"] == "ok" and ok["error_code"] is None
    assert len(ok["sha256"]) == 64
    assert "二、关于服务群众" in ok["paragraphs"]
    assert rejected["status"] == "rejected"
    assert rejected["error_code"] == "not_word"
    assert rejected["message"]
    assert rejected["paragraphs"] == []


def test_extract_structure_adds_tables(small_inbox: Path, capsys) -> None:
    path = small_inbox / "自治区财政厅" / "意见建议汇总表.docx"
    assert main(["extract", "--structure", str(path)]) == 0
    (row,) = _lines(capsys.readouterr().out)
    assert row["tables"][0]["rows"][0] == ["序号", "意见内容", "提出方式"]


def test_items_carry_the_contract_fields(small_inbox: Path, capsys) -> None:
    path = small_inbox / "自治区财政厅" / "意见建议汇总表.docx"
    assert main(["items", str(path)]) == 0
    rows = _lines(capsys.readouterr().out)
    assert len(rows) == 5
    assert [r["index"] for r in rows] == [1, 2, 3, 4, 5]
    assert {r["unit"] for r in rows} == {"自治区财政厅"}
    assert all(r["path"].endswith("意见建议汇总表.docx") and r["doc_type"] for r in rows)
    assert rows[1]["text"].startswith("个别窗口工作人员态度生硬")
    assert rows[1]["fields"].get("提出方式") == "意见箱"


def test_classify_reads_plain_lines_and_json(monkeypatch, capsys) -> None:
    from docpipe.taxonomy import load_taxonomy

    stdin = (
        "会议太多，文件太多，基层疲于应付各种检查考核\n\n"
        + json.dumps({"text": "节日期间用公款购买购物卡发放给职工"}, ensure_ascii=False)
        + "\n"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(["classify"]) == 0
    rows = _lines(capsys.readouterr().out)
    assert len(rows) == 2
    labels = set(load_taxonomy().labels)
    for row in rows:
        assert set(row["probabilities"]) == labels
        assert abs(sum(row["probabilities"].values()) - 1) < 1e-3
        assert row["label"] in labels and isinstance(row["needs_review"], bool)
    assert rows[0]["text"].startswith("会议太多")


def test_classify_rejects_json_without_text(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"body": "x"}\n'))
    assert main(["classify"]) == 2
    assert "text" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["run"], ["bogus"]])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        code = main(argv)
        raise SystemExit(code)
    assert exc.value.code == 2


def test_run_on_a_missing_inbox_exits_2_before_starting_prefect(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "docpipe.cli",
            "run",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "inbox folder not found" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_extract_missing_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["extract", str(tmp_path / "missing.docx")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_readme_prefect_commands_run_offline() -> None:
    """Every Prefect command of the README's nightly section runs after the offline exports."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("### Scheduling", 1)[1].split("###", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    assert "PREFECT_SERVER_ANALYTICS_ENABLED=false" in lines[0] and "DO_NOT_TRACK=1" in lines[0]
    assert any("docpipe server" in line for line in lines)
    assert "prefect server start" not in block  # the server too starts through docpipe
    from docpipe_flows.env import server_command

    command, env = server_command("127.0.0.1", 4200)
    assert command[1:3] == ["server", "start"]
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and env["DO_NOT_TRACK"] == "1"


def test_serve_refuses_without_a_reachable_api(tmp_path: Path, monkeypatch, capsys) -> None:
    from docpipe.cli import main

    (tmp_path / "inbox").mkdir()
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert main(["serve", str(tmp_path / "inbox"), "--out", str(tmp_path / "out")]) == 2
    assert "PREFECT_API_URL" in capsys.readouterr().err
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    assert main(["serve", str(tmp_path / "inbox"), "--out", str(tmp_path / "out")]) == 2
    assert "无法连接" in capsys.readouterr().err
