"""The trained classifier as plain arrays: what predicting needs, without scikit-learn.

The default pipeline (``model.build_pipeline``: normalise → hashed TF-IDF union → variance
selection → linear model under temperature scaling) predicts with a sparse product and a
softmax once its fitted numbers are read off: each block's idf weights, the kept columns, the
coefficients and intercepts, the inverse temperature.  ``from_pipeline`` reads them,
``probabilities`` repeats scikit-learn's arithmetic step for step (tests compare the two bit
for bit), and ``to_bytes``/``from_bytes`` keep them in an ``.npz`` beside the skops file (no
pickles).  Worker processes then load 20 MB of arrays instead of scikit-learn's 110 MB of
modules and 2 s of imports.  Families without a linear decision function (ComplementNB) are
not converted: ``from_pipeline`` returns None and the classifier keeps the pipeline.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from docpipe.features import HashedBlock, hashed_blocks

__all__ = ["LinearModel", "from_bytes", "from_pipeline", "select_columns", "to_bytes"]

_FORMAT = 1  # of the .npz layout


@dataclass(frozen=True, slots=True, eq=False)
class LinearModel:
    """softmax(beta · (x[kept] · coefᵀ + intercept)) over ``classes``, x the union's features."""

    classes: tuple[str, ...]
    blocks: tuple[HashedBlock, ...]
    kept: np.ndarray  # the union columns the selection keeps, increasing
    coef: np.ndarray  # one row per class, over the kept columns (binary: one row, classes[1])
    intercept: np.ndarray
    beta: float  # the fitted inverse temperature

    def probabilities(self, features: Any) -> np.ndarray:
        """Each class's probability per row of ``features`` (CSR, sorted columns), in
        ``classes`` order: what ``pipeline.predict_proba`` returns."""
        scores = select_columns(features, self.kept) @ self.coef.T + self.intercept
        logits = np.hstack([-scores, scores]) if scores.shape[1] == 1 else scores
        proba = np.float64(self.beta) * logits
        proba -= proba.max(axis=1).reshape(-1, 1)
        np.exp(proba, out=proba)
        proba /= proba.sum(axis=1).reshape(-1, 1)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def class_weights(self) -> np.ndarray:
        """Per class (rows in ``classes`` order), each kept column's weight towards it."""
        return np.vstack([-self.coef[0], self.coef[0]]) if len(self.coef) == 1 else self.coef


def select_columns(features: Any, kept: np.ndarray) -> Any:
    """``features[:, kept]`` for CSR with sorted columns: the kept columns, renumbered."""
    where = np.searchsorted(kept, features.indices)
    hit = np.zeros(len(where), bool) if not len(kept) else \
        kept[np.minimum(where, len(kept) - 1)] == features.indices
    rows = np.repeat(np.arange(features.shape[0]), np.diff(features.indptr))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows[hit], minlength=features.shape[0]))))
    return sparse.csr_array((features.data[hit], where[hit], indptr),
                            shape=(features.shape[0], len(kept)))


def from_pipeline(pipeline: Any) -> LinearModel | None:
    """The arrays of a fitted ``model.build_pipeline`` pipeline; None when its classifier is
    not a linear model under temperature scaling fitted once (``ensemble=False``)."""
    clf = pipeline[-1]
    calibrated = getattr(clf, "calibrated_classifiers_", None)
    if getattr(clf, "method", None) != "temperature" or calibrated is None or len(calibrated) != 1:
        return None
    estimator, [calibrator] = calibrated[0].estimator, calibrated[0].calibrators
    if not hasattr(estimator, "coef_") or not hasattr(estimator, "decision_function"):
        return None
    return LinearModel(
        classes=tuple(str(c) for c in clf.classes_),
        blocks=tuple(hashed_blocks(pipeline[1])),
        kept=np.asarray(pipeline[2].get_support(indices=True), dtype=np.int64),
        coef=np.ascontiguousarray(estimator.coef_, dtype=np.float64),
        intercept=np.asarray(estimator.intercept_, dtype=np.float64).reshape(-1),
        beta=float(calibrator.beta_),
    )


def to_bytes(model: LinearModel) -> bytes:
    """The model as an ``.npz`` (arrays, and the rest as JSON text; nothing pickled)."""
    meta = {
        "format": _FORMAT,
        "classes": list(model.classes),
        "beta": model.beta.hex(),  # exactly, not a decimal rounding
        "blocks": [{"kind": b.kind, "analyzer": b.analyzer, "ngram_range": list(b.ngram_range),
                    "offset": b.offset, "n_features": b.n_features,
                    "sublinear_tf": b.sublinear_tf, "norm": b.norm} for b in model.blocks],
    }
    arrays = {"meta": np.array(json.dumps(meta, ensure_ascii=False)), "kept": model.kept,
              "coef": model.coef, "intercept": model.intercept}
    arrays.update((f"idf_{i}", b.idf) for i, b in enumerate(model.blocks))
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def from_bytes(data: bytes) -> LinearModel:
    """The model ``to_bytes`` wrote.  Raises ValueError for anything else."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        if meta.get("format") != _FORMAT:
            raise ValueError(f"linear model format {meta.get('format')}, expected {_FORMAT}")
        blocks = tuple(
            HashedBlock(b["kind"], b["analyzer"], (b["ngram_range"][0], b["ngram_range"][1]),
                        b["offset"], b["n_features"], npz[f"idf_{i}"], b["sublinear_tf"],
                        b["norm"])
            for i, b in enumerate(meta["blocks"])
        )
        model = LinearModel(tuple(meta["classes"]), blocks, npz["kept"], npz["coef"],
                            npz["intercept"], float.fromhex(meta["beta"]))
    _check(model, [b.n_features for b in blocks])
    return model


def _check(model: LinearModel, widths: Sequence[int]) -> None:
    rows = 1 if len(model.classes) == 2 else len(model.classes)
    if model.coef.shape != (rows, len(model.kept)) or model.intercept.shape != (rows,):
        raise ValueError("linear model arrays do not fit together")
    if len(model.kept) and (model.kept[-1] >= sum(widths) or np.any(np.diff(model.kept) <= 0)):
        raise ValueError("linear model keeps columns outside its features")
