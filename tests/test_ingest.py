"""The reader's refusals: one test (at least) per ErrorCode, each input built in the test."""

from __future__ import annotations

import io
import os
import struct
import zipfile

import pytest

import docpipe.reading.ingest as ingest
from crafted import DOCM_MAIN, document_xml, docx, ole2, p, replace_member, zip_of
from docpipe.reading.ingest import Limits, read_docx, read_docx_bytes
from docpipe.reading.ooxml.guard import Deadline
from docpipe.reading.ooxml.package import _ole2_stream_names
from docpipe.records import DocStatus, ErrorCode

GOOD = docx(p("加强作风建设"))


def code_of(data: bytes, **kwargs: object) -> ErrorCode | None:
    doc = read_docx_bytes(data, **kwargs)  # type: ignore[arg-type]
    assert doc.sha256 and doc.message.isprintable()
    assert (doc.status is DocStatus.OK) == (doc.error_code is None)
    return doc.error_code


def test_good_package_reads() -> None:
    doc = read_docx_bytes(GOOD)
    assert doc.ok and doc.texts == ("加强作风建设",) and doc.size == len(GOOD)


def test_empty_file() -> None:
    doc = read_docx_bytes(b"")
    assert doc.error_code is ErrorCode.EMPTY_FILE and doc.sha256 == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


@pytest.mark.parametrize(("data", "named"), [
    ("意见：会议太多。\n".encode(), "plain text"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"{\\rtf1\\ansi hello}", "RTF"),
    (zip_of({"notes.txt": b"hello", "photo.jpg": b"\xff\xd8\xff"}), "zip archive"),
    (zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"}), "OpenDocument"),
    (ole2("Workbook"), "Excel"),
])
def test_not_word(data: bytes, named: str) -> None:
    doc = read_docx_bytes(data, "意见.docx")
    assert doc.error_code is ErrorCode.NOT_WORD and named in doc.message


def test_spreadsheet_package_is_not_word() -> None:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    doc = read_docx_bytes(docx(p("x"), main="xl/workbook.xml", main_type=sheet))
    assert doc.error_code is ErrorCode.NOT_WORD and "Excel" in doc.message


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.95])
def test_truncated_zip_is_corrupt(cut: float) -> None:
    assert code_of(GOOD[: int(len(GOOD) * cut)]) is ErrorCode.CORRUPT_ZIP


def test_bad_crc_is_corrupt() -> None:
    with zipfile.ZipFile(io.BytesIO(docx(p("abc")))) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    stored = zip_of(members, compression=zipfile.ZIP_STORED)
    at = stored.index(b"abc")
    assert code_of(stored[:at] + b"abd" + stored[at + 3:]) is ErrorCode.CORRUPT_ZIP


def test_broken_deflate_stream_is_corrupt() -> None:
    with zipfile.ZipFile(io.BytesIO(GOOD)) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    broken = bytearray(GOOD)
    broken[start: start + 8] = b"\xff" * 8  # reserved deflate block type
    assert code_of(bytes(broken)) is ErrorCode.CORRUPT_ZIP


def test_missing_main_part() -> None:
    assert code_of(docx(p("x"), omit=("word/document.xml",))) is ErrorCode.MISSING_MAIN_PART


def test_package_without_relationship_or_override_is_missing_main() -> None:
    data = zip_of({"[Content_Types].xml": b"<Types xmlns='x'/>", "word/other.xml": b"<a/>"})
    assert code_of(data) is ErrorCode.MISSING_MAIN_PART


def test_target_climbing_out_of_package_is_never_followed(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Target="../../evil.xml" Type="http://schemas.openxmlformats.'
            'org/officeDocument/2006/relationships/officeDocument"/></Relationships>')
    data = docx(p("x"), package_rels=rels, extra={"../evil.xml": document_xml(p("evil"))},
                omit=("word/document.xml",))
    assert code_of(data) is ErrorCode.MISSING_MAIN_PART
    assert list(tmp_path.iterdir()) == []


def test_legacy_doc() -> None:
    doc = read_docx_bytes(ole2("WordDocument", "1Table", "\x05SummaryInformation"), "旧.docx")
    assert doc.error_code is ErrorCode.LEGACY_DOC and "97-2003" in doc.message


def test_encrypted_docx() -> None:
    assert code_of(ole2("EncryptionInfo", "EncryptedPackage")) is ErrorCode.ENCRYPTED


def test_ole2_directory_is_parsed_not_guessed() -> None:
    names = _ole2_stream_names(ole2("A", "B", "C", "D", "WordDocument"), Deadline(5))
    assert {"Root Entry", "WordDocument", "D"} <= names


def test_macro_enabled_rejected_unless_allowed() -> None:
    data = docx(p("宏"), main_type=DOCM_MAIN, extra={"word/vbaProject.bin": b"\x00" * 16})
    assert code_of(data) is ErrorCode.MACRO_ENABLED
    allowed = read_docx_bytes(data, allow_macros=True)
    assert allowed.ok and "macros" in allowed.flags and allowed.texts == ("宏",)


def test_file_over_size_limit() -> None:
    assert code_of(GOOD, limits=Limits(max_file_bytes=100)) is ErrorCode.TOO_LARGE


def test_part_over_declared_size_limit() -> None:
    assert code_of(GOOD, limits=Limits(max_part_bytes=200)) is ErrorCode.TOO_LARGE


def test_total_over_limit() -> None:
    assert code_of(GOOD, limits=Limits(max_total_bytes=1000)) is ErrorCode.TOO_LARGE


def test_compression_bomb_rejected_before_inflating() -> None:
    bomb = document_xml(p("x") + "<!-- " + " " * (8 * 2**20) + " -->")
    doc = read_docx_bytes(docx(document=bomb))
    assert doc.error_code is ErrorCode.TOO_LARGE and "compressed" in doc.message


def test_lying_size_header_is_caught_while_streaming() -> None:
    data = bytearray(docx(p("x" * 5000)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo("word/document.xml").header_offset
    central = data.index(b"PK\x01\x02\x14\x03\x14\x00")
    while data[central + 46 : central + 63] != b"word/document.xml":
        central = data.index(b"PK\x01\x02", central + 4)
    # the local header and the central directory now both claim 100 bytes
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)
    assert code_of(bytes(data)) in (ErrorCode.CORRUPT_ZIP, ErrorCode.TOO_LARGE)


def test_too_much_text() -> None:
    assert code_of(docx(p("字" * 50)), limits=Limits(max_text_chars=20)) is ErrorCode.TOO_LARGE


def test_huge_text_node_is_refused_clearly() -> None:
    doc = read_docx_bytes(docx(p("x" * 11_000_000)), limits=Limits(max_ratio=10_000))
    assert doc.error_code is ErrorCode.TOO_LARGE and "10 MB" in doc.message


def test_dtd_and_entities_refused() -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha">'
              '<!ENTITY b "&a;&a;&a;&a;">]>' + document_xml(p("&b;")).decode().split("\n", 1)[1])
    doc = read_docx_bytes(docx(document=laughs.encode()))
    assert doc.error_code is ErrorCode.XML_DTD and "word/document.xml" in doc.message


def test_external_entity_in_styles_refused() -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    data = replace_member(docx(p("x"), styles=""), "word/styles.xml", evil)
    assert code_of(data) is ErrorCode.XML_DTD


def test_too_deep_for_libxml2() -> None:
    deep = "<w:sdt><w:sdtContent>" * 150 + p("deep") + "</w:sdtContent></w:sdt>" * 150
    assert code_of(docx(deep)) is ErrorCode.XML_TOO_DEEP


def test_too_deep_for_configured_limit() -> None:
    deep = "<w:customXml>" * 40 + p("deep") + "</w:customXml>" * 40
    assert code_of(docx(deep), limits=Limits(max_depth=30)) is ErrorCode.XML_TOO_DEEP
    assert code_of(docx(deep)) is None


@pytest.mark.parametrize("bad", [b"\xff\xfe\xfd", b"\x01", b"</w:t></w:r>"])
def test_malformed_xml_names_the_part(bad: bytes) -> None:
    body = document_xml(p("好的") + p("BAD") + p("后面")).replace(b"BAD", b"ok" + bad)
    doc = read_docx_bytes(docx(document=body))
    assert doc.error_code is ErrorCode.XML_MALFORMED and "word/document.xml" in doc.message


def test_recover_keeps_good_paragraphs() -> None:
    body = document_xml(p("好的") + p("BAD") + p("后面")).replace(b"BAD", b"ok\xff\x01")
    doc = read_docx_bytes(docx(document=body), recover=True)
    assert doc.ok and "recovered" in doc.flags
    assert doc.texts[0] == "好的" and doc.texts[-1] == "后面"


def test_gbk_declared_part_is_decoded() -> None:
    body = document_xml(p("整改落实")).decode().replace('encoding="UTF-8"', 'encoding="GBK"')
    doc = read_docx_bytes(docx(document=body.encode("gbk")))
    assert doc.ok and doc.texts == ("整改落实",)


def test_unknown_encoding() -> None:
    body = document_xml(p("x")).replace(b'encoding="UTF-8"', b'encoding="X-NOPE"')
    assert code_of(docx(document=body)) is ErrorCode.XML_ENCODING


def test_timeout() -> None:
    assert code_of(docx(p("x") * 600), limits=Limits(max_seconds=-1)) is ErrorCode.TIMEOUT


def test_unreadable_paths(tmp_path) -> None:
    assert read_docx(tmp_path).error_code is ErrorCode.UNREADABLE
    missing = read_docx(tmp_path / "gone.docx")
    assert missing.error_code is ErrorCode.UNREADABLE and missing.message.isprintable()


def test_internal_error_is_reported_not_raised(monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("oops")

    monkeypatch.setattr(ingest, "load_styles", broken)
    doc = read_docx_bytes(GOOD)
    assert doc.error_code is ErrorCode.INTERNAL_ERROR and "KeyError" in doc.message


def test_file_name_not_valid_utf8(tmp_path) -> None:
    name = os.fsdecode(b"\xb9\xd8\xd3\xda.docx")  # GBK bytes, not UTF-8
    (tmp_path / name).write_bytes(GOOD)
    doc = read_docx(tmp_path / name)
    assert doc.ok and doc.path.endswith(name)
    (tmp_path / name).write_bytes(b"")
    assert read_docx(tmp_path / name).message.isprintable()


def test_read_docx_matches_bytes_reader(tmp_path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(GOOD)
    assert read_docx(path) == read_docx_bytes(GOOD, str(path))


def test_large_file_on_disk_hashes_all_bytes(tmp_path) -> None:
    path = tmp_path / "big.docx"
    path.write_bytes(GOOD + b"\x00" * 5000)
    doc = read_docx(path, Limits(max_file_bytes=1000))
    import hashlib

    assert doc.error_code is ErrorCode.TOO_LARGE
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
