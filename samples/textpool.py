"""The written text pool of the sample generator and the ways it is varied.

``samples/text/<n>_<label>.txt`` hold one category each (the label is the file name after the
number, so the category set lives in data, like the project's taxonomy); ``prose.txt`` holds the
non-item text of plans, speeches, study records and bulletins.  Texts carry placeholders
({n}, {date}, {place} ...) filled per use, and are varied the way real submissions vary:
traditional script, half-width punctuation, stray spaces from copying out of web pages.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEXT_DIR = Path(__file__).resolve().parent / "text"

PLACES = (
    "城关区",
    "堆龙县",
    "墨竹县",
    "林周县",
    "当雄县",
    "尼木县",
    "达孜县",
    "曲水县",
    "江孜县",
    "乃东县",
    "贡嘎县",
    "察隅县",
    "八宿县",
    "改则县",
    "仲巴县",
    "那曲县",
    "索县",
    "丁青县",
)
SURNAMES = "张王李刘陈杨赵黄周吴徐孙马朱胡郭何林罗高扎次达格索尼拉"
GIVEN = (
    "建华",
    "志强",
    "海燕",
    "晓东",
    "卫国",
    "丽萍",
    "文军",
    "红梅",
    "永刚",
    "秀英",
    "国庆",
    "玉珍",
    "多吉",
    "卓玛",
    "平措",
    "央金",
    "顿珠",
    "德吉",
    "旺堆",
    "曲珍",
    "明",
    "军",
    "静",
)


@dataclass(frozen=True, slots=True)
class Category:
    """One category's texts: summaries, problems, opinions and measures (any may be empty)."""

    label: str
    summary: tuple[str, ...]
    problem: tuple[str, ...]
    opinion: tuple[str, ...]
    measure: tuple[str, ...]

    @property
    def catch_all(self) -> bool:
        """The catch-all category has opinions only: it never heads a self-examination section."""
        return not self.problem


@dataclass(frozen=True, slots=True)
class Pool:
    categories: tuple[Category, ...]
    prose: dict[str, tuple[str, ...]]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.categories)

    @property
    def problem_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if not c.catch_all)

    def __getitem__(self, label: str) -> Category:
        return next(c for c in self.categories if c.label == label)


@cache
def load_pool(text_dir: Path = TEXT_DIR) -> Pool:
    """Read the category files (in the order of their number prefix) and the prose file."""
    cats = []
    for path in sorted(text_dir.glob("[0-9]*_*.txt"), key=lambda p: int(p.name.split("_")[0])):
        sections = _sections(path)
        cats.append(
            Category(
                label=path.stem.split("_", 1)[1],
                summary=sections.get("summary", ()),
                problem=sections.get("problem", ()),
                opinion=sections.get("opinion", ()),
                measure=sections.get("measure", ()),
            )
        )
    if not cats:
        raise FileNotFoundError(f"no category files in {text_dir}")
    return Pool(tuple(cats), _sections(text_dir / "prose.txt"))


def _sections(path: Path) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out.setdefault(current, [])
        elif current:
            out[current].append(line)
    return {k: tuple(v) for k, v in out.items()}


class Deck:
    """Draws texts without repeating until a list is used up, then reshuffles: the sample inbox
    then reads like many writers, not one sentence pasted everywhere."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._left: dict[tuple[str, str], list[str]] = {}

    def draw(self, key: tuple[str, str], texts: tuple[str, ...]) -> str:
        left = self._left.get(key)
        if not left:
            left = list(texts)
            self._rng.shuffle(left)
            self._left[key] = left
        return left.pop()


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, rng: random.Random, unit: str = "", short: str = "") -> str:
    """Replace placeholders with plausible specifics and straight quotes with Chinese ones."""

    def value(m: re.Match[str]) -> str:
        key = m.group(1)
        match key:
            case "n":
                return str(rng.randint(2, 30))
            case "big":
                return str(rng.randint(40, 600))
            case "pct":
                return str(rng.randint(30, 98))
            case "money":
                return str(rng.choice((12, 18, 25, 36, 48, 60, 85, 120, 150, 230, 380, 640)))
            case "yuan":
                return str(rng.randrange(800, 30000, 100))
            case "area":
                return str(rng.randint(25, 120))
            case "year":
                return str(rng.choice((2011, 2012, 2012, 2013)))
            case "date":
                year = rng.choice((2012, 2013, 2013))
                return f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
            case "month":
                return f"{rng.choice((2012, 2013))}年{rng.randint(1, 12)}月"
            case "place":
                return rng.choice(PLACES)
            case "unit":
                return unit
            case "short":
                return short or unit
        raise KeyError(f"unknown placeholder {{{key}}} in {template!r}")

    text = _PLACEHOLDER.sub(value, template)
    return _curly_quotes(text)


def _curly_quotes(text: str) -> str:
    parts = text.split('"')
    if len(parts) % 2 == 0:  # unbalanced: leave as written
        return text
    return "".join(p if i == 0 else ("“" if i % 2 else "”") + p for i, p in enumerate(parts))


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


_HALF = {"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"'}


def vary(text: str, rng: random.Random, *, spaces: float, half: float, trad: float) -> str:
    """Roughen a clean text the way pasted and retyped submissions are rough."""
    if rng.random() < half:
        text = "".join(_HALF[c] if c in _HALF and rng.random() < 0.7 else c for c in text)
    if rng.random() < spaces and len(text) > 8:
        for _ in range(rng.randint(1, 3)):
            i = rng.randint(2, len(text) - 2)
            if not (text[i - 1].isdigit() and text[i].isdigit()):  # keep numbers whole
                text = text[:i] + rng.choice((" ", " ", "  ", "\u3000")) + text[i:]
    if rng.random() < trad:
        text = traditional(text)
    return text


@cache
def _converter():  # opencc builds its dictionaries once per process
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    return str(_converter().convert(text))


def chinese_number(i: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五 (enough for list labels)."""
    digits = "零一二三四五六七八九"
    if i < 10:
        return digits[i]
    tens, ones = divmod(i, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
