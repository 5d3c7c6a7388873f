"""The one builder of the office's drafts: a ``Draft`` in; Word (GB/T 9704), Markdown, JSON out.

Every draft docpipe writes goes through here, so the official format lives in one place: A4,
margins 37/35/28/26 mm, 仿宋 16 pt body on a 22 x 28 document grid, a 22 pt 小标宋 title, heading
levels 一、黑体 /（一）楷体 / 1. 仿宋, page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages
left) and a visible draft mark in the header.  East-Asian fonts are set through ``w:eastAsia``
because python-docx's ``font.name`` only sets the Latin slots.  Headings and list items are
numbered here, not by the callers, so the three renderings always agree.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from docpipe.fsutil import atomic_write_bytes, atomic_write_text, inside, safe_name, stable_zip

__all__ = [
    "GB9704",
    "Block",
    "BlockKind",
    "Draft",
    "PageFormat",
    "draft_json",
    "numbered_blocks",
    "render_docx",
    "render_markdown",
    "write_draft",
]

_CN_NUMERALS = "零一二三四五六七八九"


class BlockKind(StrEnum):
    HEADING1 = "heading1"  # 一、  黑体
    HEADING2 = "heading2"  # （一）楷体
    HEADING3 = "heading3"  # 1.   仿宋
    PARAGRAPH = "paragraph"  # body text, first line indented two characters
    ITEM = "item"  # a numbered body line "（1）…", numbering restarts under each heading
    TABLE = "table"  # rows of cells; the first row is the header


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    """A reply the office sends back, before it is given a format.

    ``kind`` names the draft type ("opinion_summary", "approval", ...); ``data`` carries the
    structured facts behind the text (counts, findings) for the JSON rendering.
    """

    kind: str
    title: str
    blocks: tuple[Block, ...]
    recipient: str = ""  # 主送机关
    signature: str = ""  # 发文机关署名
    date: str = ""  # 成文日期, e.g. "2013年7月1日"
    mark: str = "征求意见稿"
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PageFormat:
    """GB/T 9704-2012 page and type settings; fonts are names Word and LibreOffice look up."""

    top_mm: float = 37
    bottom_mm: float = 35
    left_mm: float = 28
    right_mm: float = 26
    lines: int = 22
    chars: int = 28
    body_pt: float = 16  # 3号
    title_pt: float = 22  # 2号
    page_number_pt: float = 14  # 4号
    body_font: str = "仿宋_GB2312"
    title_font: str = "方正小标宋简体"
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    page_number_font: str = "宋体"
    latin_font: str = "Times New Roman"

    @property
    def line_pitch_twips(self) -> int:
        """Height of one grid line (579 twips ≈ 28.95 pt): rounded down so ``lines`` lines fit."""
        text_height_mm = 297 - self.top_mm - self.bottom_mm
        return int(Mm(text_height_mm).twips // self.lines)

    @property
    def char_spacing_twentieths(self) -> int:
        """Character spacing (w:spacing, 1/20 pt) that fits ``chars`` body characters per line.

        A line grid keeps 22 lines; 28 characters come from tightening the spacing by a
        fraction of a point.  A character grid (linesAndChars with a negative charSpace) gives
        28 in Word but LibreOffice then puts every character in two cells (14 per line).
        """
        text_width_pt = Mm(210 - self.left_mm - self.right_mm).pt
        return math.floor((text_width_pt / self.chars - self.body_pt) * 20)


GB9704 = PageFormat()


def numbered_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """The blocks with their numbers in front: 一、/（一）/1./（1）, restarting below each level."""
    counters = [0, 0, 0, 0]
    for block in blocks:
        if block.kind is BlockKind.HEADING1:
            counters = [counters[0] + 1, 0, 0, 0]
            yield Block(block.kind, f"{_cn_number(counters[0])}、{block.text}")
        elif block.kind is BlockKind.HEADING2:
            counters = [counters[0], counters[1] + 1, 0, 0]
            yield Block(block.kind, f"（{_cn_number(counters[1])}）{block.text}")
        elif block.kind is BlockKind.HEADING3:
            counters[2:] = [counters[2] + 1, 0]
            yield Block(block.kind, f"{counters[2]}. {block.text}")
        elif block.kind is BlockKind.ITEM:
            counters[3] += 1
            yield Block(block.kind, f"（{counters[3]}）{block.text}")
        else:
            yield block


def render_markdown(draft: Draft) -> str:
    """The draft as Markdown: same words, same numbers as the Word file."""
    chunks = [f"> {draft.mark}", f"# {draft.title}"]
    if draft.recipient:
        chunks.append(f"{draft.recipient}：")
    prefix = {BlockKind.HEADING1: "## ", BlockKind.HEADING2: "### ", BlockKind.HEADING3: "#### "}
    for block in numbered_blocks(draft.blocks):
        if block.kind is BlockKind.TABLE:
            chunks.append("\n".join(_md_table(block.rows)))
        elif block.kind in prefix:
            chunks.append(prefix[block.kind] + block.text)
        else:
            chunks.append(_md_escape(block.text))
    chunks += [f'<p align="right">{line}</p>' for line in (draft.signature, draft.date) if line]
    return "\n\n".join(c for c in chunks if c) + "\n"


def draft_json(draft: Draft) -> dict[str, Any]:
    """The draft as plain JSON: its numbered blocks and the structured data behind them."""
    return {
        "kind": draft.kind,
        "title": draft.title,
        "mark": draft.mark,
        "recipient": draft.recipient,
        "signature": draft.signature,
        "date": draft.date,
        "blocks": [
            {"kind": str(b.kind), "text": b.text, **({"rows": [list(r) for r in b.rows]}
                                                     if b.kind is BlockKind.TABLE else {})}
            for b in numbered_blocks(draft.blocks)
        ],
        "data": draft.data,
    }


def render_docx(draft: Draft, fmt: PageFormat = GB9704) -> bytes:
    """The draft as a GB/T 9704-2012 Word document."""
    doc = Document()
    doc.core_properties.title = draft.title
    doc.core_properties.author = draft.signature or "docpipe"
    _set_defaults(doc, fmt)
    section = doc.sections[0]
    _set_page(section, fmt)
    doc.settings.odd_and_even_pages_header_footer = True
    _draft_mark(section.header.paragraphs[0], draft.mark, fmt)
    _draft_mark(section.even_page_header.paragraphs[0], draft.mark, fmt)
    _page_number(section.footer.paragraphs[0], fmt, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], fmt, WD_ALIGN_PARAGRAPH.LEFT)

    body = doc.add_paragraph()
    _text(body, draft.title, fmt.title_font, fmt.title_pt, fmt)
    body.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()  # 标题与正文之间空一行
    if draft.recipient:
        _text(doc.add_paragraph(), f"{draft.recipient}：", fmt.body_font, fmt.body_pt, fmt)
    for block in numbered_blocks(draft.blocks):
        if block.kind is BlockKind.TABLE:
            _table(doc, block.rows, fmt)
            continue
        font = {BlockKind.HEADING1: fmt.heading1_font,
                BlockKind.HEADING2: fmt.heading2_font}.get(block.kind, fmt.body_font)
        para = doc.add_paragraph()
        _text(para, block.text, font, fmt.body_pt, fmt)
        para.paragraph_format.first_line_indent = Pt(fmt.body_pt * 2)
    if draft.signature or draft.date:
        doc.add_paragraph()
        for line in (draft.signature, draft.date):
            if line:
                para = doc.add_paragraph()
                _text(para, line, fmt.body_font, fmt.body_pt, fmt)
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                para.paragraph_format.right_indent = Pt(fmt.body_pt * 4)  # 右空四字
    return _stable_docx(doc)


def write_draft(folder: Path, stem: str, draft: Draft, fmt: PageFormat = GB9704) -> dict[str, str]:
    """Write ``stem``.docx/.md/.json under folder (atomically); returns format -> path."""
    paths = {ext: folder / f"{safe_name(stem)}.{ext}" for ext in ("docx", "md", "json")}
    for path in paths.values():
        if not inside(folder, path):
            raise ValueError(f"refusing to write outside {folder}: {path}")
    atomic_write_bytes(paths["docx"], render_docx(draft, fmt))
    atomic_write_text(paths["md"], render_markdown(draft))
    atomic_write_text(paths["json"], json.dumps(draft_json(draft), ensure_ascii=False, indent=2,
                                                default=_jsonable) + "\n")
    return {ext: str(path) for ext, path in paths.items()}


def _cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (enough for any draft's headings)."""
    if n < 10:
        return _CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    prefix = "" if tens == 1 else _CN_NUMERALS[tens]
    return f"{prefix}十{_CN_NUMERALS[ones] if ones else ''}"


def _md_escape(text: str) -> str:
    # A line that starts like Markdown syntax must stay text.
    return "\\" + text if text[:1] in "#>-*+|" else text


def _md_table(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    if not rows:
        return []
    width = max(len(r) for r in rows)

    def line(cells: tuple[str, ...]) -> str:
        padded = [c.replace("|", "\\|").replace("\n", " ") for c in cells]
        padded += [""] * (width - len(cells))
        return "| " + " | ".join(padded) + " |"

    return [line(rows[0]), "|" + "---|" * width, *(line(r) for r in rows[1:])]


def _jsonable(value: object) -> object:
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


def _set_rfonts(rpr: Any, east_asian: str, latin: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_defaults(doc: Any, fmt: PageFormat) -> None:
    """Normal style = body text, so that empty paragraphs and table cells follow the grid too."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(fmt.body_pt)
    _set_rfonts(normal.element.get_or_add_rPr(), fmt.body_font, fmt.latin_font)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Twips(fmt.line_pitch_twips)  # a Length → lineRule="exact"
    pf.widow_control = False  # widow control breaks the fixed 22-line page
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(fmt.char_spacing_twentieths))
    normal.element.get_or_add_rPr().append(spacing)  # 28 characters per line (see PageFormat)


def _set_page(section: Any, fmt: PageFormat) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(fmt.top_mm), Mm(fmt.bottom_mm)
    section.left_margin, section.right_margin = Mm(fmt.left_mm), Mm(fmt.right_mm)
    section.header_distance, section.footer_distance = Mm(15), Mm(28 - 7)  # 页码在版心下边缘下7 mm
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(fmt.line_pitch_twips))
    grid.attrib.pop(qn("w:charSpace"), None)


def _text(para: DocxParagraph, text: str, font: str, size: float, fmt: PageFormat) -> None:
    # XML cannot carry lone surrogates (an undecodable file name): escape them, never fail.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    run = para.add_run(text)
    run.font.size = Pt(size)
    _set_rfonts(run._r.get_or_add_rPr(), font, fmt.latin_font)


def _draft_mark(para: DocxParagraph, mark: str, fmt: PageFormat) -> None:
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _text(para, mark, fmt.heading1_font, fmt.body_pt, fmt)


def _page_number(para: DocxParagraph, fmt: PageFormat, align: WD_ALIGN_PARAGRAPH) -> None:
    """ "— 1 —" with a PAGE field, one character in from the edge (单页码居右、双页码居左空一字)."""
    para.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        para.paragraph_format.right_indent = Pt(fmt.page_number_pt)
    else:
        para.paragraph_format.left_indent = Pt(fmt.page_number_pt)
    _text(para, "— ", fmt.page_number_font, fmt.page_number_pt, fmt)
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                        ("end", None)):
        run = para.add_run()
        run.font.size = Pt(fmt.page_number_pt)
        _set_rfonts(run._r.get_or_add_rPr(), fmt.page_number_font, fmt.latin_font)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif instr == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            run._r.append(el)
        else:
            run.text = instr or ""
    _text(para, " —", fmt.page_number_font, fmt.page_number_pt, fmt)


def _table(doc: Any, rows: tuple[tuple[str, ...], ...], fmt: PageFormat) -> None:
    if not rows:
        return
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = fmt.body_pt - 2  # 表格文字可小于正文：4号
    # The new table has no merged cells, so row r's w:tc elements are its cells 0..width-1;
    # reading them directly avoids table.cell(), which rebuilds the whole cell grid per call.
    for r, (cells, tr) in enumerate(zip(rows, table._tbl.tr_lst, strict=True)):
        for c, tc in enumerate(tr.tc_lst):
            para = _Cell(tc, table).paragraphs[0]
            font = fmt.heading1_font if r == 0 else fmt.body_font
            _text(para, cells[c] if c < len(cells) else "", font, size, fmt)
            para.paragraph_format.line_spacing = Pt(size * 1.5)
    doc.add_paragraph()


def _stable_docx(doc: Any) -> bytes:
    """``doc.save()`` followed by ``stable_zip``, in one pass: the same bytes, zipped once.

    Writes the parts in python-docx's own order through its PackageWriter, with the fixed
    member timestamps of ``stable_zip``; falls back to save + stable_zip if python-docx's
    writer ever changes shape.
    """
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = doc.part.package
        parts = package.parts
        for part in parts:
            part.before_marshal()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            writer: Any = _StableZipWriter(zf)  # duck-types python-docx's PhysPkgWriter
            PackageWriter._write_content_types_stream(writer, parts)
            PackageWriter._write_pkg_rels(writer, package.rels)
            PackageWriter._write_parts(writer, parts)
        return out.getvalue()
    except AttributeError:  # pragma: no cover - another python-docx
        buffer = io.BytesIO()
        doc.save(buffer)
        return stable_zip(buffer.getvalue())


class _StableZipWriter:
    """python-docx's physical package writer interface, with ``stable_zip``'s member fields."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf

    def write(self, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        self._zf.writestr(info, blob)
