"""Safety limits for reading one untrusted file, shared by the reader and the OOXML helpers."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for one file; the defaults suit office documents of a few hundred pages."""

    max_file_bytes: int = 50 * 2**20
    max_part_bytes: int = 64 * 2**20  # decompressed size of one XML part
    max_total_bytes: int = 200 * 2**20  # decompressed total read from the package
    max_ratio: float = 200.0  # compression ratio per member
    max_depth: int = 256  # XML nesting (libxml2 stops at 256 whatever this says)
    max_text_chars: int = 20_000_000
    max_seconds: float = 30.0
    ratio_floor_bytes: int = 2**20  # parts smaller than this may compress better than max_ratio
