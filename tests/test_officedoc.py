"""The GB/T 9704-2012 format, checked by reading the .docx back with python-docx and lxml."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from docpipe.officedoc import (
    GB9704,
    Block,
    BlockKind,
    Draft,
    draft_json,
    numbered_blocks,
    render_docx,
    render_markdown,
    write_draft,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

DRAFT = Draft(
    kind="approval",
    title="关于市交通运输局实施方案的审定意见",
    recipient="市交通运输局",
    blocks=(
        Block(BlockKind.HEADING1, "审核结论"),
        Block(BlockKind.PARAGRAPH, "经审核，该实施方案尚有2项要素缺失，现退回修改。" * 6),
        Block(BlockKind.ITEM, "督导检查：未涉及"),
        Block(BlockKind.HEADING2, "逐项情况"),
        Block(BlockKind.HEADING3, "指导思想"),
        Block(BlockKind.TABLE, rows=(("要素", "结果"), ("指导思想", "具备"))),
        Block(BlockKind.HEADING1, "其他事项"),
        Block(BlockKind.ITEM, "请于三日内重新报送"),
    ),
    signature="教育实践活动领导小组办公室",
    date="2013年9月10日",
)


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return render_docx(DRAFT)


def test_numbering_per_level_restarts_below() -> None:
    texts = [b.text for b in numbered_blocks(DRAFT.blocks) if b.kind is not BlockKind.TABLE]
    assert texts[0] == "一、审核结论"
    assert texts[2] == "（1）督导检查：未涉及"
    assert texts[3:5] == ["（一）逐项情况", "1. 指导思想"]
    assert texts[5:] == ["二、其他事项", "（1）请于三日内重新报送"]


def test_page_size_and_margins(docx_bytes: bytes) -> None:
    section = Document(io.BytesIO(docx_bytes)).sections[0]
    found = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin]
    # stored in twips (1/1440 inch), so within a twip of the millimetre figure
    assert [round(x.mm, 1) for x in found] == [210, 297, 37, 35, 28, 26]


def test_document_grid_22_lines_of_28_chars(docx_bytes: bytes) -> None:
    section = Document(io.BytesIO(docx_bytes)).sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch = int(grid.get(qn("w:linePitch")))
    assert pitch == 579  # 28.95 pt
    assert pitch * 22 <= Mm(297 - 37 - 35).twips < pitch * 23
    normal = Document(io.BytesIO(docx_bytes)).styles["Normal"].element
    spacing = normal.find(qn("w:rPr")).find(qn("w:spacing"))
    char_pitch = 16 + int(spacing.get(qn("w:val"))) / 20  # points per character
    width = Mm(210 - 28 - 26).pt
    assert char_pitch * 28 <= width < char_pitch * 29  # exactly 28 characters per line


def test_fonts_are_east_asian_and_sized(docx_bytes: bytes) -> None:
    doc = Document(io.BytesIO(docx_bytes))
    runs = {p.text: p.runs[0] for p in doc.paragraphs if p.runs}

    def east_asian(text: str) -> str:
        return runs[text]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    title = runs[DRAFT.title]
    assert east_asian(DRAFT.title) == "方正小标宋简体" and title.font.size == Pt(22)
    assert east_asian("一、审核结论") == "黑体"
    assert east_asian("（一）逐项情况") == "楷体_GB2312"
    assert east_asian("1. 指导思想") == "仿宋_GB2312"
    assert not runs["1. 指导思想"].font.bold
    body = next(t for t in runs if t.startswith("经审核"))
    assert east_asian(body) == "仿宋_GB2312" and runs[body].font.size == Pt(16)
    normal = doc.styles["Normal"]
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Pt(28.95)  # fixed ("exact") spacing
    centred = next(p for p in doc.paragraphs if p.text == DRAFT.title)
    assert centred.alignment == 1  # WD_ALIGN_PARAGRAPH.CENTER


def test_footer_has_page_field_between_dashes(docx_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        footers = [n for n in z.namelist() if n.startswith("word/footer")]
        assert len(footers) == 2  # odd pages right, even pages left
        for name in footers:
            root = etree.fromstring(z.read(name))
            text = "".join(root.itertext())
            assert text.startswith("— ") and text.endswith(" —")
            assert [i.text for i in root.iter(f"{W}instrText")] == [" PAGE "]
            fonts = {f.get(f"{W}eastAsia") for f in root.iter(f"{W}rFonts")}
            sizes = {s.get(f"{W}val") for s in root.iter(f"{W}sz")}
            assert fonts == {"宋体"} and sizes == {"28"}  # 4号 = 14 pt
        settings = etree.fromstring(z.read("word/settings.xml"))
        assert settings.find(f"{W}evenAndOddHeaders") is not None


def test_draft_mark_is_visible_in_the_header(docx_bytes: bytes) -> None:
    section = Document(io.BytesIO(docx_bytes)).sections[0]
    assert section.header.paragraphs[0].text == "征求意见稿"
    assert section.even_page_header.paragraphs[0].text == "征求意见稿"
    assert render_markdown(DRAFT).startswith("> 征求意见稿\n\n# 关于")


def test_markdown_and_json_carry_the_same_text() -> None:
    md = render_markdown(DRAFT)
    data = draft_json(DRAFT)
    texts = [b["text"] for b in data["blocks"] if b["text"]]
    assert all(t in md for t in texts)
    assert "| 指导思想 | 具备 |" in md
    assert data["blocks"][-1] == {"kind": "item", "text": "（1）请于三日内重新报送"}


def test_markdown_keeps_text_that_looks_like_syntax() -> None:
    draft = Draft("t", "标题", (Block(BlockKind.PARAGRAPH, "# 不是标题"),))
    assert "\n\\# 不是标题\n" in render_markdown(draft)


def test_write_draft_writes_three_files_inside_the_folder(tmp_path: Path) -> None:
    written = write_draft(tmp_path, "../审定意见", DRAFT)
    assert sorted(written) == ["docx", "json", "md"]
    for path in written.values():
        assert Path(path).parent == tmp_path and Path(path).stat().st_size > 0


@pytest.mark.slow
def test_libreoffice_converts_the_draft(tmp_path: Path, docx_bytes: bytes) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install "
                    "libreoffice-writer-nogui")
    source = tmp_path / "draft.docx"
    source.write_bytes(docx_bytes)
    profile = tmp_path / "profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    pdf = tmp_path / "draft.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), done.stdout + done.stderr
    assert GB9704.lines == 22
