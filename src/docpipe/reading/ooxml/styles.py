"""Paragraph style names and style-linked numbering, read from styles.xml on demand.

styles.xml is often the largest part of a small document (python-docx's template writes 350 KB
for 164 styles) while a document uses a handful of styles. So the part is indexed with a byte
scan (where each ``<w:style>`` starts and ends) and only the styles asked for are parsed, each
as a small fragment with the same safe parser. Anything unusual (another prefix or encoding, a
fragment that does not parse) falls back to parsing the whole part, which then decides.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from docpipe.reading.ooxml.guard import ReadError
from docpipe.reading.ooxml.names import ILVL, NUM_ID, NUM_PR, P_PR, VAL, W_NS, w
from docpipe.reading.ooxml.xmlparse import parse_part, refuse_dtd

_BUILTIN_LOWER = re.compile(r"^(heading [1-9]|toc [1-9]|caption|header|footer|title|subtitle|"
                            r"normal|footnote text|endnote text|annotation text|list paragraph)$")
_ROOT = re.compile(rb"<w:styles[\s>]")
_STYLE_START = re.compile(rb"<w:style[\s/>]")
_DEFAULT = re.compile(rb"""w:default\s*=\s*["'](?:1|true|on)["']""")
_ATTR = re.compile(rb"""\bw:(styleId|type|default)\s*=\s*(["'])(.*?)\2""", re.S)
_DECLARATION = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.-]+)["']""")
_TRUE = ("1", "true", "on")
_W_BINDING = f'xmlns:w="{W_NS}"'.encode()


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    based_on: str = ""
    numbering: tuple[str, int | None] | None = None  # own w:numPr: (numId, ilvl)


class Styles:
    """Look-ups by style id; ``fetch`` parses a style the first time it is asked for."""

    def __init__(self, fetch: Callable[[str], Style | None] | None = None,
                 default_id: str = "", known: dict[str, Style] | None = None) -> None:
        self._fetch = fetch
        self._known: dict[str, Style | None] = dict(known or {})
        self.default_id = default_id
        self.recovered = False  # a fragment needed libxml2's recovery mode

    def get(self, style_id: str) -> Style | None:
        if style_id not in self._known:
            self._known[style_id] = self._fetch(style_id) if self._fetch else None
        return self._known[style_id]

    def name(self, style_id: str) -> str:
        """The style's name as Word shows it; the default paragraph style's for ''."""
        style = self.get(style_id or self.default_id) if (style_id or self.default_id) else None
        return style.name if style is not None else style_id

    def numbering(self, style_id: str) -> tuple[str, int | None] | None:
        """The numbering a style carries, its own or inherited through w:basedOn."""
        seen: set[str] = set()
        while style_id and style_id not in seen:  # basedOn chains can loop in damaged files
            seen.add(style_id)
            style = self.get(style_id)
            if style is None:
                return None
            if style.numbering is not None:
                return style.numbering
            style_id = style.based_on
        return None


def load_styles(data: bytes | None, part: str, *, recover: bool = False) -> Styles:
    """Styles of a styles.xml part (None: a document without one)."""
    if data is None:
        return Styles()
    refuse_dtd(data, part)
    lazy = _indexed(data, part, recover)
    return lazy if lazy is not None else _parsed_whole(data, part, recover)


def _parsed_whole(data: bytes, part: str, recover: bool) -> Styles:
    root, recovered = parse_part(data, part, recover=recover)
    known: dict[str, Style] = {}
    default_id = ""
    for el in root.iterchildren(w("style")):
        style_id = el.get(w("styleId"), "")
        known[style_id] = _style_of(el, style_id)
        if el.get(w("type")) == "paragraph" and el.get(w("default")) in _TRUE:
            default_id = style_id
    styles = Styles(None, default_id, known)
    styles.recovered = recovered
    return styles


def _indexed(data: bytes, part: str, recover: bool) -> Styles | None:
    """Lazy styles that find each style by a byte search, or None when that does not apply."""
    declared = _DECLARATION.match(data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    root = _ROOT.search(data, 0, 4096)
    root_end = data.find(b">", root.end() - 1) if root else -1
    if root is None or root_end < 0 or _W_BINDING not in data[root.start() : root_end]:
        return None
    opening = data[root.start() : root_end + 1]
    whole: list[Styles] = []  # filled when the fast path gives up: then the whole part decides

    def fetch(style_id: str) -> Style | None:
        if whole:
            return whole[0].get(style_id)
        if any(ch in style_id for ch in "&<>\"'"):
            return _give_up(style_id)
        span = _style_span(data, style_id.encode(), root_end)
        if span is None:
            return None
        fragment = opening + data[span[0] : span[1]] + b"</w:styles>"
        try:
            parsed, recovered = parse_part(fragment, part, recover=recover)
            el = next(parsed.iterchildren(w("style")))
        except (ReadError, StopIteration):
            return _give_up(style_id)
        styles.recovered |= recovered
        return _style_of(el, style_id)

    def _give_up(style_id: str) -> Style | None:
        whole.append(_parsed_whole(data, part, recover))
        styles.recovered |= whole[0].recovered
        return whole[0].get(style_id)

    styles = Styles(fetch, _default_id(data, root_end))
    return styles


def _style_span(data: bytes, style_id: bytes, after: int) -> tuple[int, int] | None:
    """Where the w:style element with this id starts and ends in the part's bytes."""
    for quote in (b'"', b"'"):
        key = b"w:styleId=" + quote + style_id + quote
        pos = data.find(key, after)
        while pos >= 0:
            start = data.rfind(b"<", after, pos)  # '<' cannot occur inside attribute values
            tag_end = data.find(b">", pos)
            if start >= 0 and tag_end >= 0 and _STYLE_START.match(data, start):
                if data[tag_end - 1 : tag_end] == b"/":
                    return start, tag_end + 1
                end = data.find(b"</w:style>", tag_end)
                return (start, end + len(b"</w:style>")) if end >= 0 else None
            pos = data.find(key, pos + 1)
    return None


def _default_id(data: bytes, after: int) -> str:
    """The id of the default paragraph style (w:type="paragraph" w:default="1")."""
    for match in _DEFAULT.finditer(data, after):
        start = data.rfind(b"<", after, match.start())
        tag_end = data.find(b">", match.end())
        if start < 0 or tag_end < 0 or not _STYLE_START.match(data, start):
            continue
        attrs = {m.group(1): m.group(3) for m in _ATTR.finditer(data, start, tag_end)}
        if attrs.get(b"type") == b"paragraph" and attrs.get(b"default", b"").decode() in _TRUE:
            return html.unescape(attrs.get(b"styleId", b"").decode("utf-8", "replace"))
    return ""


def _style_of(el: etree._Element, style_id: str) -> Style:
    name, based_on, numbering = style_id, "", None
    for child in el:
        tag = child.tag
        if tag == _NAME:
            name = _ui_name(child.get(VAL, style_id))
        elif tag == _BASED_ON:
            based_on = child.get(VAL, "")
        elif tag == P_PR:
            for num_pr in child.iterchildren(NUM_PR):
                num_id, ilvl = "", None
                for item in num_pr:
                    if item.tag == NUM_ID:
                        num_id = item.get(VAL, "")
                    elif item.tag == ILVL:
                        ilvl = _int_or_none(item.get(VAL, ""))
                numbering = (num_id, ilvl)
    return Style(name, based_on, numbering)


_NAME, _BASED_ON = w("name"), w("basedOn")


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _ui_name(name: str) -> str:
    """Word stores built-in names in lower case ("heading 1"); show them as the UI does."""
    if _BUILTIN_LOWER.match(name):
        return name.title().replace("Toc ", "TOC ")
    return name
