"""The reader's stated bounds, measured: peak memory per file and time per file.

Each case runs in a fresh process so that its peak RSS (VmHWM) belongs to that file alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crafted import document_xml, docx, p, replace_member

PEAK_LIMIT_MIB = 512

_PROBE = """
def peak_mib():
    # VmHWM belongs to this process image; ru_maxrss would keep the forking parent's peak
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
import json, sys, time
from docpipe.reading.ingest import read_docx
start = time.monotonic()
doc = read_docx(sys.argv[1])
print(json.dumps({"status": doc.status.value, "code": doc.error_code and doc.error_code.value,
                  "seconds": time.monotonic() - start,
                  "peak_mib": peak_mib()}))
"""


def _probe(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def _bomb(tmp_path: Path) -> Path:
    """About 150 MB of XML once inflated, a few hundred KB on disk (ratio far over the limit)."""
    head, tail = document_xml("").split(b"<w:body>")
    xml = head + b"<w:body>" + p("形式主义" * 64).encode() * 262_144 + tail
    path = tmp_path / "bomb.docx"
    path.write_bytes(replace_member(docx(), "word/document.xml", xml))
    return path


@pytest.mark.slow
def test_decompression_bomb_is_refused_within_the_memory_bound(tmp_path: Path) -> None:
    result = _probe(_bomb(tmp_path))
    assert result["status"] == "rejected" and result["code"] == "too_large"
    assert result["peak_mib"] < PEAK_LIMIT_MIB
    assert result["seconds"] < 30  # the default max_seconds


@pytest.mark.slow
def test_a_large_valid_document_stays_within_the_memory_bound(tmp_path: Path) -> None:
    paragraphs = "".join(
        p(f"第{i}条意见：会议太多，文件太多，基层疲于应付各种检查考核。" * 8) for i in range(20_000)
    )  # about 5 million characters
    path = tmp_path / "large.docx"
    path.write_bytes(docx(paragraphs))
    result = _probe(path)
    assert result["status"] == "ok"
    assert result["peak_mib"] < PEAK_LIMIT_MIB
