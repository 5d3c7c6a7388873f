"""Rectification plans and lists: (problem, measure, owner, deadline) records, gaps flagged.

Supervisors check that every problem has a measure, an owner and a deadline.  Records come from
tables (columns 存在问题 / 整改措施 / 责任人 / 完成时限 ...) and from numbered text, where the
owner and deadline follow keys such as "责任领导：" and "完成时限：" in the measure's paragraph
or in the lines right after it.  A measure without an explicit problem takes the heading above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docpipe.records import DocInfo, SourceDocument, Table
from docpipe.taxonomy import Taxonomy
from docpipe.text import compact
from docpipe.understanding.doctype import DocTypes, load_doctypes
from docpipe.understanding.items import header_row, normalise_text, paragraph_leaves

PROBLEM, MEASURE, OWNER, DEADLINE = "problem", "measure", "owner", "deadline"

# Header cells and text keys for each part of a record, most specific first.
_KEYS: dict[str, tuple[str, ...]] = {
    PROBLEM: ("存在问题", "存在的问题", "问题表现", "主要问题", "具体问题", "问题描述", "查摆问题",
              "整改问题", "问题"),
    MEASURE: ("整改措施", "整改举措", "具体措施", "措施", "整改任务", "整改目标", "整改内容"),
    OWNER: ("责任领导", "责任人", "牵头领导", "分管领导", "责任单位", "责任部门", "责任处室",
            "牵头单位", "牵头部门", "配合单位"),
    DEADLINE: ("完成时限", "整改时限", "完成时间", "整改期限", "时限要求", "时间节点", "时限"),
}
_KEY_RE = re.compile(
    "(" + "|".join(sorted({k for ks in _KEYS.values() for k in ks}, key=len, reverse=True))
    + r")\s*[：:]"
)


@dataclass(frozen=True, slots=True)
class Rectification:
    """One problem and what the unit will do about it; ``missing`` names the empty parts."""

    problem: str
    measure: str
    owner: str
    deadline: str
    locator: str
    missing: tuple[str, ...] = ()


def extract_rectifications(doc: SourceDocument, info: DocInfo, *,
                           taxonomy: Taxonomy | None = None,
                           config: DocTypes | None = None) -> list[Rectification]:
    """Records from the document's rectification tables and, in plans, its numbered text."""
    cfg = config or load_doctypes()
    records: list[Rectification] = []
    for position, table in enumerate(doc.tables, 1):
        if table.depth == 0:
            records += _from_table(table, position, cfg)
    text_keys = any(_KEY_RE.search(compact(p.text)) for p in doc.paragraphs if p.table is None)
    if cfg.rectification(info.doc_type) or text_keys:
        records += _from_text(doc, taxonomy, cfg, plan=cfg.rectification(info.doc_type))
    return records


def _from_table(table: Table, position: int, cfg: DocTypes) -> list[Rectification]:
    at, header = header_row(table, cfg)
    if header is None:
        return []
    cols = {part: _columns(header, keys) for part, keys in _KEYS.items()}
    if not (cols[MEASURE] or cols[OWNER] or cols[DEADLINE]):
        return []
    out: list[Rectification] = []
    for r, row in enumerate(table.rows[at + 1:], at + 2):
        cells = [normalise_text(c.replace("\n", " ")) for c in row]
        values = {part: "；".join(dict.fromkeys(cells[c] for c in cs
                                                 if c < len(cells) and cells[c]))
                  for part, cs in cols.items()}
        if not (values[PROBLEM] or values[MEASURE]) or len(set(filter(None, cells))) == 1:
            continue  # empty, or a merged row heading the rows below it
        out.append(_record(values, f"t{position}r{r}"))
    return out


def _columns(header: tuple[str, ...], keys: tuple[str, ...]) -> list[int]:
    names = [compact(h) for h in header]
    for key in keys:  # the most specific key that names a column wins
        found = [n for n, name in enumerate(names) if key in name]
        if found:
            return found if key in _KEYS[OWNER] else found[:1]
    return []


def _from_text(doc: SourceDocument, taxonomy: Taxonomy | None, cfg: DocTypes,
               plan: bool) -> list[Rectification]:
    """Every content paragraph of a plan; elsewhere only keyed ones or those under 整改 headings."""
    out: list[tuple[dict[str, str], str]] = []
    for locator, path, text in paragraph_leaves(doc, taxonomy=taxonomy, config=cfg):
        lead, keyed = _split_keys(text)
        if not lead or not (plan or keyed or any("整改" in h for h in path)):
            continue
        values = dict(keyed)
        if lead:
            if MEASURE in values:
                values.setdefault(PROBLEM, lead)
            else:
                values[MEASURE] = lead
        if PROBLEM not in values and path:
            values[PROBLEM] = path[-1]
        out.append((values, locator))
    _attach_key_lines(doc, out)
    return [_record(values, locator) for values, locator in out]


def _attach_key_lines(doc: SourceDocument, records: list[tuple[dict[str, str], str]]) -> None:
    """"责任处室：办公室" on the lines right after a record belongs to that record."""
    starts = {int(locator[1:]): k for k, (_, locator) in enumerate(records)}
    current: int | None = None
    for n, p in enumerate(doc.paragraphs, 1):
        if n in starts:
            current = starts[n]
            continue
        lead, keyed = _split_keys(p.text)
        if keyed and not lead and current is not None and p.table is None:
            for part, value in keyed.items():
                records[current][0].setdefault(part, value)
        elif lead:
            current = None


def _split_keys(text: str) -> tuple[str, dict[str, str]]:
    """('text before the first key', {part: value}) for '……。责任领导：张三；完成时限：年底'."""
    text = normalise_text(text)
    marks = list(_KEY_RE.finditer(text))
    if not marks:
        return text.strip(), {}
    values: dict[str, str] = {}
    for m, end in zip(marks, [*(m.start() for m in marks[1:]), len(text)], strict=True):
        part = next(p for p, keys in _KEYS.items() if m.group(1) in keys)
        value = text[m.end():end].strip().strip("（）()；;，,。 ")
        if value:
            values.setdefault(part, value)
    lead = text[:marks[0].start()].strip().rstrip("（(；;，, ")
    return lead, values


def _record(values: dict[str, str], locator: str) -> Rectification:
    parts = (PROBLEM, MEASURE, OWNER, DEADLINE)
    got = {p: values.get(p, "").strip() for p in parts}
    missing = tuple(p for p in (MEASURE, OWNER, DEADLINE) if not got[p])
    return Rectification(got[PROBLEM], got[MEASURE], got[OWNER], got[DEADLINE], locator, missing)


__all__ = ["Rectification", "extract_rectifications"]
