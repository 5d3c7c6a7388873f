"""Automatic list numbering: render list labels ("一、", "（一）", "1.", "①") like Word.

Word keeps one set of counters per abstract numbering definition, shared by every list instance
(w:num) that uses it; a w:startOverride restarts the count the first time its instance is used.
Using a level restarts the deeper levels (unless w:lvlRestart says otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from docpipe.reading.ooxml.names import ILVL, NUM_ID, VAL, w
from docpipe.reading.ooxml.styles import Styles

_BASIC = "〇一二三四五六七八九"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_PLACEHOLDER = re.compile(r"%([1-9])")
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_MAX_LEVELS = 9


def _chinese_thousand(n: int) -> str:
    """Chinese numeral with place words: 10 -> 十, 21 -> 二十一, 105 -> 一百零五."""
    if n == 0:
        return "零"
    if n >= 10_000:
        return str(n)
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    zero = False
    units = ["千", "百", "十", ""][-len(digits):]
    for digit, unit in zip(digits, units, strict=True):
        if digit == 0:
            zero = True
            continue
        if zero and out:
            out.append("零")
        zero = False
        out.append(_BASIC[digit] + unit)
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def _chinese_counting(n: int) -> str:
    """Word's chineseCounting: 1-99 with 十 (十一, 二十), from 100 digit by digit (一〇一)."""
    if 0 < n < 100:
        return _chinese_thousand(n)
    return "".join(_BASIC[int(d)] for d in str(n))


def _letters(n: int, upper: bool) -> str:
    if n <= 0:
        return str(n)
    letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return letter.upper() if upper else letter


def _roman(n: int, upper: bool) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    text = "".join(out)
    return text.upper() if upper else text


def _enclosed(n: int, first: int, count: int) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """One counter value in a w:numFmt; formats we do not know fall back to decimal."""
    match fmt:
        case "decimal" | "decimalHalfWidth" | "" | "cardinalText" | "ordinalText":
            return str(n)
        case "decimalZero":
            return f"{n:02d}"
        case "decimalFullWidth" | "decimalFullWidth2":
            return str(n).translate(_FULLWIDTH)
        case "chineseCounting" | "japaneseCounting":
            return _chinese_counting(n)
        case "chineseCountingThousand" | "taiwaneseCountingThousand" | "chineseLegalSimplified":
            return _chinese_thousand(n)
        case "ideographTraditional":
            return _HEAVENLY[(n - 1) % 10] if n > 0 else str(n)
        case "ideographZodiac":
            return _EARTHLY[(n - 1) % 12] if n > 0 else str(n)
        case "decimalEnclosedCircle" | "decimalEnclosedCircleChinese":
            return _circled(n)
        case "decimalEnclosedFullstop":
            return _enclosed(n, 0x2488, 20)
        case "decimalEnclosedParen":
            return _enclosed(n, 0x2474, 20)
        case "lowerLetter" | "upperLetter":
            return _letters(n, fmt == "upperLetter")
        case "lowerRoman" | "upperRoman":
            return _roman(n, fmt == "upperRoman")
        case "none":
            return ""
        case _:
            return str(n)


@dataclass(frozen=True, slots=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 0
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False  # w:isLgl: show every counter in decimal
    suffix: str = "\t"


def _val(el: etree._Element | None, default: str = "") -> str:
    return default if el is None else el.get(VAL, default)


def _int(text: str, default: int | None) -> int | None:
    try:
        return int(text)
    except ValueError:
        return default


def _parse_level(el: etree._Element) -> Level:
    values: dict[str, str] = {}
    for child in el:
        values[child.tag] = child.get(VAL, "1" if child.tag == _IS_LGL else "")
    restart = values.get(_LVL_RESTART)
    return Level(
        fmt=values.get(_NUM_FMT) or "decimal",
        text=values.get(_LVL_TEXT, ""),
        start=_int(values.get(_START, "0"), 0) or 0,
        restart=None if restart is None else _int(restart, None),
        legal=values.get(_IS_LGL, "0") not in ("0", "false", "off"),
        suffix={"space": " ", "nothing": ""}.get(values.get(_SUFF, ""), "\t"),
    )


_NUM_FMT, _LVL_TEXT, _START, _SUFF = w("numFmt"), w("lvlText"), w("start"), w("suff")
_LVL_RESTART, _IS_LGL = w("lvlRestart"), w("isLgl")


class Numbering:
    """Numbering definitions plus the running counters of one document body."""

    def __init__(self, root: etree._Element | Callable[[], etree._Element | None] | None,
                 styles: Styles) -> None:
        """``root`` may be a loader, called only when a paragraph turns out to be numbered."""
        self._abstract: dict[str, dict[int, Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self._style_levels: dict[str, int] = {}  # a level's w:pStyle -> that level
        self._counters: dict[str, list[int | None]] = {}
        self._applied: set[tuple[str, int]] = set()
        self._loader = root if callable(root) else None
        if not callable(root):
            self._load(root, styles)

    def _load(self, root: etree._Element | None, styles: Styles) -> None:
        if root is None:
            return
        links: dict[str, str] = {}
        for el in root.iter(w("abstractNum")):
            aid = el.get(w("abstractNumId"), "")
            levels: dict[int, Level] = {}
            for lvl in el.iter(w("lvl")):
                ilvl = _int(lvl.get(w("ilvl"), "0"), 0) or 0
                levels[ilvl] = _parse_level(lvl)
                style = _val(lvl.find(w("pStyle")))
                if style:
                    self._style_levels[style] = ilvl
            self._abstract[aid] = levels
            link = el.find(w("numStyleLink"))
            if link is not None:
                links[aid] = _val(link)
        for el in root.iter(w("num")):
            starts: dict[int, int] = {}
            own: dict[int, Level] = {}
            for override in el.iter(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl"), "0"), 0) or 0
                start = override.find(w("startOverride"))
                if start is not None:
                    starts[ilvl] = _int(_val(start), 0) or 0
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    own[ilvl] = _parse_level(lvl)
            self._nums[el.get(w("numId"), "")] = (_val(el.find(w("abstractNumId"))), starts, own)
        for aid, style_id in links.items():  # a list that takes its levels from a numbering style
            style_numbering = styles.numbering(style_id)
            linked = self._nums.get(style_numbering[0]) if style_numbering else None
            if linked and linked[0] in self._abstract and self._abstract[linked[0]]:
                self._abstract[aid] = self._abstract[linked[0]]

    def resolve(self, num_pr: etree._Element | None, style_id: str,
                styles: Styles) -> tuple[str, int] | None:
        """(numId, level) that numbers a paragraph: its own w:numPr, else its style's."""
        num_id, ilvl = "", None
        for item in num_pr if num_pr is not None else ():
            if item.tag == NUM_ID:
                num_id = item.get(VAL, "")
            elif item.tag == ILVL:
                ilvl = _int(item.get(VAL, ""), None)
        style_numbering = styles.numbering(style_id) if not num_id and style_id else None
        if style_numbering is not None:
            num_id, style_ilvl = style_numbering
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0":
            return None
        if self._loader is not None:
            loader, self._loader = self._loader, None
            self._load(loader(), styles)
        if style_numbering is not None and ilvl is None:
            ilvl = self._style_levels.get(style_id, 0)
        if num_id not in self._nums:
            return None
        return num_id, min(max(ilvl or 0, 0), _MAX_LEVELS - 1)

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """Advance the counter for this paragraph and return (label, suffix)."""
        aid, starts, own = self._nums[num_id]
        levels = self._abstract.get(aid, {})
        counters = self._counters.setdefault(aid, [None] * _MAX_LEVELS)
        level = own.get(ilvl) or levels.get(ilvl) or Level()
        if ilvl in starts and (num_id, ilvl) not in self._applied:
            self._applied.add((num_id, ilvl))
            counters[ilvl] = starts[ilvl]
        elif counters[ilvl] is None:
            counters[ilvl] = level.start
        else:
            counters[ilvl] = (counters[ilvl] or 0) + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            deeper_level = own.get(deeper) or levels.get(deeper)
            restart = None if deeper_level is None else deeper_level.restart
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            return _bullet(level.text), level.suffix

        def counter(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = own.get(k) or levels.get(k) or Level()
            value = counters[k]
            if value is None:
                value = starts.get(k, lvl.start)
            fmt = "decimal" if level.legal and lvl.fmt != "none" else lvl.fmt
            return format_number(value, fmt)

        return _PLACEHOLDER.sub(counter, level.text), level.suffix


def _bullet(text: str) -> str:
    """Bullet glyphs from symbol fonts sit in the private-use area; show a plain bullet."""
    return "".join("•" if 0xE000 <= ord(ch) <= 0xF8FF else ch for ch in text)
