"""Sorting items into the configured categories (四风 and 其他).

A ``Classifier`` wraps a fitted pipeline (see ``model``) with the taxonomy: it reports every
category's probability in taxonomy order, the merged label, whether the item needs a human
(top probability under ``taxonomy.review_threshold``), a close second label, and the terms
that drove the decision.

Heading hints (``Item.hint``: a category named by the heading above the item) enter as a
prior: the hinted category's probability is multiplied by ``hint_weight`` and the row is
renormalised.  The model itself never sees hints, so it works the same without them, and
strong evidence against the heading (a broken projector under a 形式主义 heading) still wins.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from docpipe import settings
from docpipe.classifying.features import Batch, HashedBlock, analyse_batch, hashed_blocks
from docpipe.classifying.linear import LinearModel, from_bytes, from_pipeline
from docpipe.classifying.segment import get_segmenter, normalise_all
from docpipe.classifying.store import (
    DEFAULT_PARAMS,
    ModelError,
    model_version,
    read_manifest,
    served_path,
)
from docpipe.records import ClassifiedItem, Item, Prediction
from docpipe.taxonomy import Taxonomy, load_taxonomy

__all__ = ["Classifier", "classify_items", "load_classifier", "prediction_to_dict"]

log = logging.getLogger(__name__)

HINT_WEIGHT = 3.0  # odds multiplier for the category a heading names
TERMS = 5  # how many driving terms a prediction reports
_NOT_WORD = re.compile(r"[\W_]+")


class Classifier:
    """A trained model plus the taxonomy it predicts; ``version`` identifies data + params.

    ``model`` is a fitted pipeline (``model.build_pipeline``) or its arrays (``LinearModel``);
    a pipeline of a linear family is turned into its arrays, which predict the same numbers.
    """

    def __init__(
        self, model: LinearModel | Any, taxonomy: Taxonomy, version: str, *,
        hint_weight: float = HINT_WEIGHT,
    ) -> None:
        if not isinstance(model, LinearModel):
            model = from_pipeline(model) or _PipelineModel(model)
        unknown = [c for c in model.classes if c not in taxonomy.labels]
        if unknown:
            raise ModelError(f"model predicts categories the taxonomy lacks: {unknown}")
        self.model = model
        self.taxonomy = taxonomy
        self.version = version
        self.hint_weight = hint_weight
        self._columns = [taxonomy.labels.index(c) for c in model.classes]
        self._weights = _class_weights(model, taxonomy)
        self._blocks = model.blocks

    def predict(self, texts: Sequence[str], hints: Sequence[str] | None = None) -> list[Prediction]:
        """One Prediction per text; ``hints`` (same length, '' for none) name heading categories."""
        if not texts:
            return []
        tax, labels = self.taxonomy, self.taxonomy.labels
        batch = analyse_batch(normalise_all(texts), self._blocks)  # + the n-grams
        raw = self.model.probabilities(batch.features)
        probs = np.zeros((len(texts), len(labels)))
        probs[:, self._columns] = raw
        if hints is not None:
            probs = self._apply_hints(probs, hints)
        order = np.argsort(-probs, axis=1, kind="stable")
        best = order[:, 0]
        second = order[:, 1] if len(labels) > 1 else best
        rows = np.arange(len(probs))
        top = probs[rows, best]
        close = (second != best) & (top - probs[rows, second] <= tax.secondary_margin)
        review = top < tax.review_threshold
        terms = self._terms(best, batch)
        merged = [tax.merged(label) for label in labels]
        return [
            Prediction(
                label=labels[b],
                probabilities=dict(zip(labels, row, strict=True)),
                merged_label=merged[b],
                needs_review=r,
                secondary=labels[s] if c else "",
                terms=t,
            )
            for b, s, c, r, row, t in zip(
                best.tolist(), second.tolist(), close.tolist(), review.tolist(),
                probs.tolist(), terms, strict=True,
            )
        ]

    def _apply_hints(self, probs: np.ndarray, hints: Sequence[str]) -> np.ndarray:
        if len(hints) != len(probs):
            raise ValueError(f"{len(hints)} hints for {len(probs)} texts")
        prior = np.ones_like(probs)
        for i, hint in enumerate(hints):
            if hint in self.taxonomy.labels:
                prior[i, self.taxonomy.labels.index(hint)] = self.hint_weight
        probs = probs * prior
        return probs / probs.sum(axis=1, keepdims=True)

    def _terms(self, best: np.ndarray, batch: Batch) -> list[tuple[str, ...]]:
        """Per text, readable n-grams with the largest positive contribution to its class.

        A column contributes its TF-IDF value times the class weight; every readable n-gram
        of the text hashed to a contributing column is a candidate.  Candidates are ranked by
        (contribution, kind, n-gram), largest first, for the whole batch at once; then each
        text keeps the first ``TERMS`` that do not overlap a term already kept.
        """
        features = batch.features
        n_rows, width = features.shape
        # (row, column) of each stored value as one number, increasing: CSR columns are sorted
        cells = np.repeat(np.arange(n_rows), np.diff(features.indptr)) * width + features.indices
        kinds = sorted(g.kind for g in batch.grams)
        parts = []  # per block, of each candidate: row, contribution, kind rank, n-gram, term
        for grams in batch.grams:
            # readability depends on the n-gram alone: ask once per distinct n-gram, and first
            terms = np.array([_readable(grams.kind, g) for g in grams.grams], object)
            held = np.flatnonzero((terms != "")[grams.ids])
            row, gram = grams.rows[held], grams.ids[held]
            column = grams.columns[gram]
            value = (features.data[np.searchsorted(cells, row * width + column)]
                     * self._weights[best[row], column])
            keep = value > 0
            parts.append((row[keep], value[keep], np.full(keep.sum(), kinds.index(grams.kind)),
                          gram[keep], terms[gram[keep]]))
        row, value, kind, gram, term = (np.concatenate(p) for p in zip(*parts, strict=True))
        order = np.lexsort((-gram, -kind, -value, row))  # by row, then ranked as above
        ranked = term[order].tolist()
        bounds = np.searchsorted(row[order], np.arange(n_rows + 1)).tolist()
        return [_pick(ranked[lo:hi]) for lo, hi in pairwise(bounds)]


def _pick(ranked: Sequence[str]) -> tuple[str, ...]:
    """The first ``TERMS`` of ``ranked`` that neither contain nor sit in one kept before."""
    terms: list[str] = []
    for term in ranked:
        if not any(term in t or t in term for t in terms):
            terms.append(term)
            if len(terms) == TERMS:
                break
    return tuple(terms)


class _PipelineModel:
    """A fitted pipeline whose classifier has no linear decision function (ComplementNB),
    behind the interface of ``LinearModel``: scikit-learn predicts."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.classes: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)
        self.blocks: tuple[HashedBlock, ...] = tuple(hashed_blocks(pipeline[1]))
        self.kept: np.ndarray = pipeline[2].get_support(indices=True)

    def probabilities(self, features: Any) -> np.ndarray:
        return np.asarray(self.pipeline[-1].predict_proba(self.pipeline[2].transform(features)))

    def class_weights(self) -> np.ndarray:
        clf = self.pipeline[-1]
        estimators = [c.estimator for c in getattr(clf, "calibrated_classifiers_", [])] or [clf]
        mats = []
        for est in estimators:
            # linear models: coef_; ComplementNB: feature_log_prob_ (the joint log-likelihood
            # is X @ feature_log_prob_.T, so larger also means "favours this class")
            w = np.asarray(est.coef_ if hasattr(est, "coef_") else est.feature_log_prob_)
            if w.shape[0] == 1:  # binary models keep one row, for the second class
                w = np.vstack([-w[0], w[0]])
            mats.append(w)
        return np.mean(mats, axis=0)


def _class_weights(model: LinearModel | _PipelineModel, taxonomy: Taxonomy) -> np.ndarray:
    """Per-category weights of the hashed columns (taxonomy rows, centred across categories)."""
    weights = model.class_weights()
    weights = weights - weights.mean(axis=0, keepdims=True)
    last = model.blocks[-1]
    full = np.zeros((len(taxonomy.labels), last.offset + last.n_features))
    for j, cls in enumerate(model.classes):
        full[taxonomy.labels.index(cls), model.kept] = weights[j]
    return full


@lru_cache(maxsize=1 << 16)  # every distinct n-gram of a batch is asked; most recur
def _readable(kind: str, gram: str) -> str:
    """'公款 吃喝' (word bigram) → '公款吃喝'; '' for an n-gram a reader would not recognise
    (one character, punctuation, a particle bigram, a character n-gram that is no word)."""
    if kind == "word" and min(len(w) for w in gram.split(" ")) < 2:
        return ""  # a bigram with a particle ("的 问题") reads as noise
    term = _NOT_WORD.sub("", gram)
    if len(term) < 2 or (kind == "char" and not get_segmenter().is_word(term)):
        return ""
    return term


_cache: dict[Path, Classifier] = {}
_lock = threading.Lock()


def load_classifier(
    path: Path | None = None,
    *,
    train_if_missing: bool = True,
    taxonomy: Taxonomy | None = None,
    training_dir: Path | None = None,
) -> Classifier:
    """The saved classifier, trained once and saved when missing or out of date.

    "Out of date" means its version differs from the current training data, parameters,
    taxonomy and scikit-learn version.  Loaded once per process (cached by path).
    """
    path = (path or settings.model_path()).resolve()
    taxonomy = taxonomy or load_taxonomy()
    directory = training_dir or settings.training_dir()
    has_data = directory.is_dir() and any(directory.glob("*.jsonl"))
    expected = model_version(directory, DEFAULT_PARAMS, taxonomy) if has_data else None
    with _lock:
        cached = _cache.get(path)
        if cached is not None and expected in (None, cached.version):
            return cached
        try:
            loaded = _load(path, expected)
        except ModelError:
            if not train_if_missing:
                raise
            log.warning("model at %s failed its checks; training a new one", path, exc_info=True)
            loaded = None
        if loaded is not None:
            classifier = Classifier(loaded[0], taxonomy, loaded[1])
        elif not train_if_missing or not has_data:
            raise ModelError(f"no usable model at {path} (version {expected}); run `docpipe train`")
        else:
            from docpipe.classifying.train import train_model  # scikit-learn: only here

            log.info("training the classifier (version %s) into %s", expected, path)
            result = train_model(directory, path, taxonomy=taxonomy)
            classifier = Classifier(result.pipeline, taxonomy, result.version)
        _cache[path] = classifier
        return classifier


def _load(path: Path, expected: str | None) -> tuple[LinearModel | Any, str] | None:
    """The saved model at ``path`` and its version; None when absent or stale.

    Its arrays when the manifest lists them (checked against their sha256); otherwise the
    skops pipeline, whose arrays are then saved beside it for the next process.
    """
    manifest = read_manifest(path)
    if manifest is None or expected not in (None, manifest.get("version")):
        return None
    version, digest = str(manifest["version"]), manifest.get("linear_sha256")
    served = served_path(path)
    if digest and served.exists():
        data = served.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ModelError(f"{served} does not match the sha256 in its manifest; "
                             "refusing to load it")
        try:
            return from_bytes(data), version
        except ValueError as exc:
            raise ModelError(f"{served} is not a usable model: {exc}") from exc
    from docpipe.classifying.train import load_model, save_served  # scikit-learn: only here

    loaded = load_model(path, expected)
    if loaded is None:
        return None
    pipeline, manifest = loaded
    linear = from_pipeline(pipeline)
    if linear is not None:
        try:
            save_served(path, linear, manifest)
        except OSError as exc:  # a read-only model folder: predict from memory all the same
            log.warning("could not save the model's arrays beside %s (%s); every process "
                        "will load scikit-learn to read them", path, exc)
    return linear or pipeline, version


def classify_items(items: Sequence[Item], classifier: Classifier) -> list[ClassifiedItem]:
    """Classify items in one batch, using each item's heading hint as a prior."""
    preds = classifier.predict([i.text for i in items], [i.hint for i in items])
    return [ClassifiedItem(item, pred) for item, pred in zip(items, preds, strict=True)]


def prediction_to_dict(text: str, prediction: Prediction) -> dict[str, Any]:
    """The JSON shape of `docpipe classify`: one object per input line."""
    return {
        "text": text,
        "label": prediction.label,
        "probabilities": dict(prediction.probabilities),
        "needs_review": prediction.needs_review,
        "secondary": prediction.secondary,
        "merged_label": prediction.merged_label,
        "terms": list(prediction.terms),
    }
