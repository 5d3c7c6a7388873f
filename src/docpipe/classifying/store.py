"""What identifies a model, and the files it is kept in: light enough for every process.

A model is the skops file of the fitted pipeline (``model.save_model``), its JSON manifest
(version, parameters, sha256 of each file) and, for the linear families, the arrays the
classifier predicts with (``linear``), so that classifying never imports scikit-learn.
The version is a hash of everything training depends on; a model of another version is stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from docpipe.settings import config_path
from docpipe.taxonomy import Taxonomy

__all__ = [
    "CHAR_BITS",
    "DEFAULT_PARAMS",
    "MODEL_FORMAT",
    "TEST_PERCENT",
    "WORD_BITS",
    "ModelError",
    "manifest_path",
    "model_version",
    "read_manifest",
    "served_path",
]

CHAR_BITS, WORD_BITS = 18, 17  # hashed feature space sizes (2**bits columns)
MODEL_FORMAT = 5  # bump when the pipeline changes in a way the params do not show
TEST_PERCENT = 20  # share of the corpus kept out of training, by hash of the normalised text
# Chosen by `train_model(select=True)` (see models/selection.md): the family and features with
# the best mean of cross-validated and long held-out macro-F1 (LinearSVC on word + character
# n-grams: CV 0.904, held-out 0.982; logistic regression was 0.899 / 0.982 and 5x slower).
DEFAULT_PARAMS: Mapping[str, Any] = {
    "family": "svm",
    "features": "both",
    "C": 0.5,
    "char_ngram": [1, 3],
    "word_ngram": [1, 2],
}


class ModelError(Exception):
    """A model file that cannot be trusted or used (tampered, foreign types, no training data)."""


def model_version(directory: Path, params: Mapping[str, Any], taxonomy: Taxonomy) -> str:
    """sha256 over the training files, parameters, category set, user dictionary, sklearn."""
    h = hashlib.sha256()
    for path in sorted(directory.glob("*.jsonl")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    userdict = config_path("userdict.txt")
    h.update(userdict.read_bytes() if userdict.exists() else b"")
    meta = [MODEL_FORMAT, CHAR_BITS, WORD_BITS, TEST_PERCENT, dict(params), taxonomy.labels,
            installed_version("scikit-learn")]
    h.update(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def served_path(path: Path) -> Path:
    """Where the arrays of the model saved at ``path`` go: ``classifier.skops`` →
    ``classifier.linear.npz``."""
    return path.with_name(path.stem + ".linear.npz")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of the model at ``path``; None when either file is missing."""
    manifest = manifest_path(path)
    if not path.exists() or not manifest.exists():
        return None
    data = json.loads(manifest.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ModelError(f"{manifest} is not a model manifest")
    return data
