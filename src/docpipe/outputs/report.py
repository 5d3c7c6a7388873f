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
        inbox_notices(inbox),
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


def inbox_notices(inbox: Inbox) -> tuple[str, ...]:
    """What the office must know before reading the numbers, said once at the top."""
    notices = []
    if not inbox.listed:
        notices.append(
            "收件箱中没有 units.csv：各文件夹按单位统计，无法判断哪些单位应报送，不列进度滞后单位。"
            "请在收件箱根目录放置 units.csv（表头：单位,督导组,批次,简称）。")
    if inbox.matched:
        pairs = "；".join(f"“{m.folder}”→{m.unit}" for m in inbox.matched)
        notices.append(f"以下文件夹按简称或写法（空格、全半角）归入 units.csv 中的单位：{pairs}。")
    if not inbox.files:
        notices.append("收件箱中没有可处理的文件：本次未统计任何材料。")
    return tuple(notices)


def format_report(report: RunReport, taxonomy: Taxonomy, lang: str = "zh") -> str:
    """The short report printed after a run (also saved as report.md), Chinese or English."""
    words = _WORDS[lang if lang in _WORDS else "zh"]
    labels = taxonomy.labels
    lines = [
        f"# {words['title']}",
        "",
        *(f"> {n}" for n in report.notices),
        *([""] if report.notices else []),
        f"- {words['inbox']}: {report.inbox}",
        "- " + words["documents"].format(
            n=report.documents, ok=report.processed, rejected=len(report.rejected),
            dup=len(report.duplicates), skipped=len(report.skipped))
        + (words["defects"].format(n=len(report.internal_errors)) if report.internal_errors
           else ""),
        f"- {words['model']}: {report.model_version}",
        "",
    ]
    if report.internal_errors:
        lines += [f"## {words['defects_title']}", ""]
        lines += [f"- {r.path}: [{r.error_code}] {r.message}" for r in report.internal_errors]
        lines.append("")
    if report.rejected:
        lines += [f"## {words['rejected']}", ""]
        lines += [f"- {r.path}: [{r.error_code}] {r.message}" if lang == "en"
                  else f"- {r.path}：{clerk_message(r)}" for r in report.rejected]
        lines.append("")
    if report.skipped:
        lines += [f"## {words['skipped']}", ""]
        lines += [f"- {path}: {reason}" for path, reason in report.skipped]
        lines.append("")
    if report.duplicates:
        lines += [f"## {words['duplicates']}", ""]
        lines += [f"- {p} = {d}" for p, d in report.duplicates]
        lines.append("")
    lines += [f"## {words['per_unit']}", ""]
    header = [*words["columns"][:4], *labels, words["columns"][4]]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for u in report.units:
        name = u.unit or words["root"]
        if u.unit and not u.known and not any(words["no_csv"] in n for n in report.notices):
            name += words["not_listed"]
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
        f"| **{words['total']}** | | "
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
        lines += ["", f"## {words['outputs']}", "",
                  words["files_under"].format(n=len(report.outputs), out=report.out_dir)]
        lines += [
            f"- {words['names'].get(name, name)}: {report.outputs[name]}"
            for name in _MAIN_OUTPUTS if name in report.outputs
        ]
        lines.append(words["per_unit_files"].format(folder=Path(report.out_dir) / "units"))
    return "\n".join(lines) + "\n"


_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "docpipe 运行报告", "inbox": "收件箱",
        "defects": "；docpipe 程序缺陷{n}份",
        "defects_title": "docpipe 程序缺陷（docpipe defects：不是报送单位的问题，下次运行会重试）",
        "documents": "文件{n}份（已处理{ok}份，退回{rejected}份，重复{dup}份，跳过{skipped}个）",
        "model": "分类模型版本", "rejected": "退回的文件（请按说明处理后重新报送）",
        "skipped": "跳过的文件（不是报送材料）", "duplicates": "重复文件（只计一次）",
        "per_unit": "各单位意见、问题分类统计",
        "columns": ("单位", "督导组", "文件", "条目", "需人工研判"),
        "root": "（收件箱根目录下的文件）", "not_listed": "（不在 units.csv 中）",
        "no_csv": "没有 units.csv", "total": "合计", "outputs": "输出文件",
        "files_under": "共{n}个文件，位于 {out}：",
        "names": {"report_md": "运行报告", "documents": "文件清单", "items": "全部条目",
                  "review_queue": "需人工研判条目", "progress.docx": "督导进展报告",
                  "dashboard.html": "督导看板"},
        "per_unit_files": "- 各单位：{folder}/<单位>/（统计表、意见建议梳理汇总、审定意见等草稿，"
                          ".docx、.md、.json 各一份）",
    },
    "en": {
        "title": "docpipe run", "inbox": "inbox",
        "defects": "; docpipe defects {n}",
        "defects_title": "docpipe defects (not the senders' fault; retried on the next run)",
        "documents": "documents: {n} (processed {ok}, rejected {rejected}, duplicates {dup}, "
                     "skipped {skipped})",
        "model": "model", "rejected": "Rejected files", "skipped": "Skipped (not submissions)",
        "duplicates": "Duplicates (counted once)", "per_unit": "Items per category per unit",
        "columns": ("unit", "group", "docs", "items", "review"),
        "root": "(files directly under the inbox, unit not found)",
        "not_listed": " (not in units.csv)", "no_csv": "没有 units.csv", "total": "total",
        "outputs": "Outputs", "files_under": "{n} files under {out}:", "names": {},
        "per_unit_files": "- per unit: {folder}/<unit>/ (summary, opinion digest, review drafts "
                          "as .docx, .md and .json)",
    },
}


def clerk_message(rejection: Rejection) -> str:
    """What a clerk does about a rejected file, in Chinese, naming the file's own kind.

    The reader's message (English first, for the JSON and the maintainers) stays in
    documents.jsonl; this is what the office reads.
    """
    suffix = Path(rejection.path).suffix.lower()
    code = rejection.error_code
    if code == "legacy_doc" or (code == "not_word" and suffix in (".wps", ".doc", ".et", ".dps")):
        kind = _OLD_KINDS.get(suffix, "旧版 Word 97-2003（.doc）文件")
        app = "WPS" if suffix == ".wps" else "Word 或 WPS"
        return (f"这是{kind}，docpipe 只读 .docx：请用{app}打开，"
                "“另存为”Word 文档（*.docx）后重新报送。")
    text = _CLERK_MESSAGES.get(code)
    if text is None:
        return rejection.message
    return text


_OLD_KINDS = {".wps": "WPS 文字的旧格式（.wps）文件", ".doc": "旧版 Word 97-2003（.doc）文件",
              ".et": "WPS 表格文件（.et），不是文字文档",
              ".dps": "WPS 演示文件（.dps），不是文字文档"}
_SAVE_AS = "请用 Word 或 WPS 打开，“另存为”Word 文档（*.docx）后重新报送。"
_CLERK_MESSAGES = {
    "empty_file": "文件是空的（0 字节），可能复制或下载未完成：请重新报送。",
    "not_word": "不是 Word 文档（可能是改了扩展名的文本、网页、PDF 或图片）。" + _SAVE_AS,
    "corrupt_zip": "文件已损坏（可能下载或复制不完整）。请报送单位重新发送原文件。",
    "missing_main_part": "文件不完整，缺少正文部分。" + _SAVE_AS,
    "encrypted": "文档设有打开密码，无法读取：请取消密码（文件→信息→保护文档），"
                 "另存为 .docx 后重新报送。",
    "macro_enabled": "这是含宏的 Word 文件（.docm），为安全起见不读取。" + _SAVE_AS,
    "too_large": "文件过大或内含内容异常庞大，超出读取限制：请删去大图片等内容后重新报送。",
    "xml_dtd": "文件内部格式异常（含实体声明），为安全起见不读取。" + _SAVE_AS,
    "xml_too_deep": "文件内部结构嵌套过深，无法读取。" + _SAVE_AS,
    "xml_malformed": "文件内部格式损坏，无法读取。" + _SAVE_AS,
    "xml_encoding": "文件内部编码异常，无法读取。" + _SAVE_AS,
    "timeout": "读取超时（文件异常复杂）。" + _SAVE_AS,
    "unreadable": "文件无法打开（没有读取权限，或在处理时被移走）：请检查后重新运行。",
    "internal_error": "docpipe 处理此文件时出错（程序缺陷，不是材料的问题），文件已保留；"
                      "请将此文件转交 docpipe 维护人员。",
}


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

