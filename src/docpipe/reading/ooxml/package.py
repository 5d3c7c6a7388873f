"""Recognise a file from its bytes and read parts of a zip package with bounded memory.

Nothing is ever extracted to disk: parts are inflated in bounded chunks into memory, and every
size a zip header declares is checked before inflating and enforced again while streaming,
because headers can lie.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docpipe.reading.ooxml.guard import Deadline, ReadError
from docpipe.records import ErrorCode

if TYPE_CHECKING:
    from docpipe.reading.limits import Limits

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CHUNK = 1 << 20
_RESAVE = "Open it in Word or WPS, save it again as .docx and submit again."


def _too_large(what: str) -> ReadError:
    return ReadError(
        ErrorCode.TOO_LARGE,
        f"The document is too large to read safely ({what}). Remove very large pictures or "
        "objects, or split the document, then submit again. 文档过大，请压缩图片或拆分后重新提交。",
    )


def _corrupt(detail: str) -> ReadError:
    return ReadError(
        ErrorCode.CORRUPT_ZIP,
        f"The file is damaged: the .docx archive is truncated or corrupt ({detail}). {_RESAVE} "
        "If Word cannot open it either, ask the sender for a new copy. "
        "文件已损坏，请重新保存或重新发送。",
    )


# --- what is this file? -------------------------------------------------------------------------

_NOT_WORD_HINT = (
    "Submit the document as a Word file (.docx): open it in Word or WPS and use Save As > "
    "Word Document (*.docx). 请提交Word格式（.docx）文件。"
)


def sniff_non_zip(data: bytes) -> ReadError:
    """The rejection for bytes that are neither a zip package nor an OLE2 compound file."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    kinds = (
        (b"%PDF", "a PDF file"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"BM", "a bitmap image"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
        (b"{\\rtf", "an RTF file"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"MIME-Version", "a web archive (.mht)"),
    )
    kind = next((name for magic, name in kinds if head.startswith(magic)), "")
    if not kind:
        lowered = head[:1024].lower()
        if b"<w:worddocument" in lowered or b"<pkg:package" in lowered:
            kind = "a Word XML file (Word 2003 XML or flat XML)"
        elif b"<html" in lowered or b"<!doctype html" in lowered:
            kind = "a web page (HTML), perhaps saved from Word as .doc or .htm"
        elif _looks_like_text(data[:4096]):
            kind = "a plain text file"
        else:
            kind = "not a Word document (unknown format)"
    what = kind if kind.startswith("not ") else f"{kind}, not a Word document"
    return ReadError(ErrorCode.NOT_WORD, f"This file is {what}. {_NOT_WORD_HINT}")


def _looks_like_text(sample: bytes) -> bool:
    for encoding in ("utf-8", "gb18030", "utf-16"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text[:-1])
    return False


def is_zip(data: bytes) -> bool:
    return data[:4] in _ZIP_MAGICS or b"PK\x05\x06" in data[-65_557:]


# --- OLE2 (.doc, encrypted .docx) ---------------------------------------------------------------


def classify_ole2(data: bytes, deadline: Deadline) -> ReadError:
    """Name an OLE2 compound file from its directory: legacy .doc, encrypted .docx, or other."""
    try:
        names = _ole2_stream_names(data, deadline)
    except (struct.error, IndexError, ValueError):
        names = set()
    if not names:  # directory unreadable: look for the names' UTF-16LE spelling instead
        names = {n for n in ("EncryptedPackage", "WordDocument") if n.encode("utf-16-le") in data}
    if "EncryptedPackage" in names:
        return ReadError(
            ErrorCode.ENCRYPTED,
            "The document is protected with a password, so it cannot be read. Open it in Word "
            "or WPS, remove the password (File > Info > Protect Document > Encrypt with "
            "Password, clear it), save as .docx and submit again. "
            "文档已加密，请取消密码后重新提交。",
        )
    if "WordDocument" in names:
        return ReadError(
            ErrorCode.LEGACY_DOC,
            "This is an old Word 97-2003 .doc file: open it in Word or WPS and save it as "
            ".docx, then submit again. 这是旧版.doc文件，请另存为.docx后重新提交。",
        )
    kind = "an Excel 97-2003 workbook" if "Workbook" in names or "Book" in names else (
        "a PowerPoint 97-2003 file" if "PowerPoint Document" in names else "an old Office file"
    )
    return ReadError(ErrorCode.NOT_WORD, f"This file is {kind}, not a Word document. "
                     f"{_NOT_WORD_HINT}")


def _ole2_stream_names(data: bytes, deadline: Deadline) -> set[str]:
    """Entry names in an OLE2 directory, following the FAT chain of the directory sectors."""
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    if sector_size not in (512, 4096):
        raise ValueError("bad sector size")
    n_fat = struct.unpack_from("<I", data, 0x2C)[0]
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    difat = list(struct.unpack_from("<109I", data, 0x4C))[: min(n_fat, 109)]
    n_sectors = max(0, (len(data) - 512) // sector_size)
    fat: list[int] = []
    for sector in difat:
        if sector >= n_sectors:
            break
        offset = 512 + sector * sector_size
        fat.extend(struct.unpack_from(f"<{sector_size // 4}I", data, offset))
    names: set[str] = set()
    sector, seen = first_dir, set()
    while sector < n_sectors and sector not in seen and sector < len(fat):
        deadline.check()
        seen.add(sector)
        base = 512 + sector * sector_size
        for entry in range(base, base + sector_size, 128):
            length = struct.unpack_from("<H", data, entry + 0x40)[0]
            if 2 <= length <= 64:
                names.add(data[entry : entry + length - 2].decode("utf-16-le", "replace"))
        sector = fat[sector]
    return names


# --- zip packages -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Relationship:
    type: str  # last segment of the relationship type URI, e.g. "officeDocument", "header"
    target: str  # resolved part name without a leading slash, '' for external targets
    rid: str


class Package:
    """A zip package opened in memory; ``read`` inflates one part within the limits."""

    def __init__(self, data: bytes, limits: Limits, deadline: Deadline) -> None:
        self._limits = limits
        self._deadline = deadline
        self.total = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise _corrupt(_plain(exc)) from None
        except (NotImplementedError, OSError, struct.error) as exc:
            raise _corrupt(_plain(exc)) from None
        self._index = {info.filename.lstrip("/").lower(): info for info in infos}

    def has(self, name: str) -> bool:
        return name.lower() in self._index

    @property
    def names(self) -> list[str]:
        return list(self._index)

    def member_names(self) -> list[str]:
        return [info.filename for info in self._index.values()]

    def read(self, name: str) -> bytes | None:
        """The inflated bytes of a part, or None when the package has no such part."""
        info = self._index.get(name.lstrip("/").lower())
        if info is None:
            return None
        limits = self._limits
        if info.file_size > limits.max_part_bytes:
            raise _too_large(f"part {name} declares {info.file_size:,} bytes, limit "
                             f"{limits.max_part_bytes:,}")
        if self.total + info.file_size > limits.max_total_bytes:
            raise _too_large(f"the parts read declare over {limits.max_total_bytes:,} bytes")
        if info.file_size > limits.ratio_floor_bytes and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            raise _too_large(f"part {name} is compressed more than {limits.max_ratio:g}:1")
        if info.flag_bits & 0x1:
            raise ReadError(ErrorCode.ENCRYPTED, "A part of the .docx archive is encrypted with a "
                            f"zip password ({name}). {_RESAVE} 文档已加密，请取消密码后重新提交。")
        cap = min(limits.max_part_bytes, limits.max_total_bytes - self.total)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    self._deadline.check()
                    size += len(chunk)
                    if size > cap:
                        raise _too_large(f"part {name} inflates past {cap:,} bytes")
                    if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise _too_large(f"part {name} is compressed more than "
                                         f"{limits.max_ratio:g}:1")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise _corrupt(f"part {name}: {_plain(exc)}") from None
        except (NotImplementedError, OSError, struct.error, RuntimeError) as exc:
            raise _corrupt(f"part {name}: {_plain(exc)}") from None
        self.total += size
        return b"".join(chunks)


def _plain(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.encode("ascii", "backslashreplace").decode("ascii")[:200]


def resolve_target(source_part: str, target: str) -> str:
    """The part name a relationship target points to, relative to its source part's folder.

    Returns '' for targets that climb out of the package (``../`` past the root).
    """
    target = target.split("#", 1)[0]
    base = [] if target.startswith("/") else posixpath.dirname(source_part.lstrip("/")).split("/")
    stack = [seg for seg in base if seg]
    for segment in target.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not stack:
                return ""
            stack.pop()
        else:
            stack.append(segment)
    return "/".join(stack)


def rels_name(part: str) -> str:
    """The relationships part that belongs to ``part`` ('' for the package itself)."""
    folder, base = posixpath.split(part.lstrip("/"))
    return posixpath.join(folder, "_rels", f"{base}.rels")
