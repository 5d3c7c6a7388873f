"""Which unit sent a document: its inbox folder, else what the document says about itself.

Names are matched against units.csv with their aliases and the usual abbreviations: 中共 and the
party-group suffix dropped (中共……党组, ……党委), the region prefix shortened (西藏自治区财政厅 ~
自治区财政厅 ~ 区财政厅 ~ 财政厅).  A name that matches no unit, or matches several, is reported as
unknown rather than guessed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from docpipe.records import DocumentResult, InboxFile, SourceDocument, UnitInfo
from docpipe.text import compact

FOLDER = "folder"
DOCUMENT = "document"
UNKNOWN = "unknown"

_PARTY = re.compile(r"^(中国共产党|中共)")
_REGION = re.compile(r"^([\u4e00-\u9fff]{2,6}?(自治区|省)|自治区|全区|区|省)(?=[\u4e00-\u9fff]{2})")
_ACTIVITY = re.compile(r"(党的)?群众路线.*$|教育实践活动.*$")
_SUFFIX = re.compile(r"(机关党委|党组织|党总支|党支部|领导班子|党组|党委|班子|机关)$")
_UNIT_END = re.compile(
    r"(厅|局|委|办|院|部|处|科|中心|公司|学校|大学|学院|医院|党组|党委|支部|总支|政府|所|站|队|馆"
    r"|社|行|集团|协会|联合会|办公室|委员会|乡|镇|村|街道|社区|会)$"
)
_DATE = re.compile(
    r"[\d〇○零一二三四五六七八九十]{2,4}年[\d〇○零一二三四五六七八九十]{1,2}月"
    r"([\d〇○零一二三四五六七八九十]{1,3}日)?"
)
_FIELD = re.compile(r"(填报单位|报送单位|单位名称|所在单位|单位)[：:]\s*([^\s，。；：:]{2,30})")
_BEFORE_ABOUT = re.compile(r"^(.{2,30}?)关于")
_UNIT_LABELS = ("单位", "填报单位", "报送单位", "单位名称")
_SENTENCE = re.compile(r"[。，；;！？!?,]")


@dataclass(frozen=True, slots=True)
class _Index:
    exact: Mapping[str, frozenset[str]]
    core: Mapping[str, frozenset[str]]


def resolve_unit(doc: SourceDocument, inbox_file: InboxFile,
                 units: Mapping[str, UnitInfo]) -> tuple[str, str, bool]:
    """(unit name, "folder" | "document" | "unknown", known).

    A folder that names a known unit wins.  A folder that names none is kept and flagged
    unknown (its documents stay together).  Only files outside any folder are attributed from
    the document: its form fields (单位：), signature lines, title issuer and page headers.
    """
    index = _build_index(units)
    folder = inbox_file.unit.strip()
    if folder:
        match = _match(folder, index)
        return (match, FOLDER, True) if match else (folder, FOLDER, False)
    first_unknown = ""
    for candidate in document_unit_candidates(doc):
        match = _match(candidate, index)
        if match:
            return match, DOCUMENT, True
        if not first_unknown and _UNIT_END.search(candidate):
            first_unknown = candidate
    if first_unknown:
        return first_unknown, DOCUMENT, False
    return "", UNKNOWN, False


def match_unit(name: str, units: Mapping[str, UnitInfo]) -> str:
    """The known unit a name refers to ('' when none or ambiguous)."""
    return _match(name, _build_index(units))


def unit_core(name: str) -> str:
    """A unit name reduced to what abbreviations keep: 中共西藏自治区财政厅党组 -> 财政厅."""
    text = _ACTIVITY.sub("", _PARTY.sub("", _compact(name)))
    text = _REGION.sub("", text, count=1)
    while True:
        shorter = _SUFFIX.sub("", text)
        if shorter == text or len(shorter) < 2:
            return text
        text = shorter


def document_unit_candidates(doc: SourceDocument) -> list[str]:
    """Names the document gives for its sender, most reliable first."""
    body = [(i, _compact(p.text)) for i, p in enumerate(doc.paragraphs)]
    plain = [(i, t) for i, t in body if t and doc.paragraphs[i].table is None]
    found: list[str] = []
    for _, text in body:  # form fields, in paragraphs and table cells
        found += [m.group(2) for m in _FIELD.finditer(text)]
    for table in doc.tables:
        for row in table.rows:
            for label, value in itertools.pairwise(row):
                if _compact(label) in _UNIT_LABELS and value.strip():
                    found.append(_compact(value))
    for _, text in plain[-6:][::-1]:  # signature lines at the end
        line = _DATE.sub("", text).strip("（）()")
        if 2 <= len(line) <= 40 and not _SENTENCE.search(line):
            found.append(line)
    for _, text in plain[:4]:  # the title's issuer: "中共……党组关于……"
        m = _BEFORE_ABOUT.match(text)
        if m:
            found.append(m.group(1))
        elif len(text) <= 40 and not _SENTENCE.search(text) and _UNIT_END.search(unit_core(text)):
            found.append(text)
    found += [_compact(h) for h in doc.headers if 2 <= len(_compact(h)) <= 40]
    return list(dict.fromkeys(f for f in found if f))


def _build_index(units: Mapping[str, UnitInfo]) -> _Index:
    # Every document of a run is matched against the same units: build the index once.
    return _index_of(tuple(units.items()))


@lru_cache(maxsize=16)
def _index_of(units: tuple[tuple[str, UnitInfo], ...]) -> _Index:
    exact: dict[str, set[str]] = {}
    core: dict[str, set[str]] = {}
    for key, info in units:
        if not info.known:
            continue
        canonical = info.name or key
        for name in _names(canonical, key, info.aliases):
            exact.setdefault(_compact(name), set()).add(canonical)
            c = unit_core(name)
            if len(c) >= 2:
                core.setdefault(c, set()).add(canonical)
    return _Index({k: frozenset(v) for k, v in exact.items()},
                  {k: frozenset(v) for k, v in core.items()})


def _names(canonical: str, key: str, aliases: Iterable[str]) -> set[str]:
    return {n for n in (canonical, key, *aliases) if n.strip()}


def _match(name: str, index: _Index) -> str:
    text = _compact(name)
    if not text:
        return ""
    for table, key in ((index.exact, text), (index.core, unit_core(text))):
        hit = table.get(key)
        if hit:
            return next(iter(hit)) if len(hit) == 1 else ""
    # A longer line that contains exactly one unit's core name ("财政厅（印）", "……财政厅机关").
    # The rest must not name a unit of its own (财政厅 is not 财政厅机关服务中心).
    core = unit_core(text)
    hits = {u for k, us in index.core.items()
            if len(k) >= 3 and k in core and _own_tail(core[core.find(k) + len(k):]) for u in us}
    return next(iter(hits)) if len(hits) == 1 else ""


def _own_tail(tail: str) -> bool:
    """What may follow a unit's name in its own signature: its office, a seal note."""
    return tail in ("办公室", "办") or not _UNIT_END.search(tail)


def _compact(text: str) -> str:
    return compact(text)


def unit_order(units: Mapping[str, UnitInfo]) -> Callable[[UnitInfo], tuple[int, int, str]]:
    """Sort key of units in units.csv order: groups as they first appear, units as listed;
    unknown groups and units after them."""
    groups = list(dict.fromkeys(u.group for u in units.values() if u.group))
    listed = list(units)

    def key(unit: UnitInfo) -> tuple[int, int, str]:
        group = groups.index(unit.group) if unit.group in groups else len(groups)
        position = listed.index(unit.name) if unit.name in listed else len(listed)
        return (group, position, unit.name)

    return key


def unit_of(result: DocumentResult) -> str:
    """The unit a result counts under: as resolved from the document, else its inbox folder."""
    return result.info.unit if result.info else result.source.unit
