"""A small, fast, byte-deterministic .docx writer for the sample and scale inboxes.

python-docx's default template carries 800 KB of styles per file and stamps the current time
into the zip and core properties; the sample inbox must regenerate byte for byte and the scale
corpus must write thousands of files a minute.  So the generator describes a document as a list
of blocks and this module writes the OOXML package directly: compact styles with East-Asian fonts
(as GB/T 9704 documents set them), real automatic numbering (一、 （一） 1. （1）) in
numbering.xml, tables, fixed zip timestamps.  The files open in Word, LibreOffice and python-docx.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Automatic numbering schemes: name -> (abstractNumId, ((numFmt, lvlText) per level)).
NUMBERING = {
    "outline": (
        0,
        (
            ("chineseCounting", "%1、"),
            ("chineseCounting", "（%2）"),
            ("decimal", "%3."),
            ("decimal", "（%4）"),
        ),
    ),
    "decimal": (1, (("decimal", "%1."), ("decimal", "（%2）"))),
    "decimal_comma": (2, (("decimal", "%1、"), ("decimal", "（%2）"))),
}


@dataclass(frozen=True, slots=True)
class Para:
    """A body paragraph: one run of text with optional style, font and automatic numbering.

    ``numbering`` is (list instance, level, scheme); paragraphs sharing an instance number
    continuously, a new instance restarts at 1.
    """

    text: str
    style: str = ""  # style id: Title, Heading1, Heading2, Heading3
    align: str = ""  # center, right, both
    bold: bool = False
    font: str = ""  # East-Asian font of the run
    size: int = 0  # half-points; 0 = the style's
    indent: bool = True  # first-line indent of two characters (body text)
    numbering: tuple[int, int, str] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A grid table; the first row is the header (bold, repeated on each page)."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()  # twips per column; equal widths when empty


Block = Para | Table


def docx_bytes(
    blocks: Sequence[Block], *, title: str = "", author: str = "", date: str = "2013-07-01"
) -> bytes:
    """The .docx package for ``blocks`` as bytes; the same arguments give the same bytes."""
    lists: dict[int, str] = {}
    body = "".join(_block_xml(b, lists) for b in blocks)
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/core.xml", _core_xml(title, author, date)),
        ("docProps/app.xml", _APP),
        ("word/_rels/document.xml.rels", _DOC_RELS),
        ("word/document.xml", _DOC_HEAD + body + _SECT + "</w:body></w:document>"),
        ("word/styles.xml", _STYLES),
        ("word/numbering.xml", _numbering_xml(lists)),
        ("word/settings.xml", _SETTINGS),
    ]
    return zip_bytes((name, text.encode("utf-8")) for name, text in parts)


def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip with fixed timestamps and attributes, so equal input gives equal bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            z.writestr(info, data)
    return buf.getvalue()


def _block_xml(block: Block, lists: dict[int, str]) -> str:
    if isinstance(block, Table):
        return _table_xml(block)
    return _para_xml(block, lists)


def _para_xml(p: Para, lists: dict[int, str]) -> str:
    ppr = []
    if p.style:
        ppr.append(f'<w:pStyle w:val="{p.style}"/>')
    if p.numbering is not None:
        instance, level, scheme = p.numbering
        lists.setdefault(instance, scheme)
        ppr.append(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{instance + 1}"/></w:numPr>')
    if not p.indent:
        ppr.append('<w:ind w:firstLine="0"/>')
    if p.align:
        ppr.append(f'<w:jc w:val="{p.align}"/>')
    rpr = []
    if p.font:
        rpr.append(f'<w:rFonts w:ascii="{p.font}" w:hAnsi="{p.font}" w:eastAsia="{p.font}"/>')
    if p.bold:
        rpr.append("<w:b/>")
    if p.size:
        rpr.append(f'<w:sz w:val="{p.size}"/><w:szCs w:val="{p.size}"/>')
    pxml = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
    rxml = f"<w:rPr>{''.join(rpr)}</w:rPr>" if rpr else ""
    run = f'<w:r>{rxml}<w:t xml:space="preserve">{escape(p.text)}</w:t></w:r>' if p.text else ""
    return f"<w:p>{pxml}{run}</w:p>"


def _table_xml(t: Table) -> str:
    ncols = max(len(r) for r in t.rows)
    widths = t.widths or tuple(8844 // ncols for _ in range(ncols))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = []
    for i, row in enumerate(t.rows):
        cells = []
        for j in range(ncols):
            text = row[j] if j < len(row) else ""
            paras = "".join(
                '<w:p><w:pPr><w:ind w:firstLine="0"/></w:pPr>'
                + ("<w:r><w:rPr><w:b/></w:rPr>" if i == 0 else "<w:r>")
                + f'<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
                if line
                else "<w:p/>"
                for line in text.split("\n")
            )
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/></w:tcPr>{paras}</w:tc>'
            )
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if i == 0 else ""
        rows.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl><w:p/>"
    )


def _numbering_xml(lists: dict[int, str]) -> str:
    abstracts = []
    for abstract_id, levels in NUMBERING.values():
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        abstracts.append(
            f'<w:abstractNum w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'
        )
    nums = "".join(
        f'<w:num w:numId="{instance + 1}"><w:abstractNumId w:val="{NUMBERING[scheme][0]}"/>'
        + "".join(
            f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="1"/></w:lvlOverride>'
            for i in range(len(NUMBERING[scheme][1]))
        )
        + "</w:num>"
        for instance, scheme in sorted(lists.items())
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{_W}">'
        f"{''.join(abstracts)}{nums}</w:numbering>"
    )


def _core_xml(title: str, author: str, date: str) -> str:
    stamp = f"{date}T09:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_CT}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_CT}.styles+xml"/>'
    f'<Override PartName="/word/numbering.xml" ContentType="{_CT}.numbering+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{_CT}.settings+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG_R}">'
    f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_R}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG_R}">'
    f'<Relationship Id="rId1" Type="{_R}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_R}/numbering" Target="numbering.xml"/>'
    f'<Relationship Id="rId3" Type="{_R}/settings" Target="settings.xml"/>'
    "</Relationships>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"><Application>Microsoft Office Word</Application></Properties>'
)
_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:settings xmlns:w="{_W}"><w:defaultTabStop w:val="420"/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/></w:settings>'
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
)
# A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 22 lines of 28 characters.
_SECT = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" '
    'w:bottom="1984" w:left="1587" w:header="851" w:footer="992" w:gutter="0"/>'
    '<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-842"/></w:sectPr>'
)


def _style(sid: str, name: str, font: str, size: int, extra_ppr: str = "", bold: bool = False):
    b = "<w:b/>" if bold else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>'
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{extra_ppr}</w:pPr><w:rPr>"
        f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>{b}'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>'
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles xmlns:w="{_W}"><w:docDefaults><w:rPrDefault><w:rPr>'
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" '
    'w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
    '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:line="579" w:lineRule="exact"/>'
    '<w:ind w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "<w:qFormat/></w:style>"
    + _style(
        "Title", "Title", "方正小标宋简体", 44, '<w:ind w:firstLine="0"/><w:jc w:val="center"/>'
    )
    + _style("Heading1", "heading 1", "黑体", 32, '<w:outlineLvl w:val="0"/>')
    + _style("Heading2", "heading 2", "楷体_GB2312", 32, '<w:outlineLvl w:val="1"/>')
    + _style("Heading3", "heading 3", "仿宋_GB2312", 32, '<w:outlineLvl w:val="2"/>', bold=True)
    + '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal '
    'Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" '
    'w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
    '<w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
    '<w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:tblPr><w:tblBorders>'
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders></w:tblPr></w:style></w:styles>"
)
