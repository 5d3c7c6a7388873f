"""The inbox convention: ``INBOX/<unit name>/<file>.docx`` plus ``INBOX/units.csv``.

Nothing found in the inbox is dropped silently: files directly under INBOX get unit '', folders
missing from units.csv become units with ``known=False``, and what is skipped (hidden files,
links leading out of the inbox) is listed with the reason.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from docpipe.fsutil import display_path
from docpipe.records import InboxFile, UnitInfo

UNITS_CSV = "units.csv"
# Header names as offices write them (compared after NFKC, without spaces, lower-cased).
_UNIT_COLUMNS = {
    "unit": "unit", "单位": "unit", "单位名称": "unit", "单位全称": "unit", "名称": "unit",
    "group": "group", "督导组": "group", "组别": "group", "所属督导组": "group",
    "督导组别": "group",
    "batch": "batch", "批次": "batch", "所属批次": "batch",
    "aliases": "aliases", "alias": "aliases", "简称": "aliases", "别名": "aliases",
    "单位简称": "aliases",
}
ACCEPTED_HEADERS = ("单位（或 单位名称、unit）、督导组（或 组别、group）、批次（batch）、"
                    "简称（aliases）")
# What a docpipe output folder holds: such a folder inside the inbox is never read as a unit's
# submissions (the state file is written by every completed run, the catalog by every run).
_OUTPUT_MARKERS = (".docpipe-state.json", "catalog.sqlite")
_OUTPUT_FILES = frozenset({
    "report.md", "report.json", "documents.jsonl", "items.jsonl", "review_queue.jsonl",
    "progress.docx", "progress.md", "progress.json", "dashboard.html", "catalog.sqlite",
})


class InboxError(ValueError):
    """The inbox itself cannot be used (missing folder, unreadable units.csv)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    relpath: str
    reason: str


@dataclass(frozen=True, slots=True)
class FolderMatch:
    """A folder named by a unit's alias, or by its name with other spaces or width."""

    folder: str
    unit: str


@dataclass(frozen=True, slots=True)
class Inbox:
    root: str
    units: Mapping[str, UnitInfo]
    files: tuple[InboxFile, ...]
    skipped: tuple[Skipped, ...] = ()
    listed: bool = True  # units.csv was there: without it nobody can be "behind"
    matched: tuple[FolderMatch, ...] = ()  # folders taken as a listed unit under another name


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
    found = [name or "" for name in reader.fieldnames or ()]
    fields = {name: _UNIT_COLUMNS.get(_header_key(name)) for name in found}
    if "unit" not in fields.values():
        shown = "、".join(n.strip() for n in found if n.strip()) or "空行"
        raise InboxError(
            f"{display_path(str(path))}：首行应为表头，须有“单位”列；实际表头为：{shown}。"
            f"可用的表头：{ACCEPTED_HEADERS}。"
            f" / units.csv needs a header row with a unit column; found: {shown}"
        )
    units: dict[str, UnitInfo] = {}
    for row in reader:
        values = {fields[k]: _cell(v) for k, v in row.items() if k is not None and fields.get(k)}
        name = values.get("unit", "")
        if not name:
            continue
        aliases = tuple(
            a.strip() for a in re.split(r"[;；,，、]", values.get("aliases", "")) if a.strip()
        )
        units[name] = UnitInfo(name, values.get("group", ""), values.get("batch", ""), aliases)
    return units


def scan_inbox(root: str | os.PathLike[str]) -> Inbox:
    """List every file of the inbox in a stable order, with the unit its folder names."""
    base = Path(root).absolute()  # stable keys for the catalog whatever the working folder
    if not base.is_dir():
        raise InboxError(f"inbox folder not found: {base}")
    units_file = base / UNITS_CSV
    listed = units_file.is_file()
    units = read_units_csv(units_file) if listed else {}
    folder_units = _folder_units(base, units)
    files: list[InboxFile] = []
    skipped: list[Skipped] = []
    resolved_root = base.resolve()
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        rel_dir = here.relative_to(base)
        unit = display_path(rel_dir.parts[0]) if rel_dir.parts else ""  # a name, not a path
        unit = folder_units.get(unit, unit)
        for name in sorted(filenames):
            path = here / name
            relpath = str(rel_dir / name) if rel_dir.parts else name
            if not rel_dir.parts and name == UNITS_CSV:
                continue
            if not rel_dir.parts and name in _OUTPUT_FILES:
                skipped.append(Skipped(display_path(relpath),
                                       "docpipe 自己的输出文件，不是报送材料"))
                continue
            reason = _skip_reason(path, name, resolved_root)
            if reason:
                skipped.append(Skipped(display_path(relpath), reason))
                continue
            files.append(InboxFile(str(path), display_path(relpath), unit))
        for name in list(dirnames):
            if name.startswith("."):
                skipped.append(Skipped(display_path(str(rel_dir / name)), "隐藏文件夹"))
                dirnames.remove(name)
            elif _is_output_folder(here / name):
                skipped.append(Skipped(display_path(str(rel_dir / name)),
                                       "docpipe 的输出文件夹，不是报送材料（其中文件不读）"))
                dirnames.remove(name)
    for f in files:
        if f.unit and f.unit not in units:
            units = {**units, f.unit: UnitInfo(f.unit, known=False)}
    matched = tuple(FolderMatch(folder, unit) for folder, unit in folder_units.items()
                    if folder != unit)
    return Inbox(str(base), units, tuple(files), tuple(skipped), listed, matched)


def _folder_units(base: Path, units: Mapping[str, UnitInfo]) -> dict[str, str]:
    """Top-level folder name -> the listed unit it names (itself when it names none).

    A folder named as in units.csv, by one of the unit's aliases, or by either written with
    other spaces or full-width characters, is that unit: never a second unit beside it.
    """
    keys: dict[str, set[str]] = {}
    for name, info in units.items():
        for alias in (name, *info.aliases):
            keys.setdefault(folder_key(alias), set()).add(name)
    found: dict[str, str] = {}
    try:
        entries = sorted(e.name for e in os.scandir(base) if e.is_dir(follow_symlinks=False))
    except OSError:
        return found
    for entry in entries:
        folder = display_path(entry)
        hit = keys.get(folder_key(folder), set())
        found[folder] = folder if folder in units or len(hit) != 1 else next(iter(hit))
    return found


def folder_key(name: str) -> str:
    """A name as compared with units.csv: NFKC (full-width → half-width), no spaces at all."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _header_key(name: str) -> str:
    # Excel writes a BOM, spaces, full-width letters; a column may be "单位名称（全称）"
    key = folder_key(name.lstrip("\ufeff")).lower()
    return re.sub(r"[（(].*[)）]$", "", key)


def _cell(value: str | None) -> str:
    return (value or "").strip().strip("\ufeff").strip()


def _is_output_folder(path: Path) -> bool:
    try:
        return any((path / marker).is_file() for marker in _OUTPUT_MARKERS)
    except OSError:
        return False


def _skip_reason(path: Path, name: str, root: Path) -> str:
    if name.startswith("~$"):
        return "Word 临时锁定文件（复制时文档正打开着），文档本身照常读取"
    if name.startswith("."):
        return "隐藏文件"
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "link pointing outside the inbox; copy the file itself into the inbox"
    if not path.is_file():
        return "not a regular file"
    return ""
