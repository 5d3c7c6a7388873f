"""Typed, immutable records that cross every stage boundary.

SourceDocument → Item → ClassifiedItem → UnitSummary → RunReport.  Category labels and
document types are plain strings checked against the configuration (see ``taxonomy``),
because the category set belongs to configuration, not to code; statuses and error codes
are enums because the code branches on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class DocStatus(StrEnum):
    OK = "ok"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FAILED = "failed"  # docpipe's own defect on this file (error_code internal_error): retried


class ErrorCode(StrEnum):
    """Stable reasons for rejecting a file; scripts and the catalog rely on the values."""

    EMPTY_FILE = "empty_file"
    NOT_WORD = "not_word"  # plain text, an ordinary zip, a PDF, an image ...
    CORRUPT_ZIP = "corrupt_zip"  # truncated archive, bad CRC, broken deflate stream
    MISSING_MAIN_PART = "missing_main_part"
    LEGACY_DOC = "legacy_doc"  # OLE2 .doc
    ENCRYPTED = "encrypted"  # OLE2 with EncryptedPackage
    MACRO_ENABLED = "macro_enabled"  # .docm
    TOO_LARGE = "too_large"  # file, part or total decompressed size or ratio over a limit
    XML_DTD = "xml_dtd"  # DTD or entity declarations
    XML_TOO_DEEP = "xml_too_deep"
    XML_MALFORMED = "xml_malformed"
    XML_ENCODING = "xml_encoding"
    TIMEOUT = "timeout"
    UNREADABLE = "unreadable"  # cannot open the file at all (permissions, vanished)
    INTERNAL_ERROR = "internal_error"  # a defect in docpipe, not the file's fault


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One Word paragraph of the body, in reading order.

    ``text`` is what Word shows, with the automatic list label (``numbering``) in front.
    ``table`` locates a paragraph that sits in a table cell: (table index, row, column).
    """

    text: str
    style: str = ""
    numbering: str = ""
    level: int | None = None
    table: tuple[int, int, int] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A body table: ``rows`` of cell texts, merged cells given once, paragraphs joined by \\n."""

    index: int
    rows: tuple[tuple[str, ...], ...]
    depth: int = 0  # 0 for a top-level table, 1 for a table nested in a cell, ...


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A submitted file as the reader saw it; rejected files carry a code and a message."""

    path: str
    sha256: str
    status: DocStatus
    paragraphs: tuple[Paragraph, ...] = ()
    tables: tuple[Table, ...] = ()
    error_code: ErrorCode | None = None
    message: str = ""
    text_hash: str = ""
    size: int = 0
    headers: tuple[str, ...] = ()
    footers: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()
    endnotes: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # e.g. "macros", "recovered", "tracked_changes"
    duplicate_of: str = ""

    @property
    def ok(self) -> bool:
        return self.status is DocStatus.OK

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A row of ``INBOX/units.csv``; ``known`` is False for a folder missing from it."""

    name: str
    group: str = ""
    batch: str = ""
    aliases: tuple[str, ...] = ()
    known: bool = True


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A file found in the inbox and the unit its folder names ('' when directly under INBOX)."""

    path: str
    relpath: str
    unit: str


@dataclass(frozen=True, slots=True)
class DocInfo:
    """What a document is and who sent it, with how sure we are."""

    doc_type: str
    doc_type_confidence: float
    unit: str
    unit_source: str  # "folder", "document", "unknown"
    unit_known: bool
    title: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One opinion, problem, suggestion or measure, with where it came from."""

    path: str
    unit: str
    doc_type: str
    index: int
    text: str
    heading_path: tuple[str, ...] = ()
    locator: str = ""  # "p12" = paragraph 12, "t1r3" = table 1 row 3, "p12.2" = 2nd part of p12
    fields: Mapping[str, str] = field(default_factory=dict)  # other table columns
    hint: str = ""  # category named by a heading above the item, if any
    # The point (problem, opinion) the item belongs to: the locator of the paragraph, summary
    # line or table row it was split from ("p12" for "p12.1", "p12.2"), else its own locator.
    # Items are manifestations; count distinct points to count by point.
    point: str = ""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The classifier's view of one text."""

    label: str
    probabilities: Mapping[str, float]
    merged_label: str
    needs_review: bool
    secondary: str = ""
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClassifiedItem:
    item: Item
    prediction: Prediction

    @property
    def label(self) -> str:
        return self.prediction.label


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything one file produced: the reader's verdict, what it is, its items."""

    source: InboxFile
    document: SourceDocument
    info: DocInfo | None
    items: tuple[ClassifiedItem, ...] = ()
    # other units that submitted the same file (or text): it counts for each of them
    also_submitted_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnitSummary:
    unit: str
    group: str
    batch: str
    known: bool
    documents: int
    rejected: int
    doc_types: Mapping[str, int]
    items: int
    counts: Mapping[str, int]  # per category, every category present (0 when none)
    merged_counts: Mapping[str, int]
    needs_review: int


@dataclass(frozen=True, slots=True)
class Rejection:
    path: str
    unit: str
    error_code: str
    message: str


@dataclass(frozen=True, slots=True)
class RunReport:
    inbox: str
    out_dir: str
    model_version: str
    documents: int
    processed: int
    rejected: tuple[Rejection, ...]
    duplicates: tuple[tuple[str, str], ...]  # (path, duplicate of)
    units: tuple[UnitSummary, ...]
    outputs: Mapping[str, str] = field(default_factory=dict)  # name -> path
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason): lock files, hidden files, links
    # docpipe's own defects: files it failed on (message names the stage), outputs it could
    # not write; not the senders' fault, so not among ``rejected``
    internal_errors: tuple[Rejection, ...] = ()
    notices: tuple[str, ...] = ()  # said once at the top of the report (no units.csv, ...)
