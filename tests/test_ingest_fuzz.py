"""Property: whatever happens to a valid .docx's bytes, the reader answers OK or a known refusal.

It never raises, never hangs past its time limit, and an OK answer is a well-formed record.
"""

from __future__ import annotations

import io
import time
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crafted import docx, p, replace_member, tbl
from docpipe.reading.ingest import Limits, read_docx_bytes
from docpipe.records import DocStatus, ErrorCode

NUMBERING = ("<w:abstractNum w:abstractNumId='0'><w:lvl w:ilvl='0'><w:start w:val='1'/>"
             "<w:numFmt w:val='chineseCounting'/><w:lvlText w:val='%1、'/></w:lvl>"
             "</w:abstractNum><w:num w:numId='1'><w:abstractNumId w:val='0'/></w:num>")
BODY = (p("关于征求意见的汇总", style="Title") + p("会议过多", num=(1, 0))
        + p("公车私用", num=(1, 0))
        + tbl([[p("序号"), p("意见内容")], [p("1"), p("希望领导多下基层")]]))
VALID = docx(BODY, numbering=NUMBERING, headers=(p("页眉"),))
LIMITS = Limits(max_seconds=5.0, max_file_bytes=2**20, max_part_bytes=2**20,
                max_total_bytes=4 * 2**20)
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, *, recover: bool = False) -> None:
    start = time.monotonic()
    doc = read_docx_bytes(data, "fuzz.docx", LIMITS, recover=recover)
    assert time.monotonic() - start < LIMITS.max_seconds + 2
    assert len(doc.sha256) == 64 and doc.message.isprintable()
    assert doc.error_code is not ErrorCode.INTERNAL_ERROR, doc.message
    if doc.status is DocStatus.OK:
        assert doc.error_code is None and len(doc.text_hash) == 64
        assert all(isinstance(par.text, str) for par in doc.paragraphs)
    else:
        assert doc.status is DocStatus.REJECTED and doc.error_code is not None and doc.message


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8))
def test_flipped_bytes(flips: list[tuple[int, int]]) -> None:
    data = bytearray(VALID)
    for at, value in flips:
        data[at] = value
    check(bytes(data))


@FUZZ
@given(st.integers(0, len(VALID)), st.binary(max_size=64))
def test_truncated_or_inserted_bytes(cut: int, inserted: bytes) -> None:
    check(VALID[:cut])
    check(VALID[:cut] + inserted + VALID[cut:])


_XML = st.sampled_from([
    b"<", b">", b"&", b"</w:p>", b"<w:p>", b"<w:tbl>", b"<w:tc>", b"\xff", b"\x00", b"\x01",
    b"<!DOCTYPE x>", b'<w:fldChar w:fldCharType="begin"/>', b'<w:numPr><w:numId w:val="1"/>',
    b"<mc:AlternateContent><mc:Choice>", b'<w:gridSpan w:val="99999"/>', b"<w:sdt>",
])


@FUZZ
@given(st.sampled_from(["word/document.xml", "word/numbering.xml", "word/header1.xml",
                        "[Content_Types].xml", "word/_rels/document.xml.rels"]),
       st.lists(st.tuples(st.floats(0, 1), _XML), min_size=1, max_size=5), st.booleans())
def test_mutated_xml_members(member: str, edits: list[tuple[float, bytes]], recover: bool) -> None:
    with zipfile.ZipFile(io.BytesIO(VALID)) as zf:
        xml = zf.read(member)
    for where, snippet in edits:
        at = int(where * len(xml))
        xml = xml[:at] + snippet + xml[at:]
    check(replace_member(VALID, member, xml), recover=recover)
