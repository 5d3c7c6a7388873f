"""How well documents are split into items and typed, against an annotated set.

The set is a folder of .docx files and ``expected.json``, annotated by hand from the documents by
the item-boundary rules of ``docs/labelling.md`` (see ``tests/data/items_eval/ANNOTATION.md``):
``{"documents": [{"file", "doc_type", "items": [{"text", "point"?}, ...],
"points": [{"point", "summary"}, ...]}, ...]}``.  Items of one numbered point share its number;
the point's summary ("学风不正，学用脱节。") is recorded with the point, not as an item.

Texts are compared normalised: without a leading list label ("（一）", "1．", "①", "一是"),
width-folded (NFKC), without whitespace and punctuation.  A point may be found whole (one item
holding its summary and all its manifestations, or all manifestations without the summary) or
by its parts, like the realdocs scorer; a part may carry the point's summary in front of it.
Otherwise matching is one to one: equal texts match, else the best remaining pair whose
similarity (difflib ratio) is at least 0.9, which tolerates a stray character or a short
lead-in but not a merged or cut item.  Precision counts the found items that matched, recall
the gold items that were found.

    python -m docpipe.understanding.evaluate [DIR] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from docpipe.records import InboxFile, SourceDocument
from docpipe.understanding.doctype import describe_document
from docpipe.understanding.items import split_items

# the annotated set lives in the checkout (tests/data), not in the installed package
DEFAULT_DIR = Path.cwd() / "tests" / "data" / "items_eval"
TOLERANCE = 0.9
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_NUM = "一二三四五六七八九十"
# A list label at the start of an item: it numbers the item, it is not what the item says.
_LABEL = re.compile(
    rf"^\s*(?:[（(]\s*(?:[{_NUM}]+|\d{{1,3}})\s*[)）]"
    rf"|(?:[{_NUM}]+|\d{{1,3}})\s*[、．.，,)）](?!\d)"
    rf"|[①-⑳]"
    rf"|其?[{_NUM}]是"
    rf"|第[{_NUM}]+\s*[，,、:：]"
    rf"|(?:首先|其次|再次|最后)\s*[，,、:：])\s*"
)


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One annotated item; ``point`` is the number of the point it belongs to, if any."""

    text: str
    point: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentScore:
    file: str
    expected_type: str
    detected_type: str
    expected_items: int
    found_items: int
    matched: int  # gold items found
    matched_found: int = 0  # found items that matched a gold item (or a whole point)
    whole_points: int = 0  # points found as one item
    missed: tuple[str, ...] = ()  # expected items nobody found
    extra: tuple[str, ...] = ()  # items found that were not expected


@dataclass(frozen=True, slots=True)
class EvalReport:
    documents: tuple[DocumentScore, ...]
    precision: float
    recall: float
    f1: float
    doc_type_accuracy: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def match_key(text: str) -> str:
    """The form two item texts are compared in: no list label, width-folded, bare characters."""
    text = _strip_label(text)
    return _DROP.sub("", _strip_label(unicodedata.normalize("NFKC", text)))


def _strip_label(text: str) -> str:
    for _ in range(3):  # "一、（一）1." stacked labels
        stripped = _LABEL.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_items(expected: Sequence[str | GoldItem], found: Sequence[str],
                summaries: Mapping[int, str] | None = None) -> list[tuple[int, int]]:
    """(expected index, found index) pairs, one to one except that all parts of a point pair
    with the one found item that holds the point whole."""
    gold = [g if isinstance(g, GoldItem) else GoldItem(g) for g in expected]
    summary_keys = {n: match_key(s) for n, s in (summaries or {}).items()}
    e_keys = [match_key(g.text) for g in gold]
    f_keys = [match_key(t) for t in found]
    pairs: list[tuple[int, int]] = []
    free = set(range(len(found)))
    for parts in _points(gold).values():
        if len(parts) < 2:
            continue  # a one-part point whole is its part with the summary: matched below
        bare = "".join(e_keys[i] for i in parts)
        wholes = [summary_keys.get(gold[parts[0]].point or 0, "") + bare, bare]
        j = _best(wholes, f_keys, free)
        if j is not None:
            pairs += [(i, j) for i in parts]
            free.discard(j)
    done = {i for i, _ in pairs}
    forms = {i: _forms(e_keys[i], summary_keys.get(gold[i].point or 0, ""))
             for i in range(len(gold)) if i not in done}
    for i, keys in forms.items():
        j = next((j for j in sorted(free) if f_keys[j] in keys), None)
        if j is not None:
            pairs.append((i, j))
            free.discard(j)
            done.add(i)
    scored = sorted(((max(_ratio(k, f_keys[j]) for k in keys), i, j)
                     for i, keys in forms.items() if i not in done for j in free), reverse=True)
    for ratio, i, j in scored:
        if ratio < TOLERANCE:
            break
        if i in done or j not in free:
            continue
        pairs.append((i, j))
        done.add(i)
        free.discard(j)
    return sorted(pairs)


def _points(gold: Sequence[GoldItem]) -> dict[int, list[int]]:
    points: dict[int, list[int]] = {}
    for i, g in enumerate(gold):
        if g.point is not None:
            points.setdefault(g.point, []).append(i)
    return points


def _forms(key: str, summary: str) -> tuple[str, ...]:
    """A part alone, or carrying its point's summary."""
    return (key, summary + key) if summary else (key,)


def _best(wholes: Sequence[str], f_keys: Sequence[str], free: set[int]) -> int | None:
    scored = [(max(_ratio(w, f_keys[j]) for w in wholes), -j) for j in free]
    best = max(scored, default=None)
    return -best[1] if best is not None and best[0] >= TOLERANCE else None


def read_gold(entry: Mapping[str, Any]) -> tuple[list[GoldItem], dict[int, str]]:
    """A document's gold items and point summaries; plain strings are items without a point."""
    items = [GoldItem(i) if isinstance(i, str) else GoldItem(i["text"], i.get("point"))
             for i in entry["items"]]
    summaries = {int(p["point"]): str(p["summary"]) for p in entry.get("points", [])}
    return items, summaries


def score_document(entry: Mapping[str, Any], detected_type: str,
                   found: Sequence[str]) -> DocumentScore:
    """Score one document's found items against its gold entry."""
    expected, summaries = read_gold(entry)
    pairs = match_items(expected, found, summaries)
    hit_e, hit_f = {i for i, _ in pairs}, {j for _, j in pairs}
    per_found: dict[int, int] = {}
    for _, j in pairs:
        per_found[j] = per_found.get(j, 0) + 1
    return DocumentScore(
        str(entry["file"]), str(entry["doc_type"]), detected_type, len(expected), len(found),
        len(hit_e), len(hit_f), sum(1 for n in per_found.values() if n > 1),
        tuple(g.text for i, g in enumerate(expected) if i not in hit_e),
        tuple(t for j, t in enumerate(found) if j not in hit_f),
    )


def evaluate(directory: str | Path = DEFAULT_DIR,
             reader: Callable[[str], SourceDocument] | None = None) -> EvalReport:
    """Split and type every document of the set and score against its annotations."""
    if reader is None:
        from docpipe.reading.ingest import read_docx

        reader = read_docx
    base = Path(directory)
    spec = json.loads((base / "expected.json").read_text(encoding="utf-8"))
    scores: list[DocumentScore] = []
    for entry in spec["documents"]:
        path = base / entry["file"]
        doc = reader(str(path))
        info = describe_document(doc, InboxFile(str(path), entry["file"], ""), {})
        found = [item.text for item in split_items(doc, info)] if doc.ok else []
        scores.append(score_document(entry, info.doc_type, found))
    return _report(scores)


def _report(scores: Sequence[DocumentScore]) -> EvalReport:
    found = sum(s.found_items for s in scores)
    expected = sum(s.expected_items for s in scores)
    precision = sum(s.matched_found for s in scores) / found if found else 1.0
    recall = sum(s.matched for s in scores) / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    typed = sum(s.expected_type == s.detected_type for s in scores)
    accuracy = typed / len(scores) if scores else 1.0
    return EvalReport(tuple(scores), round(precision, 4), round(recall, 4), round(f1, 4),
                      round(accuracy, 4))


def format_report(report: EvalReport) -> str:
    lines = [
        f"documents          {len(report.documents)}",
        f"items expected     {sum(s.expected_items for s in report.documents)}",
        f"items found        {sum(s.found_items for s in report.documents)}",
        f"points found whole {sum(s.whole_points for s in report.documents)}",
        f"item precision     {report.precision:.3f}",
        f"item recall        {report.recall:.3f}",
        f"item F1            {report.f1:.3f}",
        f"doc-type accuracy  {report.doc_type_accuracy:.3f}",
    ]
    for s in report.documents:
        if s.expected_type != s.detected_type:
            lines.append(f"  {s.file}: type {s.detected_type}, expected {s.expected_type}")
        lines += [f"  {s.file}: missed {t}" for t in s.missed]
        lines += [f"  {s.file}: extra  {t}" for t in s.extra]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docpipe evaluate-items", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help="evaluation set folder")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = evaluate(args.dir)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
