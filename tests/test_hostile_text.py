"""Any text goes through to every output: items → drafts (.docx) → dashboard → JSON lines.

Control characters, lone surrogates, bidirectional marks, long lines, markup and text that
looks like a spreadsheet formula, in item texts, headings, unit names and file names: every
output is written and parseable, and what XML cannot hold shows as a visible mark.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docpipe.outputs.write import write_outputs
from docpipe.reading.inbox import Inbox
from docpipe.records import (
    ClassifiedItem,
    DocInfo,
    DocStatus,
    DocumentResult,
    InboxFile,
    Item,
    Paragraph,
    Prediction,
    SourceDocument,
    UnitInfo,
)
from docpipe.storing.catalog import Catalog
from docpipe.taxonomy import load_taxonomy

DAY = date(2026, 11, 25)
_NASTY = ["\x00", "\x01", "\x1b[31m", "\x0b", "\ufffe", "\uffff", "\ud800", "\udcff", "\u202e",
          "\u200f", "\u2066", "<b>&amp;</b>", "]]>", "=HYPERLINK(\"http://x\")", "+1-2", "@SUM(A1)",
          "|表|格|", "# 标题", "`code`", "\r\n", "\t", "会议太多，文件太多。"]
hostile = st.lists(st.one_of(st.sampled_from(_NASTY), st.text(max_size=12)), max_size=8).map(
    "".join)
# file and folder names: what a file system can hold (no "/" or NUL; undecodable bytes come
# back from os.fsdecode as \udc80-\udcff)
name_chars = st.one_of(st.sampled_from(["\x01", "\x1f", "\u202e", "<i>", "=1+1", "\udc81",
                                        "意见", " ", "."]),
                       st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"))
names = st.lists(name_chars, min_size=1, max_size=10).map("".join).filter(
    lambda n: n not in (".", "..") and len(os.fsencode(n)) < 200)


def _result(root: Path, unit: str, name: str, texts: list[str], heading: str, n: int
            ) -> DocumentResult:
    path = str(root / unit / f"{name}-{n}.docx")
    relpath = f"{unit}/{name}-{n}.docx"
    sha = hashlib.sha256(f"{n}{relpath}".encode("utf-8", "surrogatepass")).hexdigest()
    document = SourceDocument(
        path=path, sha256=sha, status=DocStatus.OK, text_hash=sha,
        paragraphs=(Paragraph(heading, style="Title"), *(Paragraph(t) for t in texts)),
    )
    info = DocInfo("征求意见汇总", 0.9, unit, "folder", True, title=heading)
    labels = load_taxonomy().labels
    items = tuple(
        ClassifiedItem(
            Item(path, unit, "征求意见汇总", i, text, heading_path=(heading,), locator=f"p{i}"),
            Prediction(labels[i % len(labels)], {labels[i % len(labels)]: 0.5},
                       labels[i % len(labels)], needs_review=True),
        )
        for i, text in enumerate(texts)
    )
    return DocumentResult(InboxFile(path, relpath, unit), document, info, items)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(units=st.lists(names, min_size=1, max_size=3, unique=True),
       file_name=names, texts=st.lists(hostile, min_size=1, max_size=4), heading=hostile,
       long_line=st.booleans())
def test_any_text_reaches_every_output(tmp_path: Path, units: list[str], file_name: str,
                                       texts: list[str], heading: str, long_line: bool) -> None:
    work = tmp_path / hashlib.sha1(repr((units, file_name, texts)).encode(
        "utf-8", "surrogatepass")).hexdigest()
    shutil.rmtree(work, ignore_errors=True)
    root, out = work / "inbox", work / "out"
    if long_line:
        texts = [*texts, "有的干部" * 50_000 + "\x02"]  # 200,000 characters in one line
    results = [_result(root, unit, file_name, texts, heading, n) for n, unit in enumerate(units)]
    inbox = Inbox(str(root), {u: UnitInfo(u, group="第一组") for u in units},
                  tuple(r.source for r in results))
    with Catalog(out / "catalog.sqlite") as db:
        db.store_many(results, "test-model")
        report = write_outputs(out, inbox, db, load_taxonomy(), "test-model", today=DAY)

    assert report.internal_errors == ()
    for path in map(Path, report.outputs.values()):
        assert path.is_file(), path
        _parse(path)
    items = (out / "items.jsonl").read_bytes().splitlines()
    assert len(items) == len(units) * len(texts)
    assert {json.loads(line)["text"] for line in items} <= {
        t.encode("utf-8", "backslashreplace").decode("utf-8") for t in texts} | set(texts)
    assert not list(out.rglob("*.tmp"))


def _parse(path: Path) -> None:
    """Every output parses in its own format."""
    data = path.read_bytes()
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.endswith(".xml") or name.endswith(".rels"):
                    etree.fromstring(zf.read(name))  # well-formed XML, or this raises
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".jsonl":
        for line in data.splitlines():
            json.loads(line)
    elif path.suffix == ".html":
        HTMLParser().feed(data.decode("utf-8"))
    else:
        data.decode("utf-8")


def test_control_characters_show_as_marks_in_a_draft() -> None:
    from docx import Document

    from docpipe.outputs.officedoc import Block, BlockKind, Draft, render_docx

    draft = Draft(kind="t", title="意见\x01汇总\ud800", blocks=(
        Block(BlockKind.PARAGRAPH, "甲\x02乙\ufffe丙"),
        Block(BlockKind.TABLE, rows=(("文件", "单位"), ("意见\x01汇总.docx", "教育厅\x1f"))),
    ))
    doc = Document(io.BytesIO(render_docx(draft)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "意见␁汇总\\ud800" in text and "甲␂乙\ufffd丙" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "意见␁汇总.docx" in cells and "教育厅␟" in cells
    assert doc.core_properties.title == "意见␁汇总\\ud800"
