"""Read a submitted .docx into a SourceDocument: the text Word shows, safely, or a clear refusal.

The reader never raises for bad input. It recognises a file from its bytes (not its name),
refuses what it will not read (old .doc, encrypted, macro-enabled, hostile or damaged files) with
a message a clerk can act on, and reads what it accepts with lxml under fixed limits on size,
depth and time. Nothing is written to disk and nothing in the file is executed. Helpers live in
``docpipe.reading.ooxml``.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Callable

from lxml import etree

from docpipe.reading.limits import Limits
from docpipe.reading.ooxml import names as n
from docpipe.reading.ooxml.body import Walker
from docpipe.reading.ooxml.guard import Deadline, ReadError
from docpipe.reading.ooxml.numbering import Numbering
from docpipe.reading.ooxml.package import (
    OLE2_MAGIC,
    Package,
    classify_ole2,
    is_zip,
    rels_name,
    resolve_target,
    sniff_non_zip,
)
from docpipe.reading.ooxml.styles import Styles, load_styles
from docpipe.reading.ooxml.xmlparse import check_depth, parse_content_types, parse_part, parse_rels
from docpipe.records import DocStatus, ErrorCode, Paragraph, SourceDocument

__all__ = ["Limits", "read_docx", "read_docx_bytes", "text_hash"]

_LIBXML2_MAX_DEPTH = 256  # libxml2's own limit without huge_tree
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
_RESAVE = "Open it in Word or WPS, save it again as .docx and submit again."
_Parse = Callable[[str], "etree._Element | None"]


def read_docx(path: str | os.PathLike[str], limits: Limits = Limits(), *,
              allow_macros: bool = False, recover: bool = False) -> SourceDocument:
    """Read a .docx file from disk; never raises for bad input (see the module docstring)."""
    deadline = Deadline(limits.max_seconds)
    name = os.fsdecode(os.fspath(path))
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return _rejected(name, "", ErrorCode.UNREADABLE, "This is not a regular file "
                             "(a folder, device or pipe), so it cannot be read as a document.", 0)
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
            if len(data) > limits.max_file_bytes:
                digest = hashlib.sha256(data)
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
                size = max(info.st_size, len(data))
                return _rejected(name, digest.hexdigest(), ErrorCode.TOO_LARGE, _file_too_large(
                    size, limits), size)
    except OSError as exc:
        reason = _printable(exc.strerror or type(exc).__name__)
        return _rejected(name, "", ErrorCode.UNREADABLE, f"The file could not be opened "
                         f"({reason}). Check that it still exists and that it may be read, "
                         "then submit again. 文件无法打开，请检查后重新提交。", 0)
    return _read_guarded(data, name, limits, allow_macros, recover, deadline)


def read_docx_bytes(data: bytes, path: str = "<bytes>", limits: Limits = Limits(), *,
                    allow_macros: bool = False, recover: bool = False) -> SourceDocument:
    """Read a .docx held in memory; ``path`` is only recorded, never opened."""
    return _read_guarded(data, path, limits, allow_macros, recover, Deadline(limits.max_seconds))


def text_hash(paragraphs: tuple[Paragraph, ...] | list[Paragraph]) -> str:
    """sha256 of the text in Unicode NFC with runs of whitespace collapsed, empty lines dropped.

    Re-saving a file changes its bytes but not this hash, so the pipeline can find duplicates.
    (NFC, not NFKC: full-width punctuation is kept, and NFC costs a hundredth of the time.)
    """
    text = unicodedata.normalize("NFC", "\n".join(p.text for p in paragraphs))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return hashlib.sha256("\n".join(line for line in lines if line).encode("utf-8")).hexdigest()


def _read_guarded(data: bytes, path: str, limits: Limits, allow_macros: bool, recover: bool,
                  deadline: Deadline) -> SourceDocument:
    sha = hashlib.sha256(data).hexdigest()
    try:
        return _read(data, path, sha, limits, allow_macros, recover, deadline)
    except ReadError as exc:
        return _rejected(path, sha, exc.code, _printable(exc.message), len(data))
    except MemoryError:
        return _rejected(path, sha, ErrorCode.TOO_LARGE, "The document needs more memory than "
                         "is safe to read. Split it into smaller documents and submit again.",
                         len(data))
    except Exception as exc:  # a defect of ours: report it, keep the batch going
        detail = _printable(f"{type(exc).__name__}: {exc}")[:300]
        return _rejected(path, sha, ErrorCode.INTERNAL_ERROR, "docpipe failed on this file "
                         f"because of a defect in docpipe ({detail}). The file itself may be "
                         "fine: report this to the maintainers.", len(data))


def _read(data: bytes, path: str, sha: str, limits: Limits, allow_macros: bool, recover: bool,
          deadline: Deadline) -> SourceDocument:
    if not data:
        raise ReadError(ErrorCode.EMPTY_FILE, "The file is empty (0 bytes): the upload or copy "
                        "probably failed. Submit the document again. 文件为空，请重新提交。")
    if len(data) > limits.max_file_bytes:
        raise ReadError(ErrorCode.TOO_LARGE, _file_too_large(len(data), limits))
    if data.startswith(OLE2_MAGIC):
        raise classify_ole2(data, deadline)
    if not is_zip(data):
        raise sniff_non_zip(data)
    package = Package(data, limits, deadline)
    flags: set[str] = set()

    def parse(part: str) -> etree._Element | None:
        raw = package.read(part)
        if raw is None:
            return None
        root, recovered = parse_part(raw, part, recover=recover)
        if recovered:
            flags.add("recovered")
        if limits.max_depth < _LIBXML2_MAX_DEPTH:
            check_depth(root, part, limits.max_depth, deadline)
        return root

    main, kind = _locate_main(package, parse)
    if kind in n.MACRO_KINDS:
        if not allow_macros:
            raise ReadError(ErrorCode.MACRO_ENABLED, "This is a macro-enabled Word file (.docm); "
                            "for safety it is not read. Open it in Word or WPS, save it as a "
                            "normal Word Document (.docx) and submit again. "
                            "含宏文档，请另存为.docx后重新提交。")
        flags.add("macros")
    if kind in ("dotx", "dotm"):
        flags.add("template")
    document = parse(main)
    body = document.find(n.BODY) if document is not None else None
    if document is None or document.tag != n.w("document") or body is None:
        raise ReadError(ErrorCode.MISSING_MAIN_PART, f"The part {main} is not a Word document "
                        "body in the usual (transitional) format, so no text can be read. "
                        f"{_RESAVE} 文档主体缺失，请另存为.docx后重新提交。")
    related: dict[str, list[str]] = {}
    rels_root = parse(rels_name(main))
    for rel_type, target, _rid, external in parse_rels(rels_root) if rels_root is not None else []:
        part = "" if external else resolve_target(main, target)
        if part and package.has(part):
            related.setdefault(rel_type, []).append(part)

    def first(rel_type: str) -> etree._Element | None:
        parts = related.get(rel_type, [])
        return parse(parts[0]) if parts else None

    styles_parts = related.get("styles", [])
    styles = load_styles(package.read(styles_parts[0]) if styles_parts else None,
                         styles_parts[0] if styles_parts else "", recover=recover)
    walker = Walker(styles, Numbering(lambda: first("numbering"), styles), limits, deadline)
    walker.walk(body)
    flags |= walker.flags
    paragraphs, tables = walker.finish()
    extras: dict[str, tuple[str, ...]] = {}
    for rel_type, note_tag in (("header", ""), ("footer", ""), ("footnotes", "footnote"),
                               ("endnotes", "endnote"), ("comments", "comment")):
        texts: list[str] = []
        for part in related.get(rel_type, []):
            root = parse(part)
            if root is not None:
                texts.extend(_part_texts(root, n.w(note_tag) if note_tag else "", styles,
                                         limits, deadline, flags))
        extras[rel_type] = tuple(texts)
    if styles.recovered:
        flags.add("recovered")
    return SourceDocument(
        path=path, sha256=sha, status=DocStatus.OK, paragraphs=paragraphs, tables=tables,
        text_hash=text_hash(paragraphs), size=len(data), headers=extras["header"],
        footers=extras["footer"], footnotes=extras["footnotes"], endnotes=extras["endnotes"],
        comments=extras["comments"], flags=tuple(sorted(flags)),
    )


def _locate_main(package: Package, parse: _Parse) -> tuple[str, str]:
    """The main document part (from _rels/.rels, else [Content_Types].xml) and its kind."""
    types_root = parse("[Content_Types].xml")
    defaults, overrides = parse_content_types(types_root) if types_root is not None else ({}, {})
    rels_root = parse("_rels/.rels")
    main = ""
    for rel_type, target, _rid, external in parse_rels(rels_root) if rels_root is not None else []:
        if rel_type == "officeDocument" and not external:
            main = resolve_target("", target)
            break
    if not main:
        main = next((part for part, ct in overrides.items() if ct in n.WORD_MAIN_TYPES), "")
    content_type = overrides.get(main.lower()) or defaults.get(main.rsplit(".", 1)[-1].lower(), "")
    every_type = " ".join([content_type, *overrides.values()])
    for marker, what in (("spreadsheetml", "an Excel workbook"),
                         ("presentationml", "a PowerPoint presentation"),
                         ("ms-xpsdocument", "an XPS document")):
        if marker in (content_type if main else every_type):
            raise ReadError(ErrorCode.NOT_WORD, f"This file is {what}, not a Word document. "
                            "Submit the document as a Word file (.docx). "
                            "请提交Word格式（.docx）文件。")
    if not main:
        if types_root is None and rels_root is None and not any(
            name.startswith("word/") for name in package.names
        ):
            raise ReadError(ErrorCode.NOT_WORD, _plain_zip_message(package))
        raise ReadError(ErrorCode.MISSING_MAIN_PART, "The .docx package has no main document "
                        f"part, so it holds no readable text. {_RESAVE} "
                        "文档主体缺失，请用Word或WPS另存为.docx后重新提交。")
    if not package.has(main):
        raise ReadError(ErrorCode.MISSING_MAIN_PART, f"The .docx package names its main part "
                        f"{main} but does not contain it; the file is incomplete. {_RESAVE} "
                        "文档主体缺失，请用Word或WPS另存为.docx后重新提交。")
    return main, n.WORD_MAIN_TYPES.get(content_type, "docx")


def _plain_zip_message(package: Package) -> str:
    members = package.member_names()
    if any(name == "mimetype" for name in members):
        what = "an OpenDocument file (.odt/.ods from WPS or LibreOffice)"
    else:
        what = f"an ordinary zip archive ({len(members)} files)"
    return (f"This file is {what}, not a Word document. If the document is inside the archive, "
            "unpack it and submit the .docx itself; otherwise save it as Word Document (.docx). "
            "请提交Word格式（.docx）文件。")


def _part_texts(root: etree._Element, note_tag: str, styles: Styles, limits: Limits,
                deadline: Deadline, flags: set[str]) -> list[str]:
    """One text per header/footer part, or per footnote/endnote/comment; empty ones dropped."""
    containers = [root] if not note_tag else [
        el for el in root.iter(note_tag) if el.get(n.w("type"), "") not in _NOTE_SEPARATORS
    ]
    texts = []
    for container in containers:
        walker = Walker(styles, None, limits, deadline)
        walker.walk(container)
        flags |= walker.flags
        text = "\n".join(p.text for p in walker.paragraphs).strip()
        if text:
            texts.append(text)
    return texts


def _file_too_large(size: int, limits: Limits) -> str:
    return (f"The file is {size / 2**20:.1f} MiB, over the limit of "
            f"{limits.max_file_bytes / 2**20:.0f} MiB. Compress its pictures (Word: File > "
            "Compress Pictures) or split the document, then submit again. "
            "文件过大，请压缩图片或拆分后重新提交。")


def _printable(text: str) -> str:
    """A message safe to print and log: no lone surrogates, no control characters."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _rejected(path: str, sha: str, code: ErrorCode, message: str, size: int) -> SourceDocument:
    return SourceDocument(path=path, sha256=sha, status=DocStatus.REJECTED, error_code=code,
                          message=message, size=size)
