"""The supervisors' checks on submitted documents, as plain findings the drafts turn into text.

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


@dataclass(frozen=True, slots=True)
class ReviewRules:
    approval_doc_types: tuple[str, ...]
    approval: tuple[Rule, ...]
    date_pattern: str
    date_window: int
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

    Locators follow the items' convention: "p12" for paragraph 12, "t1r3" for table 1 row 3.
    """
    seen_tables = False
    for index, para in enumerate(document.paragraphs):
        if para.table is not None:
            seen_tables = True
            t, r, _ = para.table
            yield f"t{t}r{r}", para.text
        else:
            yield f"p{index}", para.text
    if not seen_tables:  # a reader that keeps cells only in ``tables``
        for table in document.tables:
            for r, row in enumerate(table.rows):
                yield f"t{table.index}r{r}", " ".join(c for c in row if c)


def check_approval(
    document: SourceDocument, info: DocInfo | None, rules: ReviewRules
) -> ApprovalCheck:
    """Each required element of a plan or speech: found with a quote, or missing."""
    lines = [(loc, text) for loc, text in document_lines(document) if text.strip()]
    date = re.compile(rules.date_pattern)
    elements = tuple(_find_element(rule, lines, date, rules.date_window, document.path)
                     for rule in rules.approval)
    return ApprovalCheck(
        path=document.path,
        doc_type=info.doc_type if info else "",
        title=(info.title if info and info.title else _first_line(lines)),
        elements=elements,
    )


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


def _find_element(
    rule: Rule, lines: list[tuple[str, str]], date: re.Pattern[str], window: int, path: str
) -> Evidence:
    first: tuple[str, str] | None = None
    for index, (loc, text) in enumerate(lines):
        cue = next((c for c in rule.cues if c in text), None)
        if cue is None:
            continue
        quote = _sentence(text, cue)
        if not rule.dated:
            return Evidence(rule.name, True, quote, path, loc)
        first = first or (loc, quote)
        for near_loc, near in lines[index:index + window]:
            match = date.search(near)
            if match:
                quote_with_date = quote if near_loc == loc and match.group(0) in quote \
                    else f"{quote}……{_sentence(near, match.group(0))}"
                return Evidence(rule.name, True, quote_with_date, path, loc)
    if first:
        return Evidence(rule.name, False, first[1], path, first[0], note="未写明时间安排")
    return Evidence(rule.name, False)


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
             bool(r.get("dated", False)))
        for r in raw
    )


@cache
def _load(path: Path) -> ReviewRules:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    approval, study, rect = data["approval"], data["study"], data["rectification"]
    re.compile(approval["date_pattern"])  # a bad pattern fails here, at load time
    return ReviewRules(
        approval_doc_types=tuple(approval["doc_types"]),
        approval=_rules(approval["element"]),
        date_pattern=str(approval["date_pattern"]),
        date_window=int(approval.get("date_window", 3)),
        study_doc_types=tuple(study["doc_types"]),
        study=_rules(study["point"]),
        rectification_doc_types=tuple(rect["doc_types"]),
        rectification_required=tuple(rect["required"]),
        rectification_names=tuple((str(k), str(v)) for k, v in rect.get("names", {}).items()),
    )
