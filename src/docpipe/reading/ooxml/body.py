"""Walk WordprocessingML block content into paragraphs and tables, in reading order.

The walk is iterative (an explicit stack, never recursion), so nesting depth cannot exhaust
Python's stack. What Word would show is what we keep: the accepted view of tracked changes,
field results rather than field instructions, each text box once (mc:Choice, never also the
VML mc:Fallback), content controls, hyperlinks, nested tables.

Table rows are aligned on the table grid: a cell spanning n grid columns gives its text once
followed by n-1 '' entries, a vertically merged continuation cell gives '', and w:gridBefore /
w:gridAfter pad with ''. ``Paragraph.table`` holds the grid column of the cell's first column.
A cell's text is the text of its own paragraphs joined by "\\n"; a nested table is a separate
``Table`` (depth + 1) and is not repeated in the outer cell's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from docpipe.reading.ooxml import names as n
from docpipe.reading.ooxml.guard import Deadline, ReadError
from docpipe.reading.ooxml.numbering import Numbering
from docpipe.reading.ooxml.styles import Styles
from docpipe.records import ErrorCode, Paragraph, Table

if TYPE_CHECKING:
    from collections.abc import Iterator

    from docpipe.reading.limits import Limits

# What the inline walk does with each tag; everything else is descended into.
_SKIP, _TEXT, _TABSTOP, _BREAK, _FIELD, _TRACKED_DROP, _TRACKED_KEEP, _ALT, _TXBX, _SDT, _HYPHEN, \
    _SYM = range(12)
_INLINE = {
    n.P_PR: _SKIP, n.R_PR: _SKIP, n.INSTR_TEXT: _SKIP, n.w("delInstrText"): _SKIP,
    n.w("sdtPr"): _SKIP, n.w("sdtEndPr"): _SKIP, n.w("footnoteReference"): _SKIP,
    n.w("endnoteReference"): _SKIP, n.w("commentReference"): _SKIP, n.MC_FALLBACK: _SKIP,
    n.T: _TEXT, n.MATH_T: _TEXT, n.TAB: _TABSTOP, n.PTAB: _TABSTOP, n.BR: _BREAK, n.CR: _BREAK,
    n.FLD_CHAR: _FIELD, n.DEL: _TRACKED_DROP, n.MOVE_FROM: _TRACKED_DROP,
    n.INS: _TRACKED_KEEP, n.MOVE_TO: _TRACKED_KEEP, n.ALTERNATE_CONTENT: _ALT,
    n.TXBX_CONTENT: _TXBX, n.SDT: _SDT, n.NO_BREAK_HYPHEN: _HYPHEN, n.SYM: _SYM,
}
_TRANSPARENT_BLOCKS = {n.CUSTOM_XML, n.INS, n.MOVE_TO, n.SMART_TAG}
_DROPPED_BLOCKS = {n.DEL, n.MOVE_FROM}
_FIELD_ACTIONS = (_FIELD, _TRACKED_KEEP)  # still followed inside a field's instruction
_MAX_GRID = 64  # Word allows 63 columns


@dataclass(slots=True)
class _Cell:
    table: int
    row: int
    col: int
    texts: list[str] = field(default_factory=list)
    shown: bool = True  # False for a vMerge continuation: its text stays ''


@dataclass(slots=True)
class _TableBuild:
    index: int
    depth: int
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class _Context:
    cell: _Cell | None = None
    table_depth: int = 0  # depth a table found here gets


_Frame = tuple["Iterator[etree._Element]", _Context]


class Walker:
    """Collects the paragraphs and tables of a part; no list labels when ``numbering`` is None."""

    def __init__(self, styles: Styles, numbering: Numbering | None, limits: Limits,
                 deadline: Deadline) -> None:
        self.styles = styles
        self.numbering = numbering
        self.paragraphs: list[Paragraph] = []
        self.tables: list[Table | None] = []
        self.flags: set[str] = set()
        self._limits = limits
        self._deadline = deadline
        self._chars = 0
        self._fields: list[bool] = []  # open complex fields: True once past their separator
        self._in_instruction = 0
        self._pending = ""  # text of a paragraph whose mark was deleted (tracked), joins the next
        self._building: dict[int, list[list[str]]] = {}  # rows of tables still being read

    def walk(self, container: etree._Element) -> None:
        """Append the paragraphs and tables found in a block container, in reading order."""
        work: list[_Frame | _Cell | _TableBuild] = [(iter(container), _Context())]
        steps = 0
        while work:
            top = work[-1]
            if isinstance(top, _Cell):
                work.pop()
                self._close_cell(top)
                continue
            if isinstance(top, _TableBuild):
                work.pop()
                self._close_table(top)
                continue
            children, ctx = top
            el = next(children, None)
            if el is None:
                work.pop()
                continue
            steps += 1
            if not steps & 0xFF:
                self._deadline.check()
            tag = el.tag
            if tag == n.P:
                for box in reversed(self._paragraph(el, ctx)):
                    work.append((iter(box), ctx))
            elif tag == n.TBL:
                self._open_table(el, ctx, work)
            elif tag == n.SDT:
                content = el.find(n.SDT_CONTENT)
                if content is not None:
                    work.append((iter(content), ctx))
            elif tag in _TRANSPARENT_BLOCKS:
                if tag in (n.INS, n.MOVE_TO):
                    self.flags.add("tracked_changes")
                work.append((iter(el), ctx))
            elif tag in _DROPPED_BLOCKS:
                self.flags.add("tracked_changes")
            elif tag == n.ALTERNATE_CONTENT:
                work.append((iter(_chosen(el)), ctx))
            elif tag == n.ALT_CHUNK:
                self.flags.add("alt_chunk")
        if self._pending:
            self._emit(self._pending, "", "", None, None)
            self._pending = ""

    # --- tables ---------------------------------------------------------------------------------

    def _open_table(self, tbl: etree._Element, ctx: _Context,
                    work: list[_Frame | _Cell | _TableBuild]) -> None:
        build = _TableBuild(index=len(self.tables), depth=ctx.table_depth)
        self.tables.append(None)  # reserve the index: outer tables come before nested ones
        self._building[build.index] = build.rows
        inner = _Context(table_depth=ctx.table_depth + 1)
        jobs: list[_Frame | _Cell] = []
        for row_index, row in enumerate(_rows(tbl, self.flags)):
            texts: list[str] = []
            col = _grid_skip(row, n.GRID_BEFORE)
            texts.extend([""] * col)
            for tc in _children_through_wrappers(row, n.TC):
                span, continued = 1, False
                tc_pr = tc[0] if len(tc) and tc[0].tag == n.TC_PR else None
                for prop in tc_pr if tc_pr is not None else ():
                    if prop.tag == n.GRID_SPAN:
                        span = max(1, _int_val(prop, 1))
                    elif prop.tag == n.V_MERGE:
                        continued = prop.get(n.VAL, "continue") == "continue"
                cell = _Cell(build.index, row_index, col, shown=not continued)
                cell_ctx = _Context(cell=cell, table_depth=inner.table_depth)
                jobs.append((iter(tc), cell_ctx))
                jobs.append(cell)
                texts.extend([""] * span)
                col += span
            texts.extend([""] * _grid_skip(row, n.GRID_AFTER))
            build.rows.append(texts)
        work.append(build)
        work.extend(reversed(jobs))

    def _close_cell(self, cell: _Cell) -> None:
        if cell.shown:
            build_rows = self._building[cell.table]
            # rstrip: the empty paragraph Word requires after a nested table is not content
            build_rows[cell.row][cell.col] = "\n".join(cell.texts).rstrip("\n")

    def _close_table(self, build: _TableBuild) -> None:
        width = max((len(row) for row in build.rows), default=0)
        rows = tuple(tuple(row + [""] * (width - len(row))) for row in build.rows)
        self.tables[build.index] = Table(index=build.index, rows=rows, depth=build.depth)
        self._building.pop(build.index, None)

    # --- paragraphs -----------------------------------------------------------------------------

    def _paragraph(self, p: etree._Element, ctx: _Context) -> list[etree._Element]:
        """Emit one paragraph; return the text boxes anchored in it, to be read right after it."""
        parts: list[str] = []
        boxes: list[etree._Element] = []
        stack = [iter(p)]
        flags = self.flags
        while stack:
            el = next(stack[-1], None)
            if el is None:
                stack.pop()
                continue
            action = _INLINE.get(el.tag)
            if action is None:
                if len(el):
                    stack.append(iter(el))
            elif action == _TEXT:
                if not self._in_instruction and el.text:
                    parts.append(el.text)
            elif action == _SKIP or (self._in_instruction and action not in _FIELD_ACTIONS):
                continue
            elif action == _TABSTOP:
                parts.append("\t")
            elif action == _BREAK:
                parts.append("\n")
            elif action == _FIELD:
                self._field(el.get(n.FLD_CHAR_TYPE, ""))
            elif action == _TRACKED_DROP:
                flags.add("tracked_changes")
            elif action == _TRACKED_KEEP:
                flags.add("tracked_changes")
                stack.append(iter(el))
            elif action == _ALT:
                stack.append(iter(_chosen(el)))
            elif action == _TXBX:
                flags.add("text_boxes")
                boxes.append(el)
            elif action == _SDT:
                content = el.find(n.SDT_CONTENT)
                if content is not None:
                    stack.append(iter(content))
            elif action == _HYPHEN:
                parts.append("-")
            elif action == _SYM:
                parts.append(_symbol(el.get(n.CHAR, "")))
        text = "".join(parts)
        style_id, num_pr, deleted_mark = _properties(p)
        if deleted_mark:
            flags.add("tracked_changes")
            self._pending += text  # accepted view: this paragraph runs on into the next
            return boxes
        if self._pending:
            text, self._pending = self._pending + text, ""
        label, level = "", None
        if self.numbering is not None:
            numbered = self.numbering.resolve(num_pr, style_id, self.styles)
            if numbered is not None:
                level = numbered[1]
                label, suffix = self.numbering.next_label(*numbered)
                if label:
                    text = label + suffix + text
        self._emit(text, self.styles.name(style_id), label, level, ctx.cell)
        return boxes

    def _emit(self, text: str, style: str, label: str, level: int | None,
              cell: _Cell | None) -> None:
        self._chars += len(text)
        if self._chars > self._limits.max_text_chars:
            raise ReadError(
                ErrorCode.TOO_LARGE,
                f"The document holds more than {self._limits.max_text_chars:,} characters of "
                "text, over the safe limit. Split it into smaller documents and submit them "
                "separately. 文档文字过多，请拆分后重新提交。",
            )
        where = None
        if cell is not None:
            where = (cell.table, cell.row, cell.col)
            cell.texts.append(text)
        self.paragraphs.append(Paragraph(text, style, label, level, where))

    def _field(self, kind: str) -> None:
        if kind == "begin":
            self._fields.append(False)
            self._in_instruction += 1
        elif kind == "separate" and self._fields and not self._fields[-1]:
            self._fields[-1] = True
            self._in_instruction -= 1
        elif kind == "end" and self._fields and not self._fields.pop():
            self._in_instruction -= 1

    def finish(self) -> tuple[tuple[Paragraph, ...], tuple[Table, ...]]:
        return tuple(self.paragraphs), tuple(t for t in self.tables if t is not None)


def _properties(p: etree._Element) -> tuple[str, etree._Element | None, bool]:
    """(style id, w:numPr, paragraph mark deleted) from a paragraph's w:pPr, in one pass."""
    style_id, num_pr, deleted_mark = "", None, False
    if len(p) and p[0].tag == n.P_PR:
        for child in p[0]:
            tag = child.tag
            if tag == n.P_STYLE:
                style_id = child.get(n.VAL, "")
            elif tag == n.NUM_PR:
                num_pr = child
            elif tag == n.R_PR:
                deleted_mark = any(mark.tag in _DROPPED_BLOCKS for mark in child)
    return style_id, num_pr, deleted_mark


def _chosen(alternate: etree._Element) -> etree._Element:
    """The branch of mc:AlternateContent to read: its first mc:Choice, else its mc:Fallback."""
    choice = alternate.find(n.MC_CHOICE)
    if choice is None:
        choice = alternate.find(n.MC_FALLBACK)
    return choice if choice is not None else etree.Element("empty")


def _rows(tbl: etree._Element, flags: set[str]) -> list[etree._Element]:
    """A table's rows, through content-control wrappers, leaving out tracked-deleted rows."""
    rows = []
    for tr in _children_through_wrappers(tbl, n.TR):
        tr_pr = tr[0] if len(tr) and tr[0].tag == n.TR_PR else None
        if tr_pr is not None and any(prop.tag == n.DEL for prop in tr_pr):
            flags.add("tracked_changes")
            continue
        rows.append(tr)
    return rows


def _children_through_wrappers(parent: etree._Element, tag: str) -> list[etree._Element]:
    """Children with ``tag``, also those wrapped in w:sdt/w:customXml (iteratively)."""
    found = []
    stack = [iter(parent)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
        elif el.tag == tag:
            found.append(el)
        elif el.tag == n.SDT:
            content = el.find(n.SDT_CONTENT)
            if content is not None:
                stack.append(iter(content))
        elif el.tag == n.CUSTOM_XML:
            stack.append(iter(el))
    return found


def _grid_skip(row: etree._Element, tag: str) -> int:
    tr_pr = row[0] if len(row) and row[0].tag == n.TR_PR else None
    for prop in tr_pr if tr_pr is not None else ():
        if prop.tag == tag:
            return max(0, _int_val(prop, 0))
    return 0


def _int_val(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return min(int(el.get(n.VAL, default)), _MAX_GRID)  # a hostile span must stay small
    except ValueError:
        return default


def _symbol(code: str) -> str:
    """A w:sym character; symbol-font glyphs (private-use codes) have no text meaning."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xE000 <= value <= 0xF8FF or not 0x20 <= value < 0x110000 or 0xD800 <= value < 0xE000:
        return ""
    return chr(value)
