"""The one builder of the office's drafts: a ``Draft`` in; Word (GB/T 9704), Markdown, JSON out.

Over 400 lines on purpose: the whole GB/T 9704 layout (fonts, margins, tables, page breaks)
in one place, so that every draft looks the same.

Every draft docpipe writes goes through here, so the official format lives in one place: A4,
margins 37/35/28/26 mm, 仿宋 16 pt body on a 22 x 28 document grid, a 22 pt 小标宋 title, heading
levels 一、黑体 /（一）楷体 / 1. 仿宋, page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages
left) and a visible draft mark in the header.  East-Asian fonts are set through ``w:eastAsia``
because python-docx's ``font.name`` only sets the Latin slots.  Headings and list items are
numbered here, not by the callers, so the three renderings always agree.
"""

from __future__ import annotations

import copy
import io
import json
import math
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Day
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Mm, Pt, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from docpipe.fsutil import atomic_write_bytes, atomic_write_text, inside, safe_name

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
    created: Day | None = None  # the run's date: the Word file's "created" property


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
    """The draft as a GB/T 9704-2012 Word document.

    Only the body and the title/author differ from one draft to the next: the rest of the
    package, and one styled empty paragraph of each kind, come from ``_blank`` (built once per
    process with python-docx), so a draft costs a copy per paragraph instead of python-docx's
    element-by-element building.  The bytes are the same as building it all with python-docx.
    """
    blank = _blank(fmt, draft.mark)
    document = parse_xml(blank.document_xml)
    styled = {role: parse_xml(xml) for role, xml in blank.paragraphs}
    body_end = document.body.sectPr  # blocks go before the section properties, as add_paragraph

    def add(text: str, role: _Role) -> None:
        body_end.addprevious(_paragraph(styled[role], text))

    add(draft.title, _Role.TITLE)
    body_end.addprevious(OxmlElement("w:p"))  # 标题与正文之间空一行
    if draft.recipient:
        add(f"{draft.recipient}：", _Role.PLAIN)
    last: list[Any] = []  # the paragraphs that end the body (a table's last row)
    for block in numbered_blocks(draft.blocks):
        if block.kind is BlockKind.TABLE:
            if block.rows:
                table = _table(block.rows, blank, styled)
                body_end.addprevious(table)
                last = list(table.tr_lst[-1].iter(qn("w:p")))
                spacer = OxmlElement("w:p")
                body_end.addprevious(spacer)
                last.append(spacer)
            continue
        add(block.text, _BLOCK_ROLES.get(block.kind, _Role.BODY))
        last = [body_end.getprevious()]
    if draft.signature or draft.date:
        spacer = OxmlElement("w:p")
        body_end.addprevious(spacer)
        lines = [line for line in (draft.signature, draft.date) if line]
        for line in lines:
            add(line, _Role.SIGNATURE)
        # 署名不单独成页: the last paragraph, the blank line and the signature keep together
        for para in [*last, spacer, *[p for p in body_end.itersiblings(preceding=True)][
                1:len(lines)]]:
            _keep_with_next(para)

    core = parse_xml(blank.core_xml)
    properties = CoreProperties(core)
    properties.title = _xml_safe(draft.title)[:255]  # python-docx refuses longer values
    properties.author = _xml_safe(draft.signature)[:255] or "docpipe"
    properties.last_modified_by = _xml_safe(draft.signature)[:255] or "docpipe"
    properties.language = "zh-CN"
    if draft.created is not None:
        moment = datetime(draft.created.year, draft.created.month, draft.created.day)
        properties.created = moment
        properties.modified = moment
    filled = {blank.document: serialize_part_xml(document), blank.core: serialize_part_xml(core)}
    return _stable_zip_members([
        _ZipMember.deflate(m.name, filled[m.name]) if m.name in filled else m
        for m in blank.members
    ])


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
    # The text is Chinese: spell-checking, line breaking and font fallback follow w:lang
    for rpr in (normal.element.get_or_add_rPr(), _default_rpr(doc)):
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
        existing = rpr.find(qn("w:lang"))
        if existing is not None:
            rpr.remove(existing)
        rpr.append(lang)


def _default_rpr(doc: Any) -> Any:
    """w:docDefaults/w:rPrDefault/w:rPr of the styles part (created when missing)."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    return rpr


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
    run = para.add_run(_xml_safe(text))
    run.font.size = Pt(size)
    _set_rfonts(run._r.get_or_add_rPr(), font, fmt.latin_font)


def _xml_safe(text: str) -> str:
    """Text an XML part can carry, with what it cannot replaced by a visible mark.

    XML 1.0 has no place for C0 control characters (but tab, newline and carriage return),
    U+FFFE/U+FFFF or lone surrogates (an undecodable file name): a control character becomes
    its Control Pictures sign (U+0001 → ␁), a noncharacter U+FFFD, a lone surrogate its
    ``\\udcXX`` escape.  Never dropped, never a failure.
    """
    if text.isascii() and text.isprintable():
        return text
    text = text.translate(_XML_MARKS)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# C0 controls other than \t \n \r → U+2400 + code (the Control Pictures block); U+FFFE/FFFF
_XML_MARKS = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n\r"} | {
    0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD}


class _Role(StrEnum):
    """The kinds of paragraph a draft is made of, each with its own font, size and layout."""

    TITLE = "title"  # 小标宋 2号, centred
    PLAIN = "plain"  # body text without indent (主送机关)
    HEADING1 = "heading1"  # 黑体, first line indented
    HEADING2 = "heading2"  # 楷体, first line indented
    BODY = "body"  # 仿宋, first line indented
    SIGNATURE = "signature"  # 仿宋, right-aligned, 右空四字
    TABLE_HEAD = "table_head"  # 黑体 4号 in a table's first row
    TABLE_CELL = "table_cell"  # 仿宋 4号


_BLOCK_ROLES = {BlockKind.HEADING1: _Role.HEADING1, BlockKind.HEADING2: _Role.HEADING2}
_W_T, _XML_SPACE = qn("w:t"), qn("xml:space")


@dataclass(frozen=True, slots=True)
class _Blank:
    """A draft without body, title or author, as bytes: safe to share between threads."""

    members: tuple[_ZipMember, ...]  # in python-docx's order, deflated once
    document: str  # member name of the main document part (word/document.xml)
    core: str  # member name of the core properties (docProps/core.xml)
    document_xml: bytes  # those two parts before a draft fills them in
    core_xml: bytes
    table_style: str | None  # style id of "Table Grid"
    table_width: int  # EMU between the margins, shared out between a table's columns
    paragraphs: tuple[tuple[_Role, bytes], ...]  # one styled, empty paragraph per role


@lru_cache(maxsize=8)
def _blank(fmt: PageFormat, mark: str) -> _Blank:
    """The package every draft of this format and mark shares, built with python-docx."""
    doc = Document()
    _set_defaults(doc, fmt)
    section = doc.sections[0]
    _set_page(section, fmt)
    doc.settings.odd_and_even_pages_header_footer = True
    _draft_mark(section.header.paragraphs[0], mark, fmt)
    _draft_mark(section.even_page_header.paragraphs[0], mark, fmt)
    _page_number(section.footer.paragraphs[0], fmt, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], fmt, WD_ALIGN_PARAGRAPH.LEFT)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        blobs = {info.filename: zf.read(info) for info in zf.infolist()}  # in writing order
    # the template's own core properties, with fixed dates (so reruns give equal bytes)
    core_part = next(p for p in doc.part.package.iter_parts()
                     if p.content_type == CT.OPC_CORE_PROPERTIES)
    document, core = doc.part.partname.membername, core_part.partname.membername
    return _Blank(
        members=tuple(_ZipMember.deflate(name, blob) for name, blob in blobs.items()),
        document=document,
        core=core,
        document_xml=blobs[document],
        core_xml=blobs[core],
        table_style=doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE),
        table_width=doc._block_width,  # what doc.add_table shares out between the columns
        paragraphs=tuple((role, etree.tostring(_styled_paragraph(role, fmt)))
                         for role in _Role),
    )


def _styled_paragraph(role: _Role, fmt: PageFormat) -> Any:
    """An empty paragraph of ``role``: its one run has the font and size but no text yet."""
    para = DocxParagraph(OxmlElement("w:p"), cast(Any, None))  # no parent: no styles looked up
    font = {_Role.TITLE: fmt.title_font, _Role.HEADING1: fmt.heading1_font,
            _Role.HEADING2: fmt.heading2_font, _Role.TABLE_HEAD: fmt.heading1_font}
    size = {_Role.TITLE: fmt.title_pt, _Role.TABLE_HEAD: fmt.body_pt - 2,  # 表格文字可小于正文：4号
            _Role.TABLE_CELL: fmt.body_pt - 2}.get(role, fmt.body_pt)
    _text(para, "", font.get(role, fmt.body_font), size, fmt)
    if role is _Role.TITLE:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif role is _Role.SIGNATURE:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        para.paragraph_format.right_indent = Pt(fmt.body_pt * 4)  # 右空四字
    elif role in (_Role.TABLE_HEAD, _Role.TABLE_CELL):
        para.paragraph_format.line_spacing = Pt(size * 1.5)
    elif role is not _Role.PLAIN:
        para.paragraph_format.first_line_indent = Pt(fmt.body_pt * 2)
    return para._p


def _paragraph(styled: Any, text: str) -> Any:
    """A copy of a styled empty paragraph with ``text`` in its run, as ``_text`` would write it."""
    para = copy.deepcopy(styled)
    text = _xml_safe(text)
    run = para[-1]  # a styled paragraph ends with its one run
    if "\t" in text or "\r" in text or "\n" in text:
        run.text = text  # python-docx turns these into w:tab and w:br elements
    elif text:  # one w:t, as python-docx's CT_R.add_t writes it (without its generic insertion)
        t = etree.SubElement(run, _W_T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(_XML_SPACE, "preserve")
    return para


def _keep_with_next(p: Any) -> None:
    """w:keepNext on a paragraph: Word and LibreOffice put it on the page of the next one."""
    ppr = p.get_or_add_pPr()
    if ppr.find(qn("w:keepNext")) is None:
        ppr.insert(0, OxmlElement("w:keepNext"))


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


def _table(rows: tuple[tuple[str, ...], ...], blank: _Blank, styled: Mapping[_Role, Any]) -> Any:
    """A centred "Table Grid" table with columns as wide as their content needs.

    The header row repeats on every page and no row is split across pages; the widths are
    fixed (``tblLayout``) so that Word and LibreOffice print the same columns.
    """
    width = max(len(r) for r in rows)
    table = CT_Tbl.new_tbl(len(rows), width, Emu(blank.table_width))
    table.tblStyle_val = blank.table_style
    table.tblPr.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, (cells, tr) in enumerate(zip(rows, table.tr_lst, strict=True)):
        role = _Role.TABLE_HEAD if r == 0 else _Role.TABLE_CELL
        for c, tc in enumerate(tr.tc_lst):
            tc.replace(tc.p_lst[0], _paragraph(styled[role], cells[c] if c < len(cells) else ""))
    layout_table(table, rows, blank.table_width)
    return table


def layout_table(table: Any, rows: Sequence[Sequence[str]], total: int) -> None:
    """Fixed column widths fitting the content; header row repeated; rows never split."""
    widths = column_widths(rows, total)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table.tblPr.append(layout)
    for col, w in zip(table.tblGrid.iter(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(Emu(w).twips))
    for r, tr in enumerate(table.tr_lst):
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for c, tc in enumerate(tr.tc_lst):
            tc.width = Emu(widths[c])


def column_widths(rows: Sequence[Sequence[str]], total: int) -> list[int]:
    """Column widths (EMU, summing to ``total``) that fit each column's content.

    Each column asks for its longest line (a CJK character counts 1, a Latin one half) and
    never less than its header; the space is shared so that columns which fit get what they
    ask and the long ones share the rest equally (max-min fair share).  A column of numbers
    thus stays narrow, and a unit name stays on one line when the page allows it.
    """
    n = max(len(r) for r in rows)
    cell_pad = 1.2  # characters of cell margin and border
    want = [max(_text_width(r[c]) if c < len(r) else 0 for r in rows) + cell_pad
            for c in range(n)]
    floor = [max(2.0, _text_width(rows[0][c]) if c < len(rows[0]) else 0) + cell_pad
             for c in range(n)]
    want = [max(w, f) for w, f in zip(want, floor, strict=True)]
    budget = sum(want)
    chars = total / Pt(_TABLE_PT).emu  # characters of table text across the page
    if budget <= chars:
        share = [w * chars / budget for w in want]
    else:
        low, high = 0.0, chars
        for _ in range(40):  # the level s at which sum(min(want, max(s, floor))) == chars
            mid = (low + high) / 2
            used = sum(min(w, max(mid, f)) for w, f in zip(want, floor, strict=True))
            low, high = (mid, high) if used < chars else (low, mid)
        share = [min(w, max(low, f)) for w, f in zip(want, floor, strict=True)]
        scale = chars / sum(share)
        share = [x * scale for x in share]
    widths = [int(total * x / chars) for x in share]
    widths[-1] += total - sum(widths)
    return widths


_TABLE_PT = 14  # 4号: table text (see _styled_paragraph)


def _text_width(text: str) -> float:
    """Printed width of the longest line of ``text`` in body characters."""
    return max((sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in line)
                for line in text.split("\n")), default=0.0)


@dataclass(frozen=True, slots=True)
class _ZipMember:
    """A member deflated as ``zipfile`` deflates it, ready to be written into any archive."""

    name: str
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def deflate(cls, name: str, blob: bytes) -> _ZipMember:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        deflated = compressor.compress(blob) + compressor.flush()
        return cls(name, zlib.crc32(blob), len(blob), deflated)


# The fields ``fsutil.stable_zip`` fixes (1980-01-01 00:00, mode 0600, deflated), in the
# layout the zipfile module writes: version 2.0, made on Unix, no extra fields, no comments.
_ZIP_DOS_TIME, _ZIP_DOS_DATE = 0, 1 << 5 | 1  # date: (year - 1980) << 9 | month << 5 | day
_ZIP_MODE = 0o600 << 16
_ZIP_VERSION, _ZIP_UNIX = 20, 3
_ZIP_MAX = 1 << 30  # far below the sizes at which zipfile would switch to ZIP64 records


def _stable_zip_members(members: Sequence[_ZipMember]) -> bytes:
    """The archive ``fsutil.stable_zip`` would make of these members, byte for byte.

    Written here rather than through ``zipfile`` so that the parts every draft shares are
    deflated once per process, not once per draft (zipfile can only compress as it writes).
    """
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        if offset + m.size + len(m.deflated) >= _ZIP_MAX:
            raise ValueError(f"{m.name}: a draft of over 1 GB cannot be right")
        try:
            name, flags = m.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = m.name.encode("utf-8"), 0x800  # the UTF-8 name flag
        common = (flags, zipfile.ZIP_DEFLATED, _ZIP_DOS_TIME, _ZIP_DOS_DATE, m.crc,
                  len(m.deflated), m.size, len(name))
        local += [struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _ZIP_VERSION, 0, *common, 0),
                  name, m.deflated]
        central += [struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", _ZIP_VERSION, _ZIP_UNIX,
                                _ZIP_VERSION, 0, *common, 0, 0, 0, 0, _ZIP_MODE, offset), name]
        offset += 30 + len(name) + len(m.deflated)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(directory), offset, 0)
    return b"".join(local) + directory + end
