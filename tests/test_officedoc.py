"""The GB/T 9704-2012 format, checked by reading the .docx back with python-docx and lxml."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from lxml import etree

from docpipe.fsutil import stable_zip
from docpipe.outputs import officedoc
from docpipe.outputs.officedoc import (
    GB9704,
    Block,
    BlockKind,
    Draft,
    PageFormat,
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


def python_docx_rendering(draft: Draft, fmt: PageFormat = GB9704) -> bytes:
    """The draft built paragraph by paragraph through python-docx's API, as render_docx once did.

    render_docx copies pre-styled paragraphs into a package built once per process; this is
    the slow, obvious way, kept here to show the two give the same bytes.
    """
    doc = Document()
    doc.core_properties.title = draft.title
    doc.core_properties.author = draft.signature or "docpipe"
    doc.core_properties.last_modified_by = draft.signature or "docpipe"
    doc.core_properties.language = "zh-CN"
    if draft.created is not None:
        moment = datetime(draft.created.year, draft.created.month, draft.created.day)
        doc.core_properties.created = doc.core_properties.modified = moment
    officedoc._set_defaults(doc, fmt)
    section = doc.sections[0]
    officedoc._set_page(section, fmt)
    doc.settings.odd_and_even_pages_header_footer = True
    officedoc._draft_mark(section.header.paragraphs[0], draft.mark, fmt)
    officedoc._draft_mark(section.even_page_header.paragraphs[0], draft.mark, fmt)
    officedoc._page_number(section.footer.paragraphs[0], fmt, WD_ALIGN_PARAGRAPH.RIGHT)
    officedoc._page_number(section.even_page_footer.paragraphs[0], fmt, WD_ALIGN_PARAGRAPH.LEFT)
    title = doc.add_paragraph()
    officedoc._text(title, draft.title, fmt.title_font, fmt.title_pt, fmt)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()
    if draft.recipient:
        officedoc._text(doc.add_paragraph(), f"{draft.recipient}：", fmt.body_font, fmt.body_pt,
                        fmt)
    last: list = []
    for block in numbered_blocks(draft.blocks):
        if block.kind is BlockKind.TABLE:
            if block.rows:
                width = max(len(r) for r in block.rows)
                table = doc.add_table(rows=len(block.rows), cols=width)
                table.style = "Table Grid"
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                for r, (cells, tr) in enumerate(zip(block.rows, table._tbl.tr_lst, strict=True)):
                    for c, tc in enumerate(tr.tc_lst):
                        para = _Cell(tc, table).paragraphs[0]
                        font = fmt.heading1_font if r == 0 else fmt.body_font
                        officedoc._text(para, cells[c] if c < len(cells) else "", font,
                                        fmt.body_pt - 2, fmt)
                        para.paragraph_format.line_spacing = Pt((fmt.body_pt - 2) * 1.5)
                officedoc.layout_table(table._tbl, block.rows, doc._block_width)
                last = [_Cell(tc, table).paragraphs[0] for tc in table._tbl.tr_lst[-1].tc_lst]
                last.append(doc.add_paragraph())
            continue
        font = {BlockKind.HEADING1: fmt.heading1_font,
                BlockKind.HEADING2: fmt.heading2_font}.get(block.kind, fmt.body_font)
        para = doc.add_paragraph()
        officedoc._text(para, block.text, font, fmt.body_pt, fmt)
        para.paragraph_format.first_line_indent = Pt(fmt.body_pt * 2)
        last = [para]
    if draft.signature or draft.date:
        spacer = doc.add_paragraph()
        lines = [line for line in (draft.signature, draft.date) if line]
        for n, line in enumerate(lines):
            para = doc.add_paragraph()
            officedoc._text(para, line, fmt.body_font, fmt.body_pt, fmt)
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            para.paragraph_format.right_indent = Pt(fmt.body_pt * 4)
            if n < len(lines) - 1:
                para.paragraph_format.keep_with_next = True
        for kept in [*last, spacer]:
            kept.paragraph_format.keep_with_next = True
    saved = io.BytesIO()
    doc.save(saved)
    return stable_zip(saved.getvalue())


AWKWARD = Draft(
    kind="t",
    title="  前后有空格的标题  ",
    blocks=(
        Block(BlockKind.PARAGRAPH, "制表\t符与\n换行\r\n都在"),
        Block(BlockKind.PARAGRAPH, " 前后有空格 "),
        Block(BlockKind.PARAGRAPH, ""),
        Block(BlockKind.HEADING3, "三级"),
        Block(BlockKind.TABLE, rows=(("甲", "乙", "丙"), ("只有一格",), ("a\tb", "", " c "))),
        Block(BlockKind.TABLE, rows=()),
        Block(BlockKind.ITEM, "文件名\udcb3\udcc9.docx"),
    ),
    date="2013年9月10日",
    mark="送审稿",
)


@pytest.mark.parametrize("draft", [
    DRAFT,
    AWKWARD,
    Draft("t", "只有标题", ()),
    Draft("t", "只有署名", (Block(BlockKind.HEADING2, "二级"),), signature="办公室"),
])
def test_docx_bytes_are_those_of_python_docx(draft: Draft) -> None:
    assert render_docx(draft) == python_docx_rendering(draft)


def test_another_format_gets_its_own_package() -> None:
    wide = PageFormat(left_mm=20, right_mm=20, body_pt=14)
    assert render_docx(DRAFT, wide) == python_docx_rendering(DRAFT, wide)
    assert render_docx(DRAFT, wide) != render_docx(DRAFT)


def test_zip_members_are_what_zipfile_writes(docx_bytes: bytes) -> None:
    assert stable_zip(docx_bytes) == docx_bytes
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        assert z.testzip() is None
        assert z.namelist()[:3] == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml"]


def test_written_json_is_the_draft_json(tmp_path: Path) -> None:
    written = write_draft(tmp_path, "审定意见", DRAFT)
    expected = json.dumps(draft_json(DRAFT), ensure_ascii=False, indent=2) + "\n"
    assert Path(written["json"]).read_text(encoding="utf-8") == expected


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
