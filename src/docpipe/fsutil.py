"""Atomic file writes and safe names: outputs are either complete or absent, never half-written."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def display_path(path: str) -> str:
    """A printable, UTF-8-safe form of a path whose bytes may not be UTF-8 (GBK from Windows)."""
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def safe_name(name: str, fallback: str = "未命名") -> str:
    """A file-name component that cannot escape its folder (no separators, no '..')."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:120] or fallback


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    with atomic_writer(path) as fh:
        fh.write(data)
    return path


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A file to write piece by piece that appears at ``path`` only once complete.

    The pieces go to a temporary file in the same folder, which is fsync-ed and renamed over
    the target when the block ends; an exception removes it and leaves the target untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for the office to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, utf8(text))


def utf8(text: str) -> bytes:
    """Text as output bytes: a stray undecodable file name (lone surrogates) is escaped, so
    that it cannot stop a run."""
    return text.encode("utf-8", "backslashreplace")


def inside(root: Path, path: Path) -> bool:
    """True when path resolves to a location under root (guards every output path)."""
    return path.resolve().is_relative_to(root.resolve())


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps, so equal content gives equal bytes.

    python-docx stamps the current time into every member; reruns must produce identical files.
    """
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def remove_stale_temps(root: Path) -> list[Path]:
    """Delete temporary files that a killed writer left behind (".<name>.<random>.tmp")."""
    stale = [p for p in root.rglob(".*.tmp") if p.is_file()]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
