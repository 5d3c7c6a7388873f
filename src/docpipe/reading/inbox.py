"""The inbox convention: ``INBOX/<unit name>/<file>.docx`` plus ``INBOX/units.csv``.

Nothing found in the inbox is dropped silently: files directly under INBOX get unit '', folders
missing from units.csv become units with ``known=False``, and what is skipped (hidden files,
links leading out of the inbox) is listed with the reason.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from docpipe.fsutil import display_path
from docpipe.records import InboxFile, UnitInfo

UNITS_CSV = "units.csv"
_UNIT_COLUMNS = {
    "unit": "unit",
    "单位": "unit",
    "group": "group",
    "督导组": "group",
    "batch": "batch",
    "批次": "batch",
    "aliases": "aliases",
    "简称": "aliases",
}


class InboxError(ValueError):
    """The inbox itself cannot be used (missing folder, unreadable units.csv)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    relpath: str
    reason: str


@dataclass(frozen=True, slots=True)
class Inbox:
    root: str
    units: Mapping[str, UnitInfo]
    files: tuple[InboxFile, ...]
    skipped: tuple[Skipped, ...] = ()


def read_units_csv(path: Path) -> dict[str, UnitInfo]:
    """Parse units.csv (UTF-8 with or without BOM, or GBK as Excel on Chinese Windows saves it)."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InboxError(f"{path}: cannot decode units.csv")
    reader = csv.DictReader(io.StringIO(text))
    fields = {
        (name or "").strip(): _UNIT_COLUMNS.get((name or "").strip().lower())
        for name in reader.fieldnames or ()
    }
    if "unit" not in fields.values():
        raise InboxError(
            f"{path}: units.csv needs a header row with a 'unit' column (unit,group,batch,aliases)"
        )
    units: dict[str, UnitInfo] = {}
    for row in reader:
        values = {fields[k]: (v or "").strip() for k, v in row.items() if fields.get(k)}
        name = values.get("unit", "")
        if not name:
            continue
        aliases = tuple(
            a.strip() for a in values.get("aliases", "").replace("；", ";").split(";") if a.strip()
        )
        units[name] = UnitInfo(name, values.get("group", ""), values.get("batch", ""), aliases)
    return units


def scan_inbox(root: str | os.PathLike[str]) -> Inbox:
    """List every file of the inbox in a stable order, with the unit its folder names."""
    base = Path(root).absolute()  # stable keys for the catalog whatever the working folder
    if not base.is_dir():
        raise InboxError(f"inbox folder not found: {base}")
    units_file = base / UNITS_CSV
    units = read_units_csv(units_file) if units_file.is_file() else {}
    files: list[InboxFile] = []
    skipped: list[Skipped] = []
    resolved_root = base.resolve()
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        rel_dir = here.relative_to(base)
        unit = display_path(rel_dir.parts[0]) if rel_dir.parts else ""  # a name, not a path
        for name in sorted(filenames):
            path = here / name
            relpath = str(rel_dir / name) if rel_dir.parts else name
            if not rel_dir.parts and name == UNITS_CSV:
                continue
            reason = _skip_reason(path, name, resolved_root)
            if reason:
                skipped.append(Skipped(display_path(relpath), reason))
                continue
            files.append(InboxFile(str(path), display_path(relpath), unit))
        for name in list(dirnames):
            if name.startswith("."):
                skipped.append(Skipped(display_path(str(rel_dir / name)), "hidden folder"))
                dirnames.remove(name)
    for f in files:
        if f.unit and f.unit not in units:
            units = {**units, f.unit: UnitInfo(f.unit, known=False)}
    return Inbox(str(base), units, tuple(files), tuple(skipped))


def _skip_reason(path: Path, name: str, root: Path) -> str:
    if name.startswith("~$"):
        return "Word lock file (the document was open when copied); the document itself is read"
    if name.startswith("."):
        return "hidden file"
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "link pointing outside the inbox; copy the file itself into the inbox"
    if not path.is_file():
        return "not a regular file"
    return ""
