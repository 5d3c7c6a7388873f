"""The supervisors' checks on submitted documents, as plain findings the drafts turn into text.

Over 400 lines on purpose: each supervisors' check with its near-miss rules, kept beside the
others so that they stay consistent.

- ``check_approval``: the 两个凡是 gate on an implementation plan or mobilisation speech; each
  element of ``campaign.toml [approval]`` is found (with the sentence that shows it) or missing.
- ``check_study``: 五有、四落实 over a unit's study plans and records; evidence or "missing".
- ``find_rectification_gaps``: rectification problems lacking a measure, an owner or a deadline.

The rules are configuration (``load_review_rules``), the functions are pure: documents in,
findings out.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from docpipe.records import DocInfo, DocumentResult, SourceDocument
from docpipe.settings import config_path

__all__ = [
    "ApprovalCheck",
    "Evidence",
    "RectificationGap",
    "ReviewRules",
    "Rule",
    "StudyCheck",
    "Verdict",
    "check_approval",
    "check_study",
    "document_lines",
    "find_rectification_gaps",
    "load_review_rules",
]

_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])")
_QUOTE_MAX = 90


class Verdict(StrEnum):
    PASSED = "passed"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class Rule:
    """One element or point to look for: cue words, an optional pattern, maybe a date nearby."""

    name: str
    cues: tuple[str, ...]
    pattern: str = ""
    dated: bool = False
    # approval: body sentences that state the element ("指导思想是……", "派出督导组……");
    # without them only a heading holding a cue, with a body under it, shows the element
    statements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewRules:
    approval_doc_types: tuple[str, ...]
    approval: tuple[Rule, ...]
    date_pattern: str
    date_window: int
    deferral: str  # a sentence matching this points elsewhere ("方案已作了明确规定"): no evidence
    study_doc_types: tuple[str, ...]
    study: tuple[Rule, ...]
    rectification_doc_types: tuple[str, ...]
    rectification_required: tuple[str, ...]
    rectification_names: tuple[tuple[str, str], ...]  # field -> name in the draft

    def field_name(self, name: str) -> str:
        return dict(self.rectification_names).get(name, name)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Whether one element/point was found, and the sentence that shows it (quoted as is)."""

    name: str
    found: bool
    quote: str = ""
    path: str = ""
    locator: str = ""
    note: str = ""  # e.g. "未写明时间安排" when the stage is there without dates


@dataclass(frozen=True, slots=True)
class ApprovalCheck:
    path: str
    doc_type: str
    title: str
    elements: tuple[Evidence, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.PASSED if all(e.found for e in self.elements) else Verdict.RETURNED

    @property
    def missing(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.elements if not e.found)


@dataclass(frozen=True, slots=True)
class StudyCheck:
    paths: tuple[str, ...]
    points: tuple[Evidence, ...]

    @property
    def missing(self) -> tuple[Evidence, ...]:
        return tuple(p for p in self.points if not p.found)


@dataclass(frozen=True, slots=True)
class RectificationGap:
    path: str
    problem: str
    locator: str
    missing: tuple[str, ...]  # field keys, e.g. ("owner", "deadline")


class RectificationLike(Protocol):
    """What ``docpipe.understanding.rectify.extract_rectifications`` returns for each problem."""

    @property
    def problem(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def deadline(self) -> str: ...
    @property
    def locator(self) -> str: ...
    @property
    def missing(self) -> tuple[str, ...]: ...


def load_review_rules(path: Path | None = None) -> ReviewRules:
    """The checks of ``campaign.toml`` (or another campaign file)."""
    return _load(path or config_path("campaign.toml"))


def document_lines(document: SourceDocument) -> Iterator[tuple[str, str]]:
    """(locator, text) for every body paragraph, table cells included, then the tables' rows.

    Locators follow the items' convention (outputs/locate.py prints them): "p12" for the 12th
    paragraph, "t1r3" for the first table's third row, all counted from 1.
    """
    positions = {t.index: n for n, t in enumerate(document.tables, 1)}
    seen_tables = False
    for index, para in enumerate(document.paragraphs, 1):
        if para.table is not None:
            seen_tables = True
            t, r, _ = para.table
            yield f"t{positions.get(t, t + 1)}r{r + 1}", para.text
        else:
            yield f"p{index}", para.text
    if not seen_tables:  # a reader that keeps cells only in ``tables``
        for n, table in enumerate(document.tables, 1):
            for r, row in enumerate(table.rows, 1):
                yield f"t{n}r{r}", " ".join(c for c in row if c)


def check_approval(
    document: SourceDocument, info: DocInfo | None, rules: ReviewRules
) -> ApprovalCheck:
    """Each required element of a plan or speech: found with a quote, or missing.

    An element is judged from the section that should hold it: a heading (numbered, styled or
    a short line of its own, or a table row's first cell) naming the element, with a body under
    it or beside it; or a sentence that states it ("指导思想是……").  A sentence that merely
    contains a cue word ("让群众监督", "实施方案已作了明确规定") is not evidence.
    """
    lines = [(loc, text) for loc, text in document_lines(document) if text.strip()]
    sections = _sections(document)
    date = re.compile(rules.date_pattern)
    deferral = re.compile(rules.deferral) if rules.deferral else None
    elements = tuple(_find_element(rule, sections, date, deferral, document.path)
                     for rule in rules.approval)
    return ApprovalCheck(
        path=document.path,
        doc_type=info.doc_type if info else "",
        title=(info.title if info and info.title else _first_line(lines)),
        elements=elements,
    )


@dataclass(frozen=True, slots=True)
class _Section:
    """A heading line (or a table row) and the lines under it, down to the next heading of
    the same or a higher level."""

    locator: str
    heading: str  # the whole heading line; its first sentence is what names the element
    body: tuple[tuple[str, str], ...]  # (locator, text); a table row's other cells
    is_heading: bool  # False for a plain body line (one section per line, for statements)


_LABEL = re.compile(
    r"^\s*(?P<part>第[一二三四五六七八九十]+(部分|章|篇))|^\s*(?P<h1>[一二三四五六七八九十]+[、．.])"
    r"|^\s*(?P<h2>[（(][一二三四五六七八九十]+[）)])|^\s*(?P<h3>\d{1,2}[.．、](?!\d))"
    r"|^\s*(?P<h4>[（(]\d{1,2}[）)])|^\s*(?P<stage>第[一二三四五六七八九十]+(环节|阶段|步))")
_LEVELS = {"part": 0, "h1": 1, "stage": 2, "h2": 2, "h3": 3, "h4": 4}
_HEADING_STYLE = re.compile(r"^(heading|标题)\s*(\d)", re.IGNORECASE)
_FIRST_SENTENCE = re.compile(r"^[^。！？；;!?]*")


def _first_sentence(text: str) -> str:
    match = _FIRST_SENTENCE.match(text)
    return match.group(0) if match else text
_HEADING_ZONE = 40  # characters of a heading line that may name its section


def _sections(document: SourceDocument) -> list[_Section]:
    """Headings with their bodies, table rows, and each body line on its own, in order."""
    lines = [(loc, text.strip()) for loc, text in document_lines(document) if text.strip()]
    styles = {f"p{i}": p.style for i, p in enumerate(document.paragraphs, 1)}
    levels = [_heading_level(loc, text, styles.get(loc, ""), first=n == 0)
              for n, (loc, text) in enumerate(lines)]
    sections: list[_Section] = []
    rows: dict[str, list[tuple[str, str]]] = {}
    for loc, text in lines:
        if loc.startswith("t"):
            rows.setdefault(loc, []).append((loc, text))
    for n, ((loc, text), level) in enumerate(zip(lines, levels, strict=True)):
        if loc.startswith("t"):
            cells = rows.pop(loc, None)
            if cells:  # a table row: its first cell heads the row
                sections.append(_Section(loc, cells[0][1], tuple(cells[1:]), True))
            continue
        if level is None:
            sections.append(_Section(loc, text, (), False))
            continue
        body = []
        for (body_loc, body_text), body_level in zip(lines[n + 1:], levels[n + 1:],
                                                     strict=True):
            if body_level is not None and body_level <= level:
                break
            body.append((body_loc, body_text))
        sections.append(_Section(loc, text, tuple(body), True))
    return sections


def _heading_level(loc: str, text: str, style: str, *, first: bool) -> int | None:
    if loc.startswith("t"):
        return None
    styled = _HEADING_STYLE.match(style)
    if styled:
        return int(styled.group(2))
    label = _LABEL.match(text)
    if label and len(_first_sentence(text)) <= _HEADING_ZONE:
        return _LEVELS[label.lastgroup or "h1"]
    if not first and len(text) <= 25 and not re.search(r"[。！？；;!?，,]$", text):
        return 1  # a short line of its own (the document's title, first, heads nothing)
    return None


def _find_element(rule: Rule, sections: list[_Section], date: re.Pattern[str],
                  deferral: re.Pattern[str] | None, path: str) -> Evidence:
    undated: Evidence | None = None
    for section in sections:  # 1. a heading that names the element, with a body
        zone = _first_sentence(section.heading)[:_HEADING_ZONE]
        cue = next((c for c in rule.cues if c in zone), None) if section.is_heading else None
        if cue is None or (not rule.dated and not _has_body(section, cue, deferral)):
            continue  # a stage is judged by its dates, any other element by its body
        quote = _section_quote(section, cue, deferral)
        if not rule.dated:
            return Evidence(rule.name, True, quote, path, section.locator)
        dated = _dated_quote(section, date)
        if dated is not None:
            return Evidence(rule.name, True, _join(quote, dated), path, section.locator)
        undated = undated or Evidence(rule.name, False, quote, path, section.locator,
                                      note="未写明时间安排")
    statements = [re.compile(p) for p in rule.statements]
    lines = [(x.locator, x.heading, x.is_heading) for x in sections
             if not x.locator.startswith("t")]
    for n, (loc, text, _) in enumerate(lines):  # 2. a sentence that states the element
        for sentence in _SENTENCE_END.split(text):
            hit = next((m for m in (p.search(sentence) for p in statements) if m), None)
            if hit is None or (deferral is not None and deferral.search(sentence)):
                continue
            quote = _sentence(sentence, hit.group(0))
            if not rule.dated:
                return Evidence(rule.name, True, quote, path, loc)
            near = [sentence]  # the sentence, then the lines after it up to the next heading
            for _, after, heading in lines[n + 1:n + 3]:
                if heading:
                    break
                near.append(after)
            found = next((_sentence(t, m.group(0)) for t in near
                          for m in [date.search(t)] if m), None)
            if found:
                return Evidence(rule.name, True, _join(quote, found), path, loc)
            undated = undated or Evidence(rule.name, False, quote, path, loc,
                                          note="未写明时间安排")
    return undated or Evidence(rule.name, False)


def _has_body(section: _Section, cue: str, deferral: re.Pattern[str] | None) -> bool:
    """Something under the heading (not a sentence pointing elsewhere), or after the named
    element on the heading line itself."""
    own = section.heading[section.heading.find(cue) + len(cue):]
    if section.locator.startswith("t"):  # a table row: its other cells are its body
        return any(t.strip() for _, t in section.body) or len(own) >= 6
    return (sum(len(s) for s in _own_sentences(section, deferral)) >= 8
            or len(re.sub(r"[\W_]", "", own)) >= 6)


def _section_quote(section: _Section, cue: str, deferral: re.Pattern[str] | None) -> str:
    heading = _sentence(section.heading, cue)
    body = _own_sentences(section, deferral)
    if len(section.heading) >= 20 or not body:
        return heading
    return _join(heading, _sentence(body[0], body[0][:1]))


def _own_sentences(section: _Section, deferral: re.Pattern[str] | None) -> list[str]:
    """The body's sentences that say something themselves (not "见实施方案")."""
    return [s.strip() for _, text in section.body for s in _SENTENCE_END.split(text)
            if s.strip() and not (deferral is not None and deferral.search(s))]


def _dated_quote(section: _Section, date: re.Pattern[str]) -> str | None:
    """The date (as its sentence) the section gives, or None."""
    for _, text in ((section.locator, section.heading), *section.body):
        match = date.search(text)
        if match:
            return _sentence(text, match.group(0))
    return None


def _join(first: str, second: str) -> str:
    return first if not second or second in first else f"{first}……{second}"


def check_study(results: Sequence[DocumentResult], rules: ReviewRules) -> StudyCheck:
    """五有、四落实 over all of a unit's study plans and records taken together."""
    docs = [r.document for r in results
            if r.document.ok and r.info and r.info.doc_type in rules.study_doc_types]
    lines = [list(document_lines(doc)) for doc in docs]  # once, not once per point
    points = []
    for rule in rules.study:
        found = Evidence(rule.name, False)
        for doc, doc_lines in zip(docs, lines, strict=True):
            hit = _first_hit(rule, doc_lines)
            if hit:
                found = Evidence(rule.name, True, hit[1], doc.path, hit[0])
                break
        points.append(found)
    return StudyCheck(tuple(d.path for d in docs), tuple(points))


def find_rectification_gaps(
    path: str, rectifications: Iterable[RectificationLike], rules: ReviewRules
) -> list[RectificationGap]:
    """The problems of one rectification list that lack a required field (empty or flagged)."""
    gaps = []
    for rect in rectifications:
        flagged = set(getattr(rect, "missing", ()) or ())
        missing = tuple(f for f in rules.rectification_required
                        if f in flagged or not str(getattr(rect, f, "") or "").strip())
        if missing:
            gaps.append(RectificationGap(path, rect.problem, rect.locator, missing))
    return gaps


def _first_hit(rule: Rule, lines: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    pattern = re.compile(rule.pattern) if rule.pattern else None
    for loc, text in lines:
        cue = next((c for c in rule.cues if c in text), None)
        if cue is None and pattern is not None:
            match = pattern.search(text)
            cue = match.group(0) if match else None
        if cue is not None:
            return loc, _sentence(text, cue)
    return None


def _sentence(text: str, cue: str) -> str:
    """The sentence of text that holds cue, shortened around it when long."""
    sentence = next((s for s in _SENTENCE_END.split(text) if cue in s), text).strip()
    if len(sentence) <= _QUOTE_MAX:
        return sentence
    at = max(0, sentence.find(cue) - _QUOTE_MAX // 3)
    piece = sentence[at:at + _QUOTE_MAX]
    return ("……" if at else "") + piece + ("……" if at + _QUOTE_MAX < len(sentence) else "")


def _first_line(lines: list[tuple[str, str]]) -> str:
    return lines[0][1].strip()[:60] if lines else ""


def _rules(raw: Any) -> tuple[Rule, ...]:
    return tuple(
        Rule(str(r["name"]), tuple(str(c) for c in r.get("cues", ())), str(r.get("pattern", "")),
             bool(r.get("dated", False)), tuple(str(x) for x in r.get("statements", ())))
        for r in raw
    )


@cache
def _load(path: Path) -> ReviewRules:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    approval, study, rect = data["approval"], data["study"], data["rectification"]
    re.compile(approval["date_pattern"])  # a bad pattern fails here, at load time
    for element in approval["element"]:
        for pattern in (*element.get("statements", ()), approval.get("deferral", "")):
            re.compile(pattern)
    return ReviewRules(
        approval_doc_types=tuple(approval["doc_types"]),
        approval=_rules(approval["element"]),
        date_pattern=str(approval["date_pattern"]),
        date_window=int(approval.get("date_window", 3)),
        deferral=str(approval.get("deferral", "")),
        study_doc_types=tuple(study["doc_types"]),
        study=_rules(study["point"]),
        rectification_doc_types=tuple(rect["doc_types"]),
        rectification_required=tuple(rect["required"]),
        rectification_names=tuple((str(k), str(v)) for k, v in rect.get("names", {}).items()),
    )
