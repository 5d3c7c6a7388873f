"""Near-duplicate grouping of opinions, so a summary says "减少会议（同类意见5条）" once.

Two opinions are the same when the cosine similarity of their word counts reaches a threshold.
Words are jieba tokens (``classifying.segment.tokenize``) minus the framing words every
opinion shares ("希望", "建议", "有的" ...), which would otherwise make unrelated opinions
look alike.  Grouping is leader-style: an opinion joins the group whose first member it is
most similar to, so groups do not chain A~B~C into one when A and C have nothing in common.
Threshold and
stopwords live in ``campaign.toml [dedupe]``; ``tune_threshold`` picks a threshold from labelled
pairs (tests/test_dedupe.py holds the pairs it was tuned on).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docpipe.settings import config_path

__all__ = ["Group", "group_similar", "load_dedupe_settings", "similarity", "tune_threshold"]

Tokenize = Callable[[str], list[str]]
_NOISE = re.compile(r"^[\W_\d]+$")


@dataclass(frozen=True, slots=True)
class Group:
    """Indices into the input texts; ``members[0]`` is the representative (the most central)."""

    members: tuple[int, ...]

    @property
    def representative(self) -> int:
        return self.members[0]

    @property
    def count(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class DedupeSettings:
    threshold: float
    stopwords: frozenset[str]


def load_dedupe_settings(path: Path | None = None) -> DedupeSettings:
    return _load(path or config_path("campaign.toml"))


def similarity(a: str, b: str, *, tokenize: Tokenize | None = None,
               stopwords: frozenset[str] | None = None) -> float:
    """Cosine similarity of two texts' meaningful word counts (0 when either has none)."""
    words = _words_fn(tokenize, stopwords)
    return _cosine(words(a), words(b))


def group_similar(
    texts: Sequence[str],
    *,
    threshold: float | None = None,
    tokenize: Tokenize | None = None,
    stopwords: frozenset[str] | None = None,
) -> list[Group]:
    """Groups of near-duplicate texts, largest first (then by first appearance).

    Every index of ``texts`` is in exactly one group, so counts over groups add up to len(texts).
    """
    settings = load_dedupe_settings()
    limit = settings.threshold if threshold is None else threshold
    words = _words_fn(tokenize, stopwords)
    distinct = {t: words(t) for t in dict.fromkeys(texts)}  # a repeated opinion is cut once
    vectors = [distinct[t] for t in texts]
    norms = [_norm(v) for v in vectors]  # each vector's norm once, not once per comparison
    seeds: list[int] = []
    members: list[list[int]] = []
    by_word: dict[str, list[tuple[int, int]]] = {}  # word -> (group, count in the group's seed)
    for index, vector in enumerate(vectors):
        # the dot product with every seed that shares a word, accumulated word by word (exact:
        # integer counts), so each comparison is the cosine _cosine would give
        dots: dict[int, int] = {}
        for w, n in vector.items():
            for g, m in by_word.get(w, ()):
                dots[g] = dots.get(g, 0) + n * m
        best, best_score = -1, 0.0
        for g in sorted(dots):
            score = dots[g] / (norms[index] * norms[seeds[g]])
            if score > best_score:
                best, best_score = g, score
        if best >= 0 and best_score >= limit:
            members[best].append(index)
            continue
        seeds.append(index)
        members.append([index])
        for w, n in vector.items():
            by_word.setdefault(w, []).append((len(seeds) - 1, n))
    groups = [Group(_central_first(m, vectors, norms)) for m in members]
    return sorted(groups, key=lambda g: (-g.count, min(g.members)))


def tune_threshold(
    pairs: Sequence[tuple[str, str, bool]],
    *,
    tokenize: Tokenize | None = None,
    stopwords: frozenset[str] | None = None,
) -> tuple[float, float]:
    """The threshold (in steps of 0.05) with the best F1 on (a, b, same?) pairs, and that F1.

    Ties go to the middle of the best range, the threshold least likely to flip on new data.
    """
    words = _words_fn(tokenize, stopwords)
    scores = [(_cosine(words(a), words(b)), same) for a, b, same in pairs]
    results = []
    for step in range(1, 20):
        t = step / 20
        tp = sum(1 for s, same in scores if s >= t and same)
        fp = sum(1 for s, same in scores if s >= t and not same)
        fn = sum(1 for s, same in scores if s < t and same)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        results.append((t, f1))
    best = max(f1 for _, f1 in results)
    top = [t for t, f1 in results if f1 == best]
    return top[len(top) // 2], best


def _words_fn(tokenize: Tokenize | None, stopwords: frozenset[str] | None) -> Callable[
        [str], Counter[str]]:
    if tokenize is None:
        from docpipe.classifying.segment import (
            tokenize as segment_tokenize,  # jieba loads on first use
        )

        tokenize = segment_tokenize
    stop = load_dedupe_settings().stopwords if stopwords is None else stopwords
    cut = tokenize

    def words(text: str) -> Counter[str]:
        return Counter(w for w in (t.strip() for t in cut(text))
                       if w and w not in stop and not _NOISE.match(w))

    return words


def _norm(a: Counter[str]) -> float:
    return math.sqrt(sum(n * n for n in a.values()))


def _cosine(a: Counter[str], b: Counter[str], norm: float | None = None) -> float:
    """Cosine of two word counts; ``norm`` is |a|·|b| when the caller already knows it."""
    if not a or not b:
        return 0.0
    # only the shared words count; the counts are integers, so the sum is exact in any order
    dot = sum(a[w] * b[w] for w in a.keys() & b.keys())
    return dot / (norm if norm is not None else _norm(a) * _norm(b))


def _central_first(members: list[int], vectors: list[Counter[str]],
                   norms: list[float]) -> tuple[int, ...]:
    """The member most similar to the others first (ties: the shorter text, then the earlier).

    A member's summed cosine with the others is its vector's dot product with the sum of all
    unit vectors, over its norm, minus its cosine with itself (1): linear in the group's size,
    where comparing every pair was quadratic (a large group of near-identical opinions is
    common).
    """
    if len(members) <= 2:
        return tuple(members)
    direction: dict[str, float] = {}
    for i in members:
        if norms[i]:
            for w, n in vectors[i].items():
                direction[w] = direction.get(w, 0.0) + n / norms[i]

    def centrality(i: int) -> tuple[float, int, int]:
        vector = vectors[i]
        total = sum(n * direction[w] for w, n in vector.items()) / norms[i] - 1 if norms[i] else 0
        # equal to 9 places is a tie: sums of the same cosines in another order differ in the
        # last bits, and that must not pick the representative
        return (-round(total, 9), sum(vector.values()), i)

    rep = min(members, key=centrality)
    return (rep, *(m for m in members if m != rep))


@cache
def _load(path: Path) -> DedupeSettings:
    with path.open("rb") as fh:
        raw = tomllib.load(fh).get("dedupe", {})
    return DedupeSettings(float(raw.get("threshold", 0.5)),
                          frozenset(str(w) for w in raw.get("stopwords", ())))
