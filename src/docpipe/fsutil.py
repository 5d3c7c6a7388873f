"""Atomic file writes and safe names: outputs are either complete or absent, never half-written."""

from __future__ import annotations

import hashlib
import os
import re
import socket
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{run_tag()}.", suffix=".tmp",
                               dir=path.parent)
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


# ".<name>.p<pid>h<host>.<random>.tmp" (atomic_writer) or ".<name>.p<pid>h<host>.tmp"
# (run_temp_path); temporaries without the tag come from a docpipe before 0.2.
_TAG = re.compile(r"\.p(\d+)h([0-9a-f]{6})\.")


def run_tag() -> str:
    """This process on this host, as temporary names carry it ("p1234h0a1b2c").

    Two runs (or a run's worker processes) never share a temporary name, and a run can tell
    its own temporaries, and those of dead processes on this host, from another live run's.
    """
    return f"p{os.getpid()}h{_host_hash()}"


def run_temp_path(folder: Path, stem: str) -> Path:
    """A temporary file name in ``folder`` that only this process uses."""
    return folder / f".{stem}.{run_tag()}.tmp"


def _host_hash() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def remove_stale_temps(root: Path) -> list[Path]:
    """Delete temporary files that a killed writer left behind (".<name>.<random>.tmp").

    Only this process's own, those of processes that are no longer alive on this host, and
    untagged ones of an older docpipe: a temporary of another live run (a run on another host,
    or one that the run lock did not keep out) is left alone.
    """
    stale = [p for p in root.rglob(".*.tmp") if p.is_file() and _abandoned(p.name)]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _abandoned(name: str) -> bool:
    match = _TAG.search(name)
    if match is None:
        return True
    pid, host = int(match.group(1)), match.group(2)
    if host != _host_hash():
        return False
    return pid == os.getpid() or not pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host (signal 0 probes without sending)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True
