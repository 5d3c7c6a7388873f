"""Build .docx packages (and hostile look-alikes) byte by byte, so each test shows its input.

``docx(body)`` wraps WordprocessingML body markup in a minimal, valid package; keyword
arguments add styles, numbering, headers, notes, comments or change where the main part lives.
``zip_of`` writes arbitrary members; ``ole2`` writes a minimal OLE2 compound file.
"""

from __future__ import annotations

import io
import struct
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_PARTS = {  # relationship type -> (file name, content type, root element)
    "styles": ("styles.xml", _CT + "styles+xml", "styles"),
    "numbering": ("numbering.xml", _CT + "numbering+xml", "numbering"),
    "footnotes": ("footnotes.xml", _CT + "footnotes+xml", "footnotes"),
    "endnotes": ("endnotes.xml", _CT + "endnotes+xml", "endnotes"),
    "comments": ("comments.xml", _CT + "comments+xml", "comments"),
}
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def p(text: str = "", *, style: str = "", num: tuple[int, int] | None = None) -> str:
    """A simple paragraph with one run; ``num`` = (numId, ilvl)."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{run}</w:p>"


def tbl(rows: list[list[str]]) -> str:
    """A table whose cells hold the given markup (use ``p()`` inside)."""
    body = "".join("<w:tr>" + "".join(f"<w:tc>{cell}</w:tc>" for cell in row) + "</w:tr>"
                   for row in rows)
    return f"<w:tbl><w:tblPr/>{body}</w:tbl>"


def part_xml(root: str, inner: str) -> bytes:
    return f"{DECL}<w:{root} {NAMESPACES}>{inner}</w:{root}>".encode()


def document_xml(body: str) -> bytes:
    return part_xml("document", f"<w:body>{body}<w:sectPr/></w:body>")


def docx(body: str = "", *, main: str = "word/document.xml", main_type: str = DOCX_MAIN,
         document: bytes | None = None, styles: str | None = None,
         numbering: str | None = None, headers: tuple[str, ...] = (),
         footers: tuple[str, ...] = (), footnotes: str | None = None,
         endnotes: str | None = None, comments: str | None = None,
         extra: dict[str, bytes] | None = None, omit: tuple[str, ...] = (),
         package_rels: str | None = None) -> bytes:
    """A package around ``body`` (or a whole ``document``); other parts as inner markup."""
    folder = main.rsplit("/", 1)[0] + "/" if "/" in main else ""
    parts: dict[str, bytes] = {main: document if document is not None else document_xml(body)}
    overrides = [(main, main_type)]
    rels = []
    inner = {"styles": styles, "numbering": numbering, "footnotes": footnotes,
             "endnotes": endnotes, "comments": comments}
    for rel_type, markup in inner.items():
        if markup is None:
            continue
        name, ctype, root = _PARTS[rel_type]
        parts[folder + name] = part_xml(root, markup)
        overrides.append((folder + name, ctype))
        rels.append((rel_type, name))
    for kind, texts in (("header", headers), ("footer", footers)):
        for i, markup in enumerate(texts, 1):
            name = f"{kind}{i}.xml"
            parts[folder + name] = part_xml("hdr" if kind == "header" else "ftr", markup)
            overrides.append((folder + name, f"{_CT}{kind}+xml"))
            rels.append((kind, name))
    base = main.rsplit("/", 1)[-1]
    parts[f"{folder}_rels/{base}.rels"] = _rels(rels)
    parts["_rels/.rels"] = (package_rels.encode() if package_rels is not None
                            else _rels([("officeDocument", "/" + main)]))
    parts["[Content_Types].xml"] = content_types(overrides)
    parts.update(extra or {})
    return zip_of({name: data for name, data in parts.items() if name not in omit})


def _rels(rels: list[tuple[str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="rId{i}" Type="{_RT}{kind}" Target="{target}"/>'
                   for i, (kind, target) in enumerate(rels, 1))
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    return f'{DECL}<Relationships xmlns="{ns}">{body}</Relationships>'.encode()


def content_types(overrides: list[tuple[str, str]]) -> bytes:
    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    defaults = ('<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>')
    body = "".join(f'<Override PartName="/{name}" ContentType="{ctype}"/>'
                   for name, ctype in overrides)
    return f'{DECL}<Types xmlns="{ns}">{defaults}{body}</Types>'.encode()


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def replace_member(package: bytes, name: str, data: bytes) -> bytes:
    """The same package with one member's bytes replaced (or added)."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    members[name] = data
    return zip_of(members)


def ole2(*stream_names: str) -> bytes:
    """A minimal OLE2 compound file whose directory lists the given streams (all empty)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    entries = [("Root Entry", 5)] + [(name, 2) for name in stream_names]
    dir_sectors = max(1, -(-len(entries) // 4))
    fat = [fat_sector] + [i + 2 for i in range(dir_sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    directory = bytearray(512 * dir_sectors)
    for i, (name, kind) in enumerate(entries):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        directory[i * 128 : i * 128 + len(raw)] = raw
        struct.pack_into("<HB", directory, i * 128 + 0x40, len(raw), kind)
        struct.pack_into("<III", directory, i * 128 + 0x44, free, free, free)
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory)
