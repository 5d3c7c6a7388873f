"""The classifier's hashed n-gram features for a batch, with the n-grams behind each column.

The model's feature union (see ``model.build_pipeline``) analyses every text into n-grams and
hashes every occurrence, one Python string at a time; the classifier also needs to know which
n-grams of a text landed in which column, to name the terms behind a decision.
``analyse_batch`` gets both at once and works on the batch as a whole: a text is a sequence of
units (characters, or jieba words), an n-gram occurrence is numbered by its (n-1)-gram and
its last unit with numpy, and only the distinct n-grams of the batch become strings, hashed
once by the ``FeatureHasher`` the block's HashingVectorizer uses.  The block's fitted
TfidfTransformer then weighs the counts, so the matrix equals ``pipeline[1].transform``
(tests compare the two, to catch a scikit-learn upgrade that changes the analysis).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

__all__ = ["Batch", "BlockGrams", "HashedBlock", "analyse_batch", "hashed_blocks"]

_WHITE_SPACES = re.compile(r"\s\s+")  # what HashingVectorizer's char analyser folds to " "


@dataclass(frozen=True, slots=True)
class HashedBlock:
    """One block of the feature union: a HashingVectorizer and its fitted TfidfTransformer."""

    kind: str  # the block's name in the union ('char', 'word')
    offset: int  # its first column in the union
    hasher: HashingVectorizer
    tfidf: TfidfTransformer


@dataclass(frozen=True, slots=True)
class BlockGrams:
    """Which distinct n-grams of one block each text of a batch holds, and their columns."""

    kind: str
    grams: list[str]  # the distinct n-grams of the batch, sorted: an id is also a rank
    columns: np.ndarray  # union column of each n-gram
    rows: np.ndarray  # text rows[k] holds grams[ids[k]]; each pair once, by row then id
    ids: np.ndarray


@dataclass(frozen=True, slots=True)
class Batch:
    features: Any  # CSR matrix equal to the union's transform, column indices sorted
    grams: tuple[BlockGrams, ...]  # one per block, in union order


def hashed_blocks(union: FeatureUnion) -> list[HashedBlock]:
    """The blocks of a fitted union built by ``model.build_pipeline`` (hash → tfidf each)."""
    if union.transformer_weights:
        raise ValueError("weighted feature unions are not supported")
    blocks, offset = [], 0
    for kind, block in union.transformer_list:
        hasher, tfidf = block.named_steps["hash"], block.named_steps["tfidf"]
        if hasher.analyzer not in ("char", "word") or hasher.get_stop_words() \
                or hasher.alternate_sign:
            raise ValueError(f"block {kind!r}: only char and word n-grams, without stop "
                             "words or alternate signs")
        blocks.append(HashedBlock(kind, offset, hasher, tfidf))
        offset += hasher.n_features
    return blocks


def analyse_batch(texts: Sequence[str], blocks: Sequence[HashedBlock]) -> Batch:
    """The union's features of ``texts`` (already normalised) and the n-grams of each row."""
    analysed = [_analyse(texts, block) for block in blocks]
    features = sparse.hstack([matrix for matrix, _ in analysed], format="csr")
    features.sort_indices()  # a no-op (each block's columns are sorted) that callers rely on
    return Batch(features, tuple(grams for _, grams in analysed))


def _analyse(texts: Sequence[str], block: HashedBlock) -> tuple[Any, BlockGrams]:
    hasher, width = block.hasher, block.hasher.n_features
    grams, rows, ids = _ngrams(texts, hasher)
    # one row per distinct n-gram, so one entry per row: its column
    hashed = FeatureHasher(n_features=width, input_type="string", alternate_sign=False)
    columns = hashed.transform([g] for g in grams).indices if grams else np.zeros(0, np.intp)
    # HashingVectorizer counts occurrences per (row, column): n-grams of a text hashed to one
    # column add up
    cells, counts = _runs(rows * width + columns[ids])
    indptr = np.searchsorted(cells, np.arange(len(texts) + 1) * width)
    matrix = sparse.csr_array((counts.astype(hasher.dtype), cells % width, indptr),
                              shape=(len(texts), width))
    if hasher.binary:
        matrix.data.fill(1)
    if hasher.norm is not None:
        matrix = normalize(matrix, norm=hasher.norm, copy=False)
    pairs, _ = _runs(rows * len(grams) + ids)  # each n-gram of each text once
    held_by, held = np.divmod(pairs, len(grams))
    return block.tfidf.transform(matrix), BlockGrams(
        block.kind, grams, columns + block.offset, held_by, held)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys`` (none negative), increasing, and how often each occurs."""
    keys = np.sort(keys)
    first = np.flatnonzero(np.diff(keys, prepend=-1))
    return keys[first], np.diff(first, append=len(keys))


def _ngrams(texts: Sequence[str], hasher: HashingVectorizer
            ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every n-gram occurrence the hasher's analyser yields, as the sorted distinct n-grams
    of the batch, the row of each occurrence and the index of its n-gram."""
    units, lengths, spell = _units(texts, hasher)
    ends = np.repeat(np.cumsum(lengths), lengths)  # where the text of each unit ends
    text_of = np.repeat(np.arange(len(texts)), lengths)
    base = int(units.max(initial=0)) + 1
    ids = np.zeros(len(units), np.int64)  # of the n-gram starting at each unit, n by n
    spelt: list[str] = []  # the n-gram of each number, n after n (the same one may recur)
    rows: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    lo, hi = hasher.ngram_range
    for n in range(1, hi + 1):
        inside = np.flatnonzero(np.arange(len(units)) + n <= ends)  # within their text
        # equal n-grams: equal (n-1)-grams followed by equal units
        keys = units if n == 1 else ids[inside] * base + units[inside + n - 1]
        distinct, number = np.unique(keys, return_inverse=True)
        ids[inside] = number
        if n >= lo:
            start = np.empty(len(distinct), np.intp)
            start[number] = inside  # any occurrence will do: they all spell the same
            rows.append(text_of[inside])
            numbers.append(number + len(spelt))
            spelt += [spell(s, n) for s in start.tolist()]
    grams = sorted(set(spelt))
    rank = dict(zip(grams, range(len(grams)), strict=True))
    to_rank = np.array([rank[s] for s in spelt], dtype=np.intp)
    return grams, np.concatenate(rows), to_rank[np.concatenate(numbers)]


def _units(texts: Sequence[str], hasher: HashingVectorizer
           ) -> tuple[np.ndarray, np.ndarray, Callable[[int, int], str]]:
    """The batch as one run of units (code points, or word numbers), the number of units of
    each text, and how to spell the n units from a start.  Same steps as the analyser."""
    decode, preprocess = hasher.decode, hasher.build_preprocessor()
    docs = [preprocess(decode(t)) for t in texts]
    if hasher.analyzer == "char":
        docs = [_WHITE_SPACES.sub(" ", d) for d in docs]
        joined = "".join(docs)
        # surrogatepass: a lone surrogate fails where it fails in scikit-learn, at hashing
        units = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        return units.astype(np.int64), np.array([len(d) for d in docs], np.intp), (
            lambda start, n: joined[start:start + n])
    tokenize = hasher.build_tokenizer()
    per_doc = [tokenize(d) for d in docs]
    words = list(chain.from_iterable(per_doc))
    number = {w: i for i, w in enumerate(dict.fromkeys(words))}
    units = np.fromiter(map(number.__getitem__, words), np.int64, len(words))
    return units, np.array([len(w) for w in per_doc], np.intp), (
        lambda start, n: " ".join(words[start:start + n]))
