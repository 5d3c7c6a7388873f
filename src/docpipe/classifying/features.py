"""The classifier's hashed n-gram features for a batch, with the n-grams behind each column.

The model's feature union (see ``model.build_pipeline``) analyses every text into n-grams and
hashes every occurrence, one Python string at a time; the classifier also needs to know which
n-grams of a text landed in which column, to name the terms behind a decision.
``analyse_batch`` gets both at once and works on the batch as a whole: a text is a sequence of
units (characters, or jieba words), an n-gram occurrence is numbered by its (n-1)-gram and
its last unit with numpy, and only the distinct n-grams of the batch become strings, hashed
once (MurmurHash3, vectorised, as scikit-learn's ``FeatureHasher`` hashes them).  The block's
fitted inverse document frequencies then weigh the counts, so the matrix equals the union's
``transform`` bit for bit (tests compare the two, to catch a scikit-learn upgrade that changes
the analysis).

Nothing here imports scikit-learn: ``hashed_blocks`` reads what it needs off a fitted union
into plain arrays, so the processes that only classify never load scikit-learn (about 110 MB
and 2 s of start-up per process).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from scipy import sparse

from docpipe.classifying.segment import tokenize

__all__ = ["Batch", "BlockGrams", "HashedBlock", "analyse_batch", "hash_columns", "hashed_blocks"]

_WHITE_SPACES = re.compile(r"\s\s+")  # what HashingVectorizer's char analyser folds to " "


@dataclass(frozen=True, slots=True, eq=False)
class HashedBlock:
    """One block of the feature union: hashed n-grams of one kind, weighed by TF-IDF."""

    kind: str  # the block's name in the union ('char', 'word')
    analyzer: str  # 'char' (code points) or 'word' (``segment.tokenize``)
    ngram_range: tuple[int, int]
    offset: int  # its first column in the union
    n_features: int  # its width: 2**bits hashed columns
    idf: np.ndarray  # the fitted inverse document frequency of each column
    sublinear_tf: bool  # 1 + log(count) instead of the count
    norm: str | None  # 'l2' or None: how the TF-IDF rows are normalised


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


def hashed_blocks(union: Any) -> list[HashedBlock]:
    """The blocks of a fitted union built by ``model.build_pipeline`` (hash → tfidf each).

    Raises ValueError for any setting the batch analysis does not reproduce.
    """
    if union.transformer_weights:
        raise ValueError("weighted feature unions are not supported")
    blocks, offset = [], 0
    for kind, block in union.transformer_list:
        hasher, tfidf = block.named_steps["hash"], block.named_steps["tfidf"]
        if hasher.analyzer not in ("char", "word") or hasher.get_stop_words() \
                or hasher.alternate_sign:
            raise ValueError(f"block {kind!r}: only char and word n-grams, without stop "
                             "words or alternate signs")
        if hasher.analyzer == "word" and hasher.tokenizer is not tokenize:
            raise ValueError(f"block {kind!r}: words must come from segment.tokenize")
        plain = (hasher.input == "content" and hasher.preprocessor is None
                 and not hasher.lowercase and hasher.strip_accents is None
                 and hasher.norm is None and not hasher.binary and hasher.dtype == np.float64)
        if not plain or tfidf.norm not in ("l2", None) or not tfidf.use_idf:
            raise ValueError(f"block {kind!r}: only float64 counts of the text as given, "
                             "weighed by idf, l2-normalised or not")
        idf = np.asarray(tfidf.idf_, dtype=np.float64)
        if idf.shape != (hasher.n_features,):
            raise ValueError(f"block {kind!r}: {idf.size} idf weights for "
                             f"{hasher.n_features} columns")
        lo, hi = hasher.ngram_range
        blocks.append(HashedBlock(kind, hasher.analyzer, (lo, hi), offset, hasher.n_features,
                                  idf, bool(tfidf.sublinear_tf), tfidf.norm))
        offset += hasher.n_features
    return blocks


def analyse_batch(texts: Sequence[str], blocks: Sequence[HashedBlock]) -> Batch:
    """The union's features of ``texts`` (already normalised) and the n-grams of each row."""
    analysed = [_analyse(texts, block) for block in blocks]
    features = sparse.hstack([matrix for matrix, _ in analysed], format="csr")
    features.sort_indices()  # a no-op (each block's columns are sorted) that callers rely on
    return Batch(features, tuple(grams for _, grams in analysed))


def _analyse(texts: Sequence[str], block: HashedBlock) -> tuple[Any, BlockGrams]:
    width = block.n_features
    grams, rows, ids = _ngrams(texts, block)
    columns = hash_columns(grams, width)
    # the hasher counts occurrences per (row, column): n-grams of a text hashed to one column
    # add up
    cells, counts = _runs(rows * width + columns[ids])
    indptr = np.searchsorted(cells, np.arange(len(texts) + 1) * width)
    indices = cells % width
    # TfidfTransformer.transform, step for step
    data = counts.astype(np.float64)
    if block.sublinear_tf:
        np.log(data, data)
        data += 1.0
    data *= block.idf[indices]
    if block.norm == "l2":
        _normalise_rows(data, indptr)
    matrix = sparse.csr_array((data, indices, indptr), shape=(len(texts), width))
    pairs, _ = _runs(rows * len(grams) + ids)  # each n-gram of each text once
    held_by, held = np.divmod(pairs, len(grams))
    return matrix, BlockGrams(block.kind, grams, columns + block.offset, held_by, held)


def _normalise_rows(data: np.ndarray, indptr: np.ndarray) -> None:
    """Divide each row by its l2 norm in place, as scikit-learn's ``normalize`` does.

    Squares are summed left to right within a row, as scikit-learn's loop sums them (numpy's
    reductions sum pairwise, which differs in the last bit): as a sparse product with ones,
    whose loop runs in that order too.  Rows without values stay as they are.
    """
    rows = len(indptr) - 1
    squares = sparse.csr_array((data * data, np.zeros(len(data), np.int32), indptr),
                               shape=(rows, 1))
    norms = np.sqrt(squares @ np.ones(1))
    norms[norms == 0.0] = 1.0
    data /= np.repeat(norms, np.diff(indptr))


def hash_columns(grams: Sequence[str], n_features: int) -> np.ndarray:
    """The column scikit-learn's FeatureHasher gives each string: |MurmurHash3 of its UTF-8|
    modulo ``n_features`` (seed 0, signed 32-bit)."""
    signed = _murmur3(grams).astype(np.int64)
    # abs(-2**31) overflows in int32: scikit-learn defines that one's column as below
    folded = np.where(signed == -(2**31), 2**31 - 1 - (n_features - 1), np.abs(signed))
    return (folded % n_features).astype(np.intp)


_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _murmur3(grams: Sequence[str]) -> np.ndarray:
    """MurmurHash3_x86_32 (seed 0) of each string's UTF-8 bytes as int32, vectorised.

    Strings are hashed in groups of equal block count (4 bytes a block), so a rare long word
    pads only its own group.  A lone surrogate raises UnicodeEncodeError, as in scikit-learn.
    """
    joined = "".join(grams)
    data = np.frombuffer(joined.encode("utf-8") + b"\0\0\0\0", np.uint8)
    points = np.frombuffer(joined.encode("utf-32-le"), "<u4")
    size = (1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)).astype(np.int64)
    chars = np.fromiter(map(len, grams), np.int64, len(grams))
    ends = np.cumsum(chars)
    nbytes = np.concatenate(([0], np.cumsum(size)))  # UTF-8 offset of each code point
    offsets = nbytes[ends - chars]
    lengths = nbytes[ends] - offsets
    out = np.zeros(len(grams), np.uint32)
    blocks = lengths // 4
    for count in np.unique(blocks).tolist():
        group = np.flatnonzero(blocks == count)
        span = np.arange(4 * (count + 1))  # the whole blocks and the tail
        at = offsets[group, None] + span
        raw = np.where(span < lengths[group, None], data[np.minimum(at, len(data) - 1)], 0)
        words = np.ascontiguousarray(raw.astype(np.uint8)).view("<u4").astype(np.uint32)
        h = np.zeros(len(group), np.uint32)
        for j in range(count):
            k = _rotl(words[:, j] * _C1, 15) * _C2
            h = _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        tail = _rotl(words[:, count] * _C1, 15) * _C2  # 0 when there is no tail
        h ^= tail
        h ^= lengths[group].astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
        out[group] = h
    return out.view(np.int32)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys`` (none negative), increasing, and how often each occurs."""
    keys = np.sort(keys)
    first = np.flatnonzero(np.diff(keys, prepend=-1))
    return keys[first], np.diff(first, append=len(keys))


def _ngrams(texts: Sequence[str], block: HashedBlock
            ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every n-gram occurrence the block's analyser yields, as the sorted distinct n-grams
    of the batch, the row of each occurrence and the index of its n-gram."""
    units, lengths, spell = _units(texts, block.analyzer)
    ends = np.repeat(np.cumsum(lengths), lengths)  # where the text of each unit ends
    text_of = np.repeat(np.arange(len(texts)), lengths)
    base = int(units.max(initial=0)) + 1
    ids = np.zeros(len(units), np.int64)  # of the n-gram starting at each unit, n by n
    spelt: list[str] = []  # the n-gram of each number, n after n (the same one may recur)
    rows: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    lo, hi = block.ngram_range
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


def _units(texts: Sequence[str], analyzer: str
           ) -> tuple[np.ndarray, np.ndarray, Callable[[int, int], str]]:
    """The batch as one run of units (code points, or word numbers), the number of units of
    each text, and how to spell the n units from a start.  Same steps as the analyser."""
    if analyzer == "char":
        docs = [_WHITE_SPACES.sub(" ", d) for d in texts]
        joined = "".join(docs)
        # surrogatepass: a lone surrogate fails where it fails in scikit-learn, at hashing
        units = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        return units.astype(np.int64), np.array([len(d) for d in docs], np.intp), (
            lambda start, n: joined[start:start + n])
    per_doc = [tokenize(d) for d in texts]
    words = list(chain.from_iterable(per_doc))
    number = {w: i for i, w in enumerate(dict.fromkeys(words))}
    units = np.fromiter(map(number.__getitem__, words), np.int64, len(words))
    return units, np.array([len(w) for w in per_doc], np.intp), (
        lambda start, n: " ".join(words[start:start + n]))
