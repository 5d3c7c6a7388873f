"""The trained classifier as plain arrays: what predicting needs, without scikit-learn.

The default pipeline (``model.build_pipeline``: normalise → hashed TF-IDF union → variance
selection → linear model under temperature scaling) predicts with a sparse product and a
softmax once its fitted numbers are read off: each block's idf weights, the kept columns, the
coefficients and intercepts, the inverse temperature.  ``from_pipeline`` reads them,
``probabilities`` repeats scikit-learn's arithmetic step for step (tests compare the two bit
for bit), and ``to_bytes``/``from_bytes`` keep them in an ``.npz`` beside the skops file (no
pickles).  Worker processes then load 11 MB of arrays instead of scikit-learn's 110 MB of
modules and 2 s of imports.  Families without a linear decision function (ComplementNB) are
not converted: ``from_pipeline`` returns None and the classifier keeps the pipeline.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from docpipe.classifying.features import HashedBlock, hashed_blocks

__all__ = ["LinearModel", "from_bytes", "from_pipeline", "to_bytes"]

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
    _position: np.ndarray = field(init=False, repr=False)  # see _column_positions

    def __post_init__(self) -> None:
        rows = 1 if len(self.classes) == 2 else len(self.classes)
        if self.coef.shape != (rows, len(self.kept)) or self.intercept.shape != (rows,):
            raise ValueError("linear model arrays do not fit together")
        width = self.blocks[-1].offset + self.blocks[-1].n_features if self.blocks else 0
        kept = self.kept
        if len(kept) and (kept[0] < 0 or kept[-1] >= width or np.any(np.diff(kept) <= 0)):
            raise ValueError("linear model keeps columns outside its features")
        object.__setattr__(self, "_position", _column_positions(kept, width))

    def probabilities(self, features: Any) -> np.ndarray:
        """Each class's probability per row of ``features`` (CSR, sorted columns), in
        ``classes`` order: what ``pipeline.predict_proba`` returns."""
        scores = _select_columns(features, len(self.kept), self._position) @ self.coef.T \
            + self.intercept
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


def _select_columns(features: Any, kept: int, position: np.ndarray) -> Any:
    """``features[:, kept columns]`` for CSR with sorted columns, renumbered through
    ``position`` (a gather, where a binary search per stored value cost 40 ms a chunk)."""
    where = position[features.indices]
    hit = where >= 0
    rows = np.repeat(np.arange(features.shape[0]), np.diff(features.indptr))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows[hit], minlength=features.shape[0]))))
    return sparse.csr_array((features.data[hit], where[hit], indptr),
                            shape=(features.shape[0], kept))


def _column_positions(kept: np.ndarray, width: int) -> np.ndarray:
    """For each of ``width`` columns, its index among ``kept`` (-1 when not kept)."""
    position = np.full(width, -1, np.int32)
    position[kept] = np.arange(len(kept), dtype=np.int32)
    return position


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
    try:
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
            return LinearModel(tuple(meta["classes"]), blocks, npz["kept"], npz["coef"],
                               npz["intercept"], float.fromhex(meta["beta"]))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, EOFError, OSError,
            zipfile.BadZipFile) as exc:
        raise ValueError(f"not a linear model file: {exc}") from exc
