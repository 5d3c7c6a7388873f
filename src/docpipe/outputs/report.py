"""The run report and the run-level output files (documents, items, review queue).

The JSON-lines shapes here are the public contract shared with the CLI (`docpipe items`,
`docpipe classify`): extend them, never rename or remove a field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from functools import lru_cache
from pathlib import Path
from typing import Any

from docpipe.fsutil import atomic_write_text, atomic_writer, display_path, utf8
from docpipe.reading.inbox import Inbox
from docpipe.records import (
    ClassifiedItem,
    DocStatus,
    DocumentResult,
    Item,
    Prediction,
    Rejection,
    RunReport,
    UnitSummary,
)
from docpipe.serialize import dumps, loads
from docpipe.taxonomy import Taxonomy

REPORT_JSON = "report.json"
# Every item of a document repeats its path: decode each path once.
_display_path = lru_cache(maxsize=4096)(display_path)


def item_json(item: Item) -> dict[str, Any]:
    return {
        "path": _display_path(item.path),
        "unit": item.unit,
        "doc_type": item.doc_type,
        "index": item.index,
        "text": item.text,
        "heading_path": list(item.heading_path),
        "locator": item.locator,
        "fields": dict(item.fields),
        "hint": item.hint,
        "point": item.point,
    }


def prediction_json(text: str, p: Prediction) -> dict[str, Any]:
    return {
        "text": text,
        "label": p.label,
        "probabilities": {k: round(v, 4) for k, v in p.probabilities.items()},
        "needs_review": p.needs_review,
        "secondary": p.secondary,
        "merged_label": p.merged_label,
        "terms": list(p.terms),
    }


def classified_json(ci: ClassifiedItem) -> dict[str, Any]:
    return {**item_json(ci.item), **prediction_json(ci.item.text, ci.prediction)}


def document_json(result: DocumentResult) -> dict[str, Any]:
    doc, info = result.document, result.info
    return {
        "path": display_path(result.source.relpath),
        "unit": info.unit if info else result.source.unit,
        "unit_known": info.unit_known if info else None,
        "status": doc.status.value,
        "error_code": doc.error_code.value if doc.error_code else None,
        "message": doc.message,
        "duplicate_of": display_path(doc.duplicate_of) if doc.duplicate_of else None,
        "sha256": doc.sha256,
        "doc_type": info.doc_type if info else None,
        "doc_type_confidence": round(info.doc_type_confidence, 3) if info else None,
        "title": info.title if info else "",
        "items": len(result.items),
        "flags": list(doc.flags),
        "also_submitted_by": list(result.also_submitted_by),
    }


def build_report(
    inbox: Inbox,
    results: Sequence[DocumentResult],
    summaries: Sequence[UnitSummary],
    out_dir: Path,
    model_version: str,
    outputs: Mapping[str, str] | None = None,
    output_errors: Sequence[Rejection] = (),
) -> RunReport:
    """The run's report; ``output_errors`` are the outputs docpipe failed to write."""
    rejected = tuple(_rejection(r) for r in results if r.document.status is DocStatus.REJECTED)
    failed = tuple(_rejection(r) for r in results if r.document.status is DocStatus.FAILED)
    duplicates = tuple(
        (display_path(r.source.relpath), display_path(r.document.duplicate_of))
        for r in results
        if r.document.status is DocStatus.DUPLICATE
    )
    processed = sum(r.document.ok for r in results)
    skipped = tuple((s.relpath, s.reason) for s in inbox.skipped)
    return RunReport(
        str(inbox.root),
        str(out_dir),
        model_version,
        len(results),
        processed,
        rejected,
        duplicates,
        tuple(summaries),
        dict(outputs or {}),
        skipped,
        (*failed, *output_errors),
    )


def _rejection(r: DocumentResult) -> Rejection:
    return Rejection(
        display_path(r.source.relpath),
        r.source.unit,
        r.document.error_code.value if r.document.error_code else "",
        r.document.message,
    )


def run_file_lines(result: DocumentResult) -> tuple[bytes, bytes, bytes]:
    """One file's lines of documents.jsonl, items.jsonl and review_queue.jsonl (UTF-8)."""
    items = [utf8(_jsonl(classified_json(ci))) for ci in result.items]
    review = [line for ci, line in zip(result.items, items, strict=True)
              if ci.prediction.needs_review]
    return utf8(_jsonl(document_json(result))), b"".join(items), b"".join(review)


def write_run_files(
    out_dir: Path, inbox: Inbox, lines: Iterable[tuple[bytes, bytes, bytes]]
) -> dict[str, str]:
    """documents.jsonl (every file, with its status), items.jsonl, review_queue.jsonl.

    ``lines`` are ``run_file_lines`` of every file, in path order; they are read once, as they
    come, and written at once: at region scale the items alone are hundreds of megabytes of
    JSON, never held at once.  The inbox's skipped files end documents.jsonl.
    """
    paths = {name: out_dir / f"{name}.jsonl" for name in ("documents", "items", "review_queue")}
    with ExitStack() as stack:
        files = [stack.enter_context(atomic_writer(p)) for p in paths.values()]
        for per_file in lines:
            for fh, text in zip(files, per_file, strict=True):
                fh.write(text)
        for s in inbox.skipped:
            row = {"path": s.relpath, "status": "skipped", "message": s.reason}
            files[0].write(utf8(_jsonl(row)))
    return {name: str(path) for name, path in paths.items()}


def report_paths(out_dir: Path) -> dict[str, str]:
    return {"report": str(out_dir / REPORT_JSON), "report_md": str(out_dir / "report.md")}


def write_report(out_dir: Path, report: RunReport, taxonomy: Taxonomy) -> None:
    """report.json (the RunReport, readable back with read_report) and report.md."""
    atomic_write_text(out_dir / REPORT_JSON, dumps(report, indent=2) + "\n")
    atomic_write_text(out_dir / "report.md", format_report(report, taxonomy))


def read_report(out_dir: Path) -> RunReport:
    return loads(RunReport, (out_dir / REPORT_JSON).read_bytes())


def format_report(report: RunReport, taxonomy: Taxonomy) -> str:
    """The short report printed after a run (also saved as report.md)."""
    labels = taxonomy.labels
    lines = [
        "# docpipe run",
        "",
        f"- inbox: {report.inbox}",
        f"- documents: {report.documents} (processed {report.processed}, "
        f"rejected {len(report.rejected)}, duplicates {len(report.duplicates)}, "
        f"skipped {len(report.skipped)}"
        + (f", docpipe defects {len(report.internal_errors)}" if report.internal_errors else "")
        + ")",
        f"- model: {report.model_version}",
        "",
    ]
    if report.internal_errors:
        lines += ["## docpipe defects (not the senders' fault; retried on the next run)", ""]
        lines += [f"- {r.path}: [{r.error_code}] {r.message}" for r in report.internal_errors]
        lines.append("")
    if report.rejected:
        lines += ["## Rejected files", ""]
        lines += [f"- {r.path}: [{r.error_code}] {r.message}" for r in report.rejected]
        lines.append("")
    if report.skipped:
        lines += ["## Skipped (not submissions)", ""]
        lines += [f"- {path}: {reason}" for path, reason in report.skipped]
        lines.append("")
    if report.duplicates:
        lines += ["## Duplicates (counted once)", ""]
        lines += [f"- {p} = {d}" for p, d in report.duplicates]
        lines.append("")
    lines += ["## Items per category per unit", ""]
    header = ["unit", "group", "docs", "items", *labels, "review"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for u in report.units:
        name = u.unit or "(files directly under the inbox, unit not found)"
        if u.unit and not u.known:
            name += " (not in units.csv)"
        row = [
            name,
            u.group,
            str(u.documents),
            str(u.items),
            *(str(u.counts.get(lab, 0)) for lab in labels),
            str(u.needs_review),
        ]
        lines.append("| " + " | ".join(row) + " |")
    totals = {lab: sum(u.counts.get(lab, 0) for u in report.units) for lab in labels}
    lines.append(
        "| **total** | | "
        + " | ".join(
            [
                str(sum(u.documents for u in report.units)),
                str(sum(u.items for u in report.units)),
                *(str(totals[lab]) for lab in labels),
                str(sum(u.needs_review for u in report.units)),
            ]
        )
        + " |"
    )
    if report.outputs:
        lines += ["", "## Outputs", "", f"{len(report.outputs)} files under {report.out_dir}:"]
        lines += [
            f"- {name}: {report.outputs[name]}" for name in _MAIN_OUTPUTS if name in report.outputs
        ]
        lines.append(
            f"- per unit: {Path(report.out_dir) / 'units'}/<unit>/ "
            "(summary, opinion digest, review drafts as .docx, .md and .json)"
        )
    return "\n".join(lines) + "\n"


_MAIN_OUTPUTS = (
    "report_md",
    "documents",
    "items",
    "review_queue",
    "progress.docx",
    "dashboard.html",
)


def _jsonl(row: Mapping[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"

