"""The category set, read from configuration (``config/taxonomy.toml`` or an override)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docpipe.settings import config_path


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    merged: str
    phrase: str
    cues: tuple[str, ...]
    other: bool = False
    manifestations: tuple[str, ...] = ()  # heading words naming a manifestation ("门难进")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    categories: tuple[Category, ...]
    review_threshold: float
    secondary_margin: float

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.categories)

    @property
    def merged_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.merged for c in self.categories))

    @property
    def other(self) -> str:
        return next(c.name for c in self.categories if c.other)

    def merged(self, label: str) -> str:
        return self[label].merged

    def __getitem__(self, label: str) -> Category:
        for c in self.categories:
            if c.name == label:
                return c
        raise KeyError(f"unknown category {label!r}; known: {', '.join(self.labels)}")

    def category_in_heading(self, heading: str, *, manifestations: bool = True) -> str:
        """The category a heading names, or '' if none or several.

        "一、形式主义方面的问题" names it; so does a heading that names one of its manifestations
        ("（二）“门难进、脸难看、事难办”问题") unless ``manifestations`` is False.
        """
        found = {c.name for c in self.categories
                 for cue in (c.cues + c.manifestations if manifestations else c.cues)
                 if cue in heading}
        return found.pop() if len(found) == 1 else ""


def parse_taxonomy(data: dict[str, object]) -> Taxonomy:
    raw = data.get("category")
    if not isinstance(raw, list) or not raw:
        raise ValueError("taxonomy needs at least one [[category]] entry")
    categories = tuple(
        Category(
            name=str(c["name"]),
            merged=str(c.get("merged", c["name"])),
            phrase=str(c.get("phrase", f"{c['name']}方面")),
            cues=tuple(str(x) for x in c.get("cues", [c["name"]])),
            other=bool(c.get("other", False)),
            manifestations=tuple(str(x) for x in c.get("manifestations", [])),
        )
        for c in raw
    )
    names = [c.name for c in categories]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate category names in taxonomy: {names}")
    if sum(c.other for c in categories) != 1:
        raise ValueError("exactly one category must be marked other = true")
    threshold = data.get("review_threshold", 0.55)
    margin = data.get("secondary_margin", 0.2)
    assert isinstance(threshold, int | float) and isinstance(margin, int | float)
    return Taxonomy(categories, float(threshold), float(margin))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read the taxonomy file; the default one ships with docpipe."""
    return _load(path or config_path("taxonomy.toml"))


@cache
def _load(path: Path) -> Taxonomy:
    with path.open("rb") as fh:
        return parse_taxonomy(tomllib.load(fh))
