"""Parse one package part with lxml, refusing DTDs and mapping libxml2's errors to error codes.

The parser never loads a DTD, never expands an entity, never touches the network and keeps
libxml2's default safety limits (``huge_tree=False``: depth 256, text nodes of 10 MB).
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from docpipe.reading.ooxml.guard import Deadline, ReadError
from docpipe.reading.ooxml.names import CT_NS, REL_NS
from docpipe.records import ErrorCode

_local = threading.local()  # lxml parsers must not be shared between threads
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_RESAVE = "Open it in Word or WPS, save it again as .docx and submit again."


def _parser(recover: bool) -> etree.XMLParser:
    key = "recover" if recover else "strict"
    parser = getattr(_local, key, None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
            recover=recover, remove_comments=True, remove_pis=True, collect_ids=False,
        )
        setattr(_local, key, parser)
    return parser


def parse_part(data: bytes, part: str, *, recover: bool = False) -> tuple[etree._Element, bool]:
    """The root element of a part and whether recovery mode had to skip damaged content."""
    refuse_dtd(data, part)
    parser = _parser(recover)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(part, str(exc), data) from None
    if root is None:
        raise _malformed(part, "nothing readable")
    errors = [entry.message for entry in parser.error_log] if recover else []
    for message in errors:
        hard = _limit_error(part, message)
        if hard is not None:
            raise hard
    return root, bool(errors)


def refuse_dtd(data: bytes, part: str) -> None:
    """Refuse any DTD or entity declaration before libxml2 sees the bytes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:100]:  # UTF-16 or UTF-32
        text = data.decode("utf-16", "replace").replace("\x00", "")
        found = "<!DOCTYPE" in text or "<!ENTITY" in text
    else:
        found = b"<!DOCTYPE" in data or b"<!ENTITY" in data
    if found:
        raise ReadError(
            ErrorCode.XML_DTD,
            f"The part {part} contains a DTD or entity declaration, which Word never writes; "
            f"for safety the file was not read. {_RESAVE} "
            "文档含不安全的XML声明，请另存为.docx后重新提交。",
        )


def _limit_error(part: str, message: str) -> ReadError | None:
    lowered = message.lower()
    if "depth" in lowered:
        return ReadError(
            ErrorCode.XML_TOO_DEEP,
            f"The part {part} nests its XML elements too deeply to read safely. {_RESAVE} "
            "文档结构嵌套过深，请另存为.docx后重新提交。",
        )
    if "resource limit" in lowered or "huge" in lowered or "too long" in lowered:
        return ReadError(
            ErrorCode.TOO_LARGE,
            f"The part {part} holds a single text or value longer than the safe limit "
            "(10 MB). Split the document or remove the oversized content, then submit again. "
            "文档中有超长内容，请拆分后重新提交。",
        )
    return None


def _syntax_error(part: str, message: str, data: bytes) -> ReadError:
    hard = _limit_error(part, message)
    if hard is not None:
        return hard
    declared = _DECLARED.match(data[:200])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    lowered = message.lower()
    if "unsupported encoding" in lowered or "labelled" in lowered or (
        "encoding" in lowered and encoding not in ("utf-8", "utf8")
    ):
        return ReadError(
            ErrorCode.XML_ENCODING,
            f"The part {part} declares the text encoding {encoding!r} but cannot be decoded "
            f"with it. {_RESAVE} 文档字符编码错误，请另存为.docx后重新提交。",
        )
    return _malformed(part, message)


def _malformed(part: str, detail: str) -> ReadError:
    detail = detail.encode("ascii", "backslashreplace").decode("ascii")[:160]
    return ReadError(
        ErrorCode.XML_MALFORMED,
        f"The part {part} of the document is damaged ({detail}). {_RESAVE} "
        "文档内容已损坏，请另存为.docx后重新提交。",
    )


def parse_content_types(root: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    """(defaults by lower-case extension, overrides by lower-case part name without '/')."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in root.iter(f"{{{CT_NS}}}Default"):
        defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
    for el in root.iter(f"{{{CT_NS}}}Override"):
        overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "")
    return defaults, overrides


def parse_rels(root: etree._Element) -> list[tuple[str, str, str, bool]]:
    """(type's last segment, target, id, external) for each relationship, in file order."""
    rels = []
    for el in root.iter(f"{{{REL_NS}}}Relationship"):
        rel_type = el.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        external = el.get("TargetMode", "").lower() == "external"
        rels.append((rel_type, el.get("Target", ""), el.get("Id", ""), external))
    return rels


def check_depth(root: etree._Element, part: str, max_depth: int, deadline: Deadline) -> None:
    """Reject a part nested deeper than ``max_depth`` (iteratively: no recursion)."""
    stack = [iter(root)]
    steps = 0
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        steps += 1
        if not steps & 0xFFF:
            deadline.check()
        if len(child):
            stack.append(iter(child))
            if len(stack) >= max_depth:
                raise _limit_error(part, "depth") or ReadError(ErrorCode.XML_TOO_DEEP, part)
