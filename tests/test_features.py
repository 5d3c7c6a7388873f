"""The batch features: the same matrix as the model's feature union, and the n-grams behind it.

If a scikit-learn upgrade changes how HashingVectorizer analyses or hashes, these fail before
the classifier's probabilities or terms quietly drift.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion, Pipeline

from docpipe.classifying.features import analyse_batch, hash_columns, hashed_blocks
from docpipe.classifying.segment import normalise_all
from docpipe.classifying.train import build_pipeline, read_corpus
from docpipe.settings import training_dir

# Texts the normalised corpus lacks: runs of spaces and tabs (the char analyser folds them),
# NUL, characters beyond the BMP, Latin words, one character, nothing, long repetitions.
ODD = [
    "", " ", "中", "ab", "a  b\t\tc \n\n d ", "公款\x00吃喝\x00", "\x00", "𠀀𠀁😀 公款 x",
    "The officials hold too many meetings.", "ｆｕｌｌ　ｗｉｄｔｈ", "？？！！。。", "开会" * 300,
    "公款吃喝，超標準配車", "吃喝 吃喝 吃喝", "公款吃喝公款吃喝",
]
PARAMS: list[dict[str, Any]] = [
    {"features": "both", "char_ngram": [1, 3], "word_ngram": [1, 2]},
    {"features": "char", "char_ngram": [2, 4]},
    {"features": "word", "word_ngram": [2, 3]},
]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return [e.text for e in read_corpus(training_dir())]


def _union(params: dict[str, Any], texts: list[str]) -> FeatureUnion:
    pipeline = build_pipeline({"family": "svm", **params})
    union: FeatureUnion = pipeline[1]
    return union.fit(normalise_all(texts[::3]))


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: p["features"])
def test_features_equal_the_unions_own_transform(params, corpus) -> None:
    union = _union(params, corpus)
    blocks = hashed_blocks(union)
    for texts in (normalise_all(corpus[:1500]), normalise_all(ODD), ODD):
        want = union.transform(texts).tocsr()
        got = analyse_batch(texts, blocks).features
        assert got.shape == want.shape
        assert np.array_equal(got.indptr, want.indptr)
        assert np.array_equal(got.indices, want.indices)
        assert np.array_equal(got.data, want.data)  # bit for bit, not approximately


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: p["features"])
def test_each_row_holds_the_analysers_ngrams_in_their_columns(params, corpus) -> None:
    union = _union(params, corpus)
    blocks = hashed_blocks(union)
    texts = normalise_all(corpus[:200]) + ODD
    batch = analyse_batch(texts, blocks)
    hashers = [b.named_steps["hash"] for _, b in union.transformer_list]
    for block, hasher, grams in zip(blocks, hashers, batch.grams, strict=True):
        assert grams.grams == sorted(set(grams.grams))
        analyse = hasher.build_analyzer()
        pairs = Counter(zip(grams.rows.tolist(), grams.ids.tolist(), strict=True))
        assert set(pairs.values()) == {1}  # each n-gram of a text once
        for row, text in enumerate(texts):
            held = grams.ids[grams.rows == row]
            assert {grams.grams[i] for i in held} == set(analyse(text))
            columns = hasher.transform([text]).indices + block.offset
            assert set(grams.columns[held].tolist()) == set(columns.tolist())


def test_an_empty_batch_and_texts_without_ngrams() -> None:
    union = _union(PARAMS[0], ["公款吃喝", "会议太多"])
    batch = analyse_batch(["", "。"], hashed_blocks(union))
    assert batch.features.shape == (2, union.transform(["", "。"]).shape[1])
    word = batch.grams[1]
    assert word.grams == [] and word.rows.size == 0


def test_unions_the_fast_path_cannot_reproduce_are_refused() -> None:
    signed = HashingVectorizer(analyzer="char", alternate_sign=True)
    union = FeatureUnion([("char", Pipeline([("hash", signed), ("tfidf", TfidfTransformer())]))])
    with pytest.raises(ValueError, match="alternate"):
        hashed_blocks(union.fit(["公款吃喝"]))


def test_hashing_equals_scikit_learns_murmurhash_and_columns() -> None:
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.utils import murmurhash3_32

    rng = np.random.default_rng(0)
    alphabet = list("公款吃喝会议文件 ab1é\x00😀𠀀")
    grams = ["", "a", "ab", "abc", "abcd", "abcde", "公", "😀"] + [
        "".join(rng.choice(alphabet, size=rng.integers(0, 60))) for _ in range(5000)
    ] + ["长" * 4000]  # one long word pads only its own group
    assert hash_columns([], 8).size == 0
    want = np.array([murmurhash3_32(g, seed=0) for g in grams], np.int64)
    for width in (2**17, 2**18, 7):
        hasher = FeatureHasher(n_features=width, input_type="string", alternate_sign=False)
        columns = hasher.transform([g] for g in grams).indices
        assert np.array_equal(hash_columns(grams, width), columns)
        assert np.array_equal(hash_columns(grams, width), np.abs(want) % width)
    with pytest.raises(UnicodeEncodeError):
        hash_columns(["\ud800"], 8)  # a lone surrogate fails as in scikit-learn
