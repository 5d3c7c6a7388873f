"""How well documents are split into items and typed, against an annotated set.

The set is a folder of .docx files and ``expected.json``
(``{"documents": [{"file", "doc_type", "items": [text, ...]}, ...]}``).  Items are matched one to
one within a document on normalised text: width-folded (NFKC), without whitespace and
punctuation.  Equal texts match; otherwise the best remaining pair matches when its similarity
(difflib ratio) is at least 0.9, which tolerates a stray character but not a merged or cut item.

    python -m docpipe.understanding.evaluate [DIR] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from docpipe.records import InboxFile, SourceDocument
from docpipe.understanding.doctype import describe_document
from docpipe.understanding.items import split_items

# the annotated set lives in the checkout (tests/data), not in the installed package
DEFAULT_DIR = Path.cwd() / "tests" / "data" / "items_eval"
TOLERANCE = 0.9
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class DocumentScore:
    file: str
    expected_type: str
    detected_type: str
    expected_items: int
    found_items: int
    matched: int
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
    """The form two item texts are compared in."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def match_items(expected: Sequence[str], found: Sequence[str]) -> list[tuple[int, int]]:
    """One-to-one (expected index, found index) pairs: exact keys first, then similar ones."""
    e_keys = [match_key(t) for t in expected]
    f_keys = [match_key(t) for t in found]
    pairs: list[tuple[int, int]] = []
    free = set(range(len(found)))
    for i, key in enumerate(e_keys):
        j = next((j for j in sorted(free) if f_keys[j] == key), None)
        if j is not None:
            pairs.append((i, j))
            free.discard(j)
    left = [i for i in range(len(expected)) if i not in {p[0] for p in pairs}]
    scored = sorted(((difflib.SequenceMatcher(None, e_keys[i], f_keys[j]).ratio(), i, j)
                     for i in left for j in free), reverse=True)
    used_e: set[int] = set()
    for ratio, i, j in scored:
        if ratio < TOLERANCE:
            break
        if i in used_e or j not in free:
            continue
        pairs.append((i, j))
        used_e.add(i)
        free.discard(j)
    return sorted(pairs)


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
        expected = list(entry["items"])
        pairs = match_items(expected, found)
        hit_e, hit_f = {i for i, _ in pairs}, {j for _, j in pairs}
        scores.append(DocumentScore(
            entry["file"], entry["doc_type"], info.doc_type, len(expected), len(found),
            len(pairs),
            tuple(t for i, t in enumerate(expected) if i not in hit_e),
            tuple(t for j, t in enumerate(found) if j not in hit_f),
        ))
    return _report(scores)


def _report(scores: Sequence[DocumentScore]) -> EvalReport:
    matched = sum(s.matched for s in scores)
    found = sum(s.found_items for s in scores)
    expected = sum(s.expected_items for s in scores)
    precision = matched / found if found else 1.0
    recall = matched / expected if expected else 1.0
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
