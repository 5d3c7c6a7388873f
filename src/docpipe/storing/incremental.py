"""Incremental, crash-safe runs over a growing inbox, backed by the catalog.

A rerun reads only files whose size or modification time changed, and files docpipe failed on
(its own defect, retried every run); a document split under another processing version
(docpipe's version and the configuration typing and splitting read) is split again from its
stored text; a new model version reclassifies stored items without reading files again; a run
whose inputs, model and configuration are all unchanged (and whose outputs are complete) does
nothing at all.

Crash safety: results enter the catalog batch by batch (each batch one transaction); outputs are
written file by file atomically; the "completed" state is written last.  A run killed anywhere
leaves no completed state, so the next run rewrites every output from the catalog plus what is
still to do, and the outputs equal those of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docpipe import __version__
from docpipe.fsutil import atomic_write_bytes, atomic_write_text
from docpipe.reading.inbox import Inbox
from docpipe.records import InboxFile
from docpipe.settings import config_path
from docpipe.storing.catalog import Catalog
from docpipe.storing.codec import StoredRows

STATE_FILE = ".docpipe-state.json"
HISTORY = "history"
_CONFIG_FILES = ("taxonomy.toml", "doctypes.toml", "campaign.toml", "userdict.txt")
# What describing (typing) and splitting a document read: all of doctypes.toml, and the
# categories' names and heading cues in taxonomy.toml.  campaign.toml is read by the drafts
# only, and userdict.txt by the classifier, whose model version already covers it.
_SPLIT_FILES = ("doctypes.toml",)


@dataclass(frozen=True, slots=True)
class RunPlan:
    todo: tuple[InboxFile, ...]  # new or changed files: read them
    reuse: tuple[InboxFile, ...]  # unchanged since the catalog stored them
    gone: tuple[str, ...]  # stored paths no longer in the inbox
    mtimes: Mapping[str, int]  # path -> mtime_ns seen before reading
    state: str  # fingerprint of inputs, model, configuration, day
    up_to_date: bool  # the last completed run had this state and its outputs are all there


def plan_run(
    inbox: Inbox, catalog: Catalog, out_dir: Path, model_version: str, today: date | None = None
) -> RunPlan:
    """Decide what to read again by comparing size and mtime with the catalog (no hashing)."""
    stored = catalog.fingerprints()
    failed = catalog.internal_failures()  # our defect last time: never trusted, read again
    todo: list[InboxFile] = []
    reuse: list[InboxFile] = []
    mtimes: dict[str, int] = {}
    digest = hashlib.sha256()
    for f in inbox.files:
        try:
            st = os.stat(f.path)
        except OSError:
            todo.append(f)  # vanished or unreadable: the reader records why
            continue
        mtimes[f.path] = st.st_mtime_ns
        digest.update(
            f"{f.relpath}\0{f.unit}\0{st.st_size}\0{st.st_mtime_ns}\n".encode(
                "utf-8", "surrogateescape"
            )
        )
        known = stored.get(f.path)
        if (known is not None and known[0] == st.st_size and known[1] == st.st_mtime_ns
                and f.path not in failed):
            reuse.append(f)
        else:
            todo.append(f)
    present = {f.path for f in inbox.files}
    gone = tuple(sorted(p for p in stored if p not in present))
    units = sorted((u.name, u.group, u.batch, u.aliases, u.known) for u in inbox.units.values())
    digest.update(
        json.dumps(
            [
                units,
                model_version,
                __version__,
                _config_digest(),
                (today or date.today()).isoformat(),
            ],
            ensure_ascii=False,
        ).encode()
    )
    state = digest.hexdigest()
    return RunPlan(
        tuple(todo),
        tuple(reuse),
        gone,
        mtimes,
        state,
        not todo and not gone and _completed(out_dir) == state,
    )


def record_results(
    catalog: Catalog,
    results: Sequence[StoredRows],
    model_version: str,
    mtimes: Mapping[str, int],
) -> None:
    """Store a batch (encoded, see ``pipeline.process_for_catalog``) in one transaction: a
    changed file replaces its old items."""
    catalog.store_rows(
        results,
        model_version,
        mtimes={r.path: mtimes[r.path] for r in results if r.path in mtimes},
        processing_version=processing_version(),
    )


def processing_version() -> str:
    """docpipe's version and a hash of the configuration that typing and splitting read.

    Stored with each document: a run splits again (from the stored text) the documents whose
    version is not this one, so an edited cue or category heading reaches every old file.
    """
    h = hashlib.sha256()
    for name in _SPLIT_FILES:
        path = config_path(name)
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    h.update(json.dumps(_heading_cues(), ensure_ascii=False).encode())
    return f"{__version__}+{h.hexdigest()[:16]}"


def _heading_cues() -> list[object]:
    """The categories' names and cues (the rest of taxonomy.toml does not change splitting)."""
    path = config_path("taxonomy.toml")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return [path.read_bytes().hex()] if path.exists() else []
    raw = data.get("category")
    categories = raw if isinstance(raw, list) else []
    return [[c.get("name"), c.get("cues"), c.get("other", False)] for c in categories
            if isinstance(c, dict)]


def baseline(out_dir: Path, state: str) -> Path | None:
    """The progress.json to compare this run with: the last completed run with other inputs.

    Kept under history/ before this run overwrites anything, so a run killed half-way and its
    rerun compare with the same baseline as an uninterrupted run would.
    """
    last = _last_completed(out_dir)
    if last is None:
        return None
    if last.get("state") == state:
        kept = last.get("baseline")
        return out_dir / str(kept) if kept else None
    kept_path = out_dir / HISTORY / f"progress-{str(last.get('state'))[:16]}.json"
    if not kept_path.exists():
        current = out_dir / "progress.json"
        if not current.exists():
            return None
        atomic_write_bytes(kept_path, current.read_bytes())
    return kept_path


def mark_completed(
    out_dir: Path, state: str, outputs: Mapping[str, str], baseline_path: Path | None = None
) -> None:
    """Written last: the outputs listed here are complete for this state."""
    rel = sorted(os.path.relpath(p, out_dir) for p in outputs.values())
    data = {
        "state": state,
        "outputs": rel,
        "baseline": os.path.relpath(baseline_path, out_dir) if baseline_path else None,
    }
    atomic_write_text(out_dir / STATE_FILE, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def forget_completed(out_dir: Path) -> None:
    """Drop the completed state, so that the next run writes every output again."""
    (out_dir / STATE_FILE).unlink(missing_ok=True)


def _last_completed(out_dir: Path) -> dict[str, object] | None:
    try:
        data = json.loads((out_dir / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _completed(out_dir: Path) -> str:
    data = _last_completed(out_dir)
    if data is None:
        return ""
    outputs = data.get("outputs", [])
    if not isinstance(outputs, list) or not all((out_dir / rel).exists() for rel in outputs):
        return ""
    return str(data.get("state", ""))


def _config_digest() -> str:
    h = hashlib.sha256()
    for name in _CONFIG_FILES:
        path = config_path(name)
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return h.hexdigest()
