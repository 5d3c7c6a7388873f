"""Where the campaign stands: which required documents each unit has sent, who is behind.

Over 400 lines on purpose: the timetable logic and the progress report's layout belong to
one output and change together.

The timetable is configuration (``campaign.toml``: stages with dates and the document types
each requires).  ``build_progress`` is pure: unit summaries and results in, a ``ProgressReport``
out, with the change since the previous run when that run's progress.json is given.
``progress_draft`` writes it up as the 督导进展报告.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from docpipe.outputs.officedoc import Block, BlockKind, Draft
from docpipe.outputs.summarise import merged_phrase
from docpipe.records import DocStatus, DocumentResult, UnitInfo, UnitSummary
from docpipe.settings import config_path
from docpipe.taxonomy import Taxonomy

__all__ = [
    "Campaign",
    "Changes",
    "GroupProgress",
    "ProgressReport",
    "Stage",
    "UnitProgress",
    "UnitState",
    "build_progress",
    "cn_date",
    "load_campaign",
    "progress_draft",
    "progress_json",
    "read_previous",
    "totals_sentence",
]

NO_GROUP = "未分组"
INBOX_ROOT = "（收件箱根目录）"


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    start: date
    end: date
    required: tuple[str, ...]
    due: Mapping[str, date] = field(default_factory=dict)

    def due_date(self, doc_type: str) -> date:
        return self.due.get(doc_type, self.end)


@dataclass(frozen=True, slots=True)
class Campaign:
    name: str
    office: str
    opinion_doc_types: tuple[str, ...]
    stages: tuple[Stage, ...]
    summary_lines: int = 15  # merged opinion lines listed per category in the opinion summary

    def current_stage(self, today: date) -> Stage | None:
        """The last stage that has started by today (None before the campaign begins)."""
        started = [s for s in self.stages if s.start <= today]
        return started[-1] if started else None


class UnitState(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"


@dataclass(frozen=True, slots=True)
class UnitProgress:
    unit: str
    group: str
    known: bool
    arrived: tuple[str, ...]  # required types (of the stages started so far) that arrived
    overdue: tuple[tuple[str, date], ...]  # required, due before today, not arrived
    pending: tuple[tuple[str, date], ...]  # required in the current stage, not yet due
    documents: int
    items: int
    counts: Mapping[str, int]
    needs_review: int

    @property
    def state(self) -> UnitState:
        return UnitState.BEHIND if self.overdue else UnitState.ON_TRACK


@dataclass(frozen=True, slots=True)
class GroupProgress:
    group: str
    units: tuple[UnitProgress, ...]
    counts: Mapping[str, int]

    @property
    def behind(self) -> tuple[UnitProgress, ...]:
        return tuple(u for u in self.units if u.state is UnitState.BEHIND)


@dataclass(frozen=True, slots=True)
class Changes:
    """Differences from the previous run's progress.json."""

    previous_date: str
    documents: int
    items: int
    counts: Mapping[str, int]
    arrived: tuple[tuple[str, str], ...]  # (unit, doc type) that were not there before
    added: int | None  # files that were not there before (None: not known)
    removed: int | None  # files that were there and are gone
    caught_up: tuple[str, ...]
    fell_behind: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProgressReport:
    today: date
    stage: str
    groups: tuple[GroupProgress, ...]
    counts: Mapping[str, int]
    merged_counts: Mapping[str, int]
    changes: Changes | None = None
    notices: tuple[str, ...] = ()  # said at the top (no units.csv, folders taken as a unit)
    files: tuple[str, ...] = ()  # inbox paths of the files counted, to tell what changed
    listed: bool = True  # units.csv was there: only then is anyone "expected" or "behind"

    @property
    def expected(self) -> tuple[UnitProgress, ...]:
        """The units of units.csv: those that must report (not folders missing from it)."""
        return tuple(u for u in self.units if u.known) if self.listed else ()

    @property
    def units(self) -> tuple[UnitProgress, ...]:
        return tuple(u for g in self.groups for u in g.units)

    @property
    def behind(self) -> tuple[UnitProgress, ...]:
        return tuple(u for g in self.groups for u in g.behind)

    @property
    def documents(self) -> int:
        return sum(u.documents for u in self.units)

    @property
    def items(self) -> int:
        return sum(u.items for u in self.units)

    @property
    def needs_review(self) -> int:
        return sum(u.needs_review for u in self.units)


def load_campaign(path: Path | None = None) -> Campaign:
    """The campaign timetable of ``campaign.toml`` (or another campaign file)."""
    return _load(path or config_path("campaign.toml"))


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def totals_sentence(counts: Mapping[str, int], phrases: Mapping[str, str]) -> str:
    """"形式主义方面X条，官僚主义方面Y条……" in the order of ``counts``."""
    return "，".join(f"{phrases.get(label, label + '方面')}{n}条" for label, n in counts.items())


def build_progress(
    summaries: Sequence[UnitSummary],
    results: Sequence[DocumentResult],
    units: Mapping[str, UnitInfo],
    taxonomy: Taxonomy,
    *,
    campaign: Campaign,
    today: date,
    previous: Mapping[str, Any] | None = None,
    notices: Sequence[str] = (),
) -> ProgressReport:
    """Per group and unit: required documents arrived, overdue and pending; category totals.

    Only units listed in units.csv are expected to report: a folder missing from it, the
    files directly under the inbox, and every folder when there is no units.csv, are counted
    but never "behind".
    """
    listed = any(u.known for u in units.values())
    stage = campaign.current_stage(today)
    started = [s for s in campaign.stages if s.start <= today]
    arrived_types: dict[str, set[str]] = {}
    for r in results:
        if r.document.status is DocStatus.OK and r.info is not None:
            arrived_types.setdefault(_unit_of(r), set()).add(r.info.doc_type)
    by_name = {s.unit: s for s in summaries}
    names = list(dict.fromkeys([*units, *by_name]))
    progress = []
    for name in names:
        info = units.get(name) or UnitInfo(name, known=False)
        summary = by_name.get(name)
        if summary is None and not info.known:
            continue
        has = arrived_types.get(name, set())
        required = [(t, s.due_date(t), s) for s in started for t in s.required
                    if info.known or t in has]
        progress.append(UnitProgress(
            unit=name,
            group=(summary.group if summary else info.group) or NO_GROUP,
            known=info.known,
            arrived=tuple(dict.fromkeys(t for t, _, _ in required if t in has)),
            overdue=tuple((t, d) for t, d, _ in required if t not in has and d < today),
            pending=tuple((t, d) for t, d, _ in required if t not in has and d >= today),
            documents=summary.documents if summary else 0,
            items=summary.items if summary else 0,
            counts=dict(summary.counts) if summary else {label: 0 for label in taxonomy.labels},
            needs_review=summary.needs_review if summary else 0,
        ))
    groups = []
    # units.csv order: groups as they first appear there, units as listed; no group last
    order = list(dict.fromkeys(u.group for u in progress))
    for group in sorted(order, key=lambda g: (g == NO_GROUP, order.index(g))):
        members = tuple(u for u in progress if u.group == group)
        groups.append(GroupProgress(group, members, _sum_counts(u.counts for u in members)))
    counts = _sum_counts(g.counts for g in groups)
    merged: Counter[str] = Counter({m: 0 for m in taxonomy.merged_labels})
    for label, n in counts.items():
        merged[_merged(taxonomy, label)] += n
    files = tuple(sorted(r.source.relpath for r in results
                         if r.document.status is not DocStatus.REJECTED))
    report = ProgressReport(today, stage.name if stage else "", tuple(groups), counts,
                            dict(merged), None, tuple(notices), files, listed)
    if previous:
        report = replace(report, changes=_changes(report, previous))
    return report


def progress_json(report: ProgressReport) -> dict[str, Any]:
    """The facts of the report; the next run reads them back to show the change."""
    return {
        "today": report.today.isoformat(),
        "stage": report.stage,
        "documents": report.documents,
        "items": report.items,
        "needs_review": report.needs_review,
        "counts": dict(report.counts),
        "merged_counts": dict(report.merged_counts),
        "notices": list(report.notices),
        "files": list(report.files),
        "units": [
            {
                "unit": u.unit, "group": u.group, "known": u.known, "state": str(u.state),
                "arrived": list(u.arrived),
                "overdue": [{"doc_type": t, "due": d.isoformat()} for t, d in u.overdue],
                "pending": [{"doc_type": t, "due": d.isoformat()} for t, d in u.pending],
                "documents": u.documents, "items": u.items, "counts": dict(u.counts),
                "needs_review": u.needs_review,
            }
            for u in report.units
        ],
        "changes": None if report.changes is None else {
            "previous_date": report.changes.previous_date,
            "documents": report.changes.documents,
            "items": report.changes.items,
            "counts": dict(report.changes.counts),
            "arrived": [list(p) for p in report.changes.arrived],
            "added": report.changes.added,
            "removed": report.changes.removed,
            "caught_up": list(report.changes.caught_up),
            "fell_behind": list(report.changes.fell_behind),
        },
    }


def read_previous(path: Path | None) -> dict[str, Any] | None:
    """The facts of a previous progress.json; None when absent or unreadable (first run)."""
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    facts = data.get("data", data) if isinstance(data, dict) else None
    return facts if isinstance(facts, dict) and "units" in facts else None


def progress_draft(report: ProgressReport, taxonomy: Taxonomy, campaign: Campaign) -> Draft:
    """The 督导进展报告: overall picture, change since last time, each group, units behind."""
    phrases = {c.name: c.phrase for c in taxonomy.categories}
    merged_phrases = {m: merged_phrase(taxonomy, m) for m in taxonomy.merged_labels}
    stage = f"活动处于“{report.stage}”环节" if report.stage else "活动尚未开始"
    blocks = [Block(BlockKind.PARAGRAPH, f"【说明】{n}") for n in report.notices]
    expected = report.expected
    if report.listed:
        standing = (f"应报送单位{len(expected)}个，{len(expected) - len(report.behind)}个单位已按时"
                    f"报送到期材料，{len(report.behind)}个单位进度滞后。")
    else:
        senders = len([u for u in report.units if u.unit])
        standing = ("未提供单位名单（units.csv），无法判断应报送单位和进度滞后情况；"
                    f"收到{senders}个文件夹的材料。")
    blocks += [
        Block(BlockKind.HEADING1, "总体进展"),
        Block(BlockKind.PARAGRAPH, f"截至{cn_date(report.today)}，{stage}。{standing}"),
        Block(BlockKind.PARAGRAPH,
              f"共收到文件{report.documents}份，梳理出意见、问题{report.items}条"
              + (f"，其中{totals_sentence(report.counts, phrases)}；按合并口径，"
                 f"{totals_sentence(report.merged_counts, merged_phrases)}" if report.items else "")
              + f"。需人工研判{report.needs_review}条。"),
    ]
    if report.changes is not None:
        blocks += _change_blocks(report.changes, phrases)
    blocks.append(Block(BlockKind.HEADING1, "各督导组情况"))
    for group in report.groups:
        blocks += _group_blocks(group, phrases, report.listed)
    if report.listed:
        blocks.append(Block(BlockKind.HEADING1, "进度滞后单位"))
        if not report.behind:
            blocks.append(Block(BlockKind.PARAGRAPH, "无。"))
        for u in report.behind:
            late = "、".join(f"{t}（应于{cn_date(d)}前报送）" for t, d in u.overdue)
            blocks.append(Block(BlockKind.ITEM,
                                f"{u.unit or INBOX_ROOT}（{u.group}）：逾期未报{late}。"))
    return Draft(
        kind="progress_report",
        title=f"{campaign.name}督导进展情况报告",
        blocks=tuple(blocks),
        signature=campaign.office,
        date=cn_date(report.today),
        data=progress_json(report),
    )


def _group_blocks(group: GroupProgress, phrases: Mapping[str, str], listed: bool) -> list[Block]:
    """A group's heading, its totals, a table of counts per unit and the lists as paragraphs.

    The table holds numbers only: a list of document types in a cell of a five-column table
    prints as a column of two or three characters.
    """
    expected = [u for u in group.units if u.known] if listed else []
    heading = (f"{group.group}（联系单位{len(expected)}个，滞后{len(group.behind)}个）" if expected
               else f"{group.group}（报送材料的文件夹{len(group.units)}个）")
    items = sum(u.items for u in group.units)
    blocks = [Block(BlockKind.HEADING2, heading),
              Block(BlockKind.PARAGRAPH, f"本组单位梳理出意见、问题{items}条"
                    + (f"，其中{totals_sentence(group.counts, phrases)}" if items else "") + "。")]
    rows = [("单位", "已报送", "逾期未报", "本环节待报", "意见问题")]
    rows += [(u.unit or INBOX_ROOT, f"{len(u.arrived)}项" if u.known or u.arrived else "—",
              f"{len(u.overdue)}项" if u.known and listed else "—",
              f"{len(u.pending)}项" if u.known and listed else "—", f"{u.items}条")
             for u in group.units]
    blocks.append(Block(BlockKind.TABLE, rows=tuple(rows)))
    pending = [f"{u.unit}：{'、'.join(t for t, _ in u.pending)}" for u in group.units
               if u.pending and u.known and listed]
    if pending:
        blocks.append(Block(BlockKind.PARAGRAPH, f"本环节待报材料：{'；'.join(pending)}。"))
    return blocks


def _change_blocks(changes: Changes, phrases: Mapping[str, str]) -> list[Block]:
    delta = "，".join(f"{phrases.get(k, k + '方面')}{_signed(v, '条')}"
                      for k, v in changes.counts.items() if v)
    blocks = [
        Block(BlockKind.HEADING1, "与上次相比"),
        Block(BlockKind.PARAGRAPH,
              f"与上次（{changes.previous_date}）相比，文件{_files_changed(changes)}，"
              f"意见、问题{_signed(changes.items, '条')}"
              + (f"，其中{delta}" if delta else "") + "。"),
    ]
    if changes.arrived:
        by_unit: dict[str, list[str]] = {}
        for unit, doc_type in changes.arrived:
            by_unit.setdefault(unit, []).append(doc_type)
        blocks.append(Block(BlockKind.PARAGRAPH, "新报送到期材料的单位："))
        blocks += [Block(BlockKind.ITEM, f"{u or INBOX_ROOT}：{'、'.join(t)}。")
                   for u, t in by_unit.items()]
    if changes.caught_up:
        blocks.append(Block(BlockKind.PARAGRAPH,
                            f"已补齐材料、不再滞后的单位：{'、'.join(changes.caught_up)}。"))
    if changes.fell_behind:
        blocks.append(Block(BlockKind.PARAGRAPH,
                            f"新出现滞后的单位：{'、'.join(changes.fell_behind)}。"))
    return blocks


def _changes(report: ProgressReport, previous: Mapping[str, Any]) -> Changes:
    before = {u.get("unit", ""): u for u in previous.get("units", []) if isinstance(u, dict)}
    prev_counts = previous.get("counts", {}) or {}
    labels = list(dict.fromkeys([*report.counts, *prev_counts]))
    arrived = []
    caught_up, fell_behind = [], []
    for u in report.units:
        old = before.get(u.unit)
        old_arrived = set(old.get("arrived", [])) if old else set()
        arrived += [(u.unit, t) for t in u.arrived if t not in old_arrived]
        was_behind = old is not None and old.get("state") == UnitState.BEHIND
        if was_behind and u.state is UnitState.ON_TRACK:
            caught_up.append(u.unit)
        elif not was_behind and u.state is UnitState.BEHIND:
            fell_behind.append(u.unit)
    had = previous.get("files")
    before_files = set(had) if isinstance(had, list) else None
    now = set(report.files)
    return Changes(
        previous_date=_cn_iso(str(previous.get("today", ""))),
        documents=report.documents - int(previous.get("documents", 0)),
        items=report.items - int(previous.get("items", 0)),
        counts={k: report.counts.get(k, 0) - int(prev_counts.get(k, 0)) for k in labels},
        arrived=tuple(arrived),
        added=len(now - before_files) if before_files is not None else None,
        removed=len(before_files - now) if before_files is not None else None,
        caught_up=tuple(caught_up),
        fell_behind=tuple(fell_behind),
    )


def _files_changed(changes: Changes) -> str:
    """"增加2份" / "新增1份、撤下1份" / "无变化": never "无变化" when files came and went."""
    if changes.added is None or changes.removed is None:  # a progress.json of an older run
        return _signed(changes.documents, "份")
    if changes.added and changes.removed:
        return f"新增{changes.added}份、撤下{changes.removed}份"
    return _signed(changes.added - changes.removed, "份")


def _cn_iso(text: str) -> str:
    try:
        return cn_date(date.fromisoformat(text))
    except ValueError:
        return text or "上次"


def _signed(n: int, unit: str) -> str:
    return f"增加{n}{unit}" if n > 0 else f"减少{-n}{unit}" if n < 0 else "无变化"


def _unit_of(result: DocumentResult) -> str:
    return result.info.unit if result.info else result.source.unit


def _sum_counts(counts: Any) -> dict[str, int]:
    total: Counter[str] = Counter()
    order: dict[str, None] = {}
    for c in counts:
        for k, v in c.items():
            order.setdefault(k)
            total[k] += v
    return {k: total[k] for k in order}


def _merged(taxonomy: Taxonomy, label: str) -> str:
    try:
        return taxonomy.merged(label)
    except KeyError:
        return label


@cache
def _load(path: Path) -> Campaign:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    stages = tuple(
        Stage(str(s["name"]), _date(s["start"]), _date(s["end"]), tuple(s.get("required", ())),
              {str(k): _date(v) for k, v in s.get("due", {}).items()})
        for s in data.get("stage", [])
    )
    if any(a.start > b.start for a, b in pairwise(stages)):
        raise ValueError(f"{path}: stages must be listed in order of their start dates")
    return Campaign(str(data.get("name", "")), str(data.get("office", "")),
                    tuple(data.get("opinion_doc_types", ())), stages,
                    int(data.get("summary", {}).get("lines_per_category", 15)))


def _date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
