"""Training, model selection, evaluation and the model store of the 四风 classifier.

Over 400 lines, for now: corpus, training, selection and evaluation reports; to be split into
corpus / train / evaluate once the training data settles.

The corpus is every ``*.jsonl`` under the training folder (one labelled item a line).  A fixed
fifth of it, chosen by a hash of the normalised text, is a test split that training never
sees; ``data/heldout/`` holds long, document-style items written separately, our estimate of
transfer to real documents.  Models are saved with skops (no pickle code execution) next to a
JSON manifest; a file whose sha256 or version does not match its manifest is never loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import sklearn
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.feature_selection import VarianceThreshold
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from docpipe import settings
from docpipe.classifying.linear import LinearModel, from_pipeline, to_bytes
from docpipe.classifying.segment import normalise, normalise_all, tokenize
from docpipe.classifying.store import (
    CHAR_BITS,
    DEFAULT_PARAMS,
    MODEL_FORMAT,
    TEST_PERCENT,
    WORD_BITS,
    ModelError,
    manifest_path,
    model_version,
    read_manifest,
    served_path,
)
from docpipe.fsutil import atomic_write_bytes, atomic_write_text
from docpipe.records import Prediction
from docpipe.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "DEFAULT_PARAMS",
    "EvalReport",
    "Example",
    "ModelError",
    "SetReport",
    "TrainResult",
    "build_pipeline",
    "evaluate_model",
    "heldout_dir",
    "load_model",
    "model_version",
    "read_corpus",
    "save_model",
    "select_model",
    "split_corpus",
    "train_model",
]

log = logging.getLogger(__name__)

CALIBRATION_FOLDS = 3  # so every category needs at least this many training items
CANDIDATES: tuple[Mapping[str, Any], ...] = (
    {"family": "logreg", "features": "both", "C": 10.0, "char_ngram": [1, 3], "word_ngram": [1, 2]},
    {"family": "logreg", "features": "char", "C": 10.0, "char_ngram": [1, 3]},
    {"family": "logreg", "features": "char", "C": 3.0, "char_ngram": [1, 3]},
    {"family": "logreg", "features": "char", "C": 30.0, "char_ngram": [1, 3]},
    {"family": "logreg", "features": "char", "C": 10.0, "char_ngram": [2, 4]},
    {"family": "logreg", "features": "word", "C": 10.0, "word_ngram": [1, 2]},
    {"family": "svm", "features": "both", "C": 0.5, "char_ngram": [1, 3], "word_ngram": [1, 2]},
    {"family": "svm", "features": "char", "C": 0.5, "char_ngram": [1, 3]},
    {"family": "cnb", "features": "both", "alpha": 0.3, "char_ngram": [1, 3], "word_ngram": [1, 2]},
    {"family": "cnb", "features": "char", "alpha": 0.3, "char_ngram": [1, 3]},
)
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "docpipe.classifying.segment.")
_THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 … 0.95


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled item of the corpus."""

    text: str
    label: str
    also: tuple[str, ...] = ()
    register: str = ""
    unit_kind: str = ""
    script: str = ""
    source: str = ""


def heldout_dir() -> Path:
    """Long, document-style items written apart from the training files."""
    default = settings.training_dir().parent / "heldout"
    return Path(os.environ.get("DOCPIPE_HELDOUT_DIR", default))


# --- corpus ------------------------------------------------------------------------------


def read_corpus(directory: Path) -> list[Example]:
    """Every item of every ``*.jsonl`` in ``directory``; bad lines and repeats are skipped."""
    seen: set[str] = set()
    examples: list[Example] = []
    for path in sorted(directory.glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                text, label = str(obj["text"]), str(obj["label"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                log.warning("%s:%d skipped: %s", path.name, lineno, exc)
                continue
            key = normalise(text)
            if not key or key in seen:
                continue
            seen.add(key)
            also = tuple(str(x) for x in obj.get("also") or () if str(x) != label)
            examples.append(
                Example(
                    text, label, also, str(obj.get("register", "")),
                    str(obj.get("unit_kind", "")), str(obj.get("script", "")), path.name,
                )
            )
    return examples


def _in_test_split(text: str) -> bool:
    digest = hashlib.sha256(normalise(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_PERCENT


def split_corpus(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, test): deterministic, so the same item is always on the same side."""
    test = [e for e in examples if _in_test_split(e.text)]
    train = [e for e in examples if not _in_test_split(e.text)]
    return train, test


# --- pipeline ----------------------------------------------------------------------------


def build_pipeline(params: Mapping[str, Any], *, calibrate: bool = True) -> Pipeline:
    """normalise → TF-IDF features (char n-grams, jieba word n-grams or both) → classifier.

    Features are hashed (no vocabulary is stored): a vocabulary of ~160k n-grams took skops
    100 MB and 15 s to load, the hashed model takes ~20 MB and 0.2 s.  ``calibrate=False``
    leaves out temperature scaling, which never changes the predicted label: cross-validation
    of macro-F1 uses it to fit once per fold instead of four times.
    """
    parts: list[tuple[str, Pipeline]] = []
    if params["features"] in ("char", "both"):
        lo, hi = params.get("char_ngram", (1, 3))
        hasher = HashingVectorizer(analyzer="char", ngram_range=(lo, hi), **_HASHING,
                                   n_features=2**CHAR_BITS)
        parts.append(("char", _tfidf(hasher)))
    if params["features"] in ("word", "both"):
        lo, hi = params.get("word_ngram", (1, 2))
        hasher = HashingVectorizer(tokenizer=tokenize, token_pattern=None, ngram_range=(lo, hi),
                                   **_HASHING, n_features=2**WORD_BITS)
        parts.append(("word", _tfidf(hasher)))
    return Pipeline([
        ("normalise", FunctionTransformer(normalise_all)),
        ("features", FeatureUnion(parts)),
        # drop the hashed columns no training text reaches: the solver's cost grows with the
        # number of columns, and most of the 2**18 + 2**17 are empty
        ("select", VarianceThreshold()),
        ("clf", _estimator(params, calibrate)),
    ])


_HASHING: dict[str, Any] = {"alternate_sign": False, "norm": None, "lowercase": False}


def _tfidf(hasher: HashingVectorizer) -> Pipeline:
    return Pipeline([("hash", hasher), ("tfidf", TfidfTransformer(sublinear_tf=True))])


def _estimator(params: Mapping[str, Any], calibrate: bool = True) -> Any:
    """The classifier, wrapped in temperature scaling fitted on 3-fold out-of-fold scores.

    Temperature scaling keeps the arg-max and the ranking of the raw model and fixes its scale
    (TF-IDF logistic regression is under-confident: mean confidence 0.76 at accuracy 0.93),
    so that ``review_threshold`` reads as a probability.
    """
    family = params["family"]
    if family == "logreg":
        base: Any = LogisticRegression(
            C=params.get("C", 10.0), max_iter=5000, class_weight="balanced", solver="newton-cg"
        )
    elif family == "svm":
        # liblinear visits the samples in a random order: seed it, or two trainings of the
        # same version differ in the last digits and outputs differ between machines
        base = LinearSVC(C=params.get("C", 0.5), class_weight="balanced", random_state=0)
    elif family == "cnb":
        base = ComplementNB(alpha=params.get("alpha", 0.3))
    else:
        raise ValueError(f"unknown model family {family!r}")
    if not calibrate:
        return base
    return CalibratedClassifierCV(base, method="temperature", cv=CALIBRATION_FOLDS, ensemble=False)


# --- model store -------------------------------------------------------------------------


def save_model(pipeline: Pipeline, path: Path, manifest: Mapping[str, Any]) -> Path:
    """Write the skops file, the arrays of a linear model beside it (``linear``), and last
    their manifest (sha256 of each file, version, params)."""
    data = sio.dumps(pipeline)
    atomic_write_bytes(path, data)
    full = {**manifest, "sha256": hashlib.sha256(data).hexdigest(), "format": MODEL_FORMAT}
    linear = from_pipeline(pipeline)
    if linear is None:
        served_path(path).unlink(missing_ok=True)
        atomic_write_text(manifest_path(path), json.dumps(full, ensure_ascii=False, indent=2))
    else:
        save_served(path, linear, full)
    return path


def save_served(path: Path, linear: LinearModel, manifest: Mapping[str, Any]) -> None:
    """Write the arrays of the model saved at ``path``, then its manifest listing them."""
    data = to_bytes(linear)
    atomic_write_bytes(served_path(path), data)
    full = {**manifest, "linear_sha256": hashlib.sha256(data).hexdigest()}
    atomic_write_text(manifest_path(path), json.dumps(full, ensure_ascii=False, indent=2))


def load_model(path: Path, expected_version: str | None = None) -> tuple[Pipeline, dict] | None:
    """The saved pipeline and manifest; None when absent or stale (another version).

    Raises ModelError when the file does not match its manifest or holds types outside
    scikit-learn, numpy, scipy and docpipe.classifying.segment.
    """
    manifest = read_manifest(path)
    if manifest is None:
        return None
    if expected_version is not None and manifest.get("version") != expected_version:
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
        raise ModelError(f"{path} does not match the sha256 in its manifest; refusing to load it")
    untrusted = sio.get_untrusted_types(data=data)
    foreign = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if foreign:
        raise ModelError(f"{path} holds types docpipe does not trust: {', '.join(foreign)}")
    return sio.loads(data, trusted=untrusted), manifest


# --- training ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetReport:
    """Scores of a classifier on one labelled set."""

    name: str
    n: int
    macro_f1: float
    accuracy: float
    lenient_accuracy: float  # a prediction in label ∪ also counts as right
    merged_macro_f1: float
    merged_accuracy: float
    per_class: Mapping[str, Mapping[str, float]]
    confusion: Sequence[Sequence[int]]  # rows: true label, columns: predicted, taxonomy order
    threshold: float
    coverage: float  # share of items whose top probability reaches the threshold
    covered_accuracy: float  # accuracy on those items
    curve: Sequence[Mapping[str, float]] = ()


@dataclass(frozen=True, slots=True)
class EvalReport:
    labels: tuple[str, ...]
    version: str
    sets: tuple[SetReport, ...]
    paths: tuple[str, ...] = ()

    def to_markdown(self) -> str:
        return _markdown(self)

    def summary(self) -> str:
        """A few lines for the terminal: headline figures per set and where the report is."""
        lines = [f"model {self.version}"]
        lines += [
            f"{s.name} ({s.n} items): macro-F1 {s.macro_f1:.3f}, merged macro-F1 "
            f"{s.merged_macro_f1:.3f}, accuracy {s.accuracy:.3f}; at threshold {s.threshold:.2f} "
            f"coverage {s.coverage:.3f}, accuracy {s.covered_accuracy:.3f}"
            for s in self.sets
        ]
        return "\n".join(lines + [f"report: {p}" for p in self.paths])


@dataclass(frozen=True, slots=True)
class TrainResult:
    pipeline: Pipeline
    version: str
    params: Mapping[str, Any]
    labels: tuple[str, ...]
    n_train: int
    n_test: int
    dropped: int  # items whose label is not in the taxonomy
    path: Path | None
    report: EvalReport | None = None
    selection: tuple[Mapping[str, Any], ...] = field(default=())

    def summary(self) -> str:
        lines = [
            f"trained {self.params['family']}/{self.params['features']} on {self.n_train} items "
            f"({self.n_test} held back, {self.dropped} with unknown labels) -> {self.path}"
        ]
        if self.selection:
            lines.append("selection (best first): " + "; ".join(
                f"{r['params']['family']}/{r['params']['features']} cv {r['cv_macro_f1']:.3f}"
                for r in self.selection))
            if dict(self.selection[0]["params"]) != dict(self.params):
                lines.append(f"note: best candidate {self.selection[0]['params']} is not the "
                             "configured DEFAULT_PARAMS")
        if self.report is not None:
            lines.append(self.report.summary())
        return "\n".join(lines)


def _usable(examples: Sequence[Example], taxonomy: Taxonomy) -> list[Example]:
    return [e for e in examples if e.label in taxonomy.labels]


def train_model(
    training_dir: Path | None = None,
    out: Path | None = None,
    *,
    select: bool = False,
    taxonomy: Taxonomy | None = None,
    params: Mapping[str, Any] | None = None,
    evaluate: bool = True,
) -> TrainResult:
    """Fit on the training split, save model + manifest to ``out`` and write the reports.

    ``select=True`` first compares the candidate families (repeated stratified k-fold and the
    long held-out set) and writes ``selection.json/.md`` beside the model.  The model trained
    is always ``params`` (default ``DEFAULT_PARAMS``, the recorded choice): a model trained
    with other parameters would look stale to ``load_classifier`` and be retrained.
    """
    directory = training_dir or settings.training_dir()
    taxonomy = taxonomy or load_taxonomy()
    out = out or settings.model_path()
    examples = read_corpus(directory)
    usable = _usable(examples, taxonomy)
    if len({e.label for e in usable}) < 2:
        raise ModelError(f"{directory} has fewer than two labelled categories to learn from")
    train, test = split_corpus(usable)
    counts = Counter(e.label for e in train)
    scarce = sorted(label for label, n in counts.items() if n < CALIBRATION_FOLDS)
    if scarce:
        raise ModelError(f"categories with fewer than {CALIBRATION_FOLDS} training items "
                         f"(after the test split): {', '.join(scarce)}")
    selection: tuple[Mapping[str, Any], ...] = ()
    params = dict(params or DEFAULT_PARAMS)
    if select:
        selection = tuple(select_model(train, taxonomy))
        _write_selection(selection, out.parent)
        if dict(selection[0]["params"]) != params:
            log.warning("best candidate %s differs from the configured %s: update DEFAULT_PARAMS "
                        "to adopt it", selection[0]["params"], params)
    pipeline = build_pipeline(params).fit([e.text for e in train], [e.label for e in train])
    version = model_version(directory, params, taxonomy)
    manifest = {
        "version": version, "params": params, "labels": list(taxonomy.labels),
        "n_train": len(train), "n_test": len(test), "sklearn": sklearn.__version__,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    save_model(pipeline, out, manifest)
    report = None
    if evaluate:
        sets = [("split", test), ("heldout", _usable(_heldout(), taxonomy))]
        reports = [
            _score(name, s, _probabilities(pipeline, [e.text for e in s], taxonomy), taxonomy)
            for name, s in sets if s
        ]
        report = _write_report(EvalReport(taxonomy.labels, version, tuple(reports)), out.parent)
    return TrainResult(
        pipeline, version, params, taxonomy.labels, len(train), len(test),
        len(examples) - len(usable), out, report, selection,
    )


def _heldout() -> list[Example]:
    directory = heldout_dir()
    return read_corpus(directory) if directory.is_dir() else []


def _probabilities(pipeline: Pipeline, texts: Sequence[str], taxonomy: Taxonomy) -> np.ndarray:
    """predict_proba with columns in taxonomy order (0 for a category the model never saw)."""
    raw = pipeline.predict_proba(list(texts))
    out = np.zeros((len(texts), len(taxonomy.labels)))
    for j, cls in enumerate(pipeline.classes_):
        out[:, taxonomy.labels.index(cls)] = raw[:, j]
    return out


def select_model(
    train: Sequence[Example],
    taxonomy: Taxonomy,
    candidates: Sequence[Mapping[str, Any]] = CANDIDATES,
    *,
    splits: int = 5,
    repeats: int = 2,
) -> list[dict[str, Any]]:
    """Candidates scored by CV macro-F1 and held-out macro-F1, best first."""
    texts = np.array([e.text for e in train], dtype=object)
    labels = np.array([e.label for e in train])
    heldout = _usable(_heldout(), taxonomy)
    cv = RepeatedStratifiedKFold(n_splits=splits, n_repeats=repeats, random_state=13)
    results = []
    for params in candidates:
        started = time.perf_counter()
        scores = []
        for tr, te in cv.split(texts, labels):
            fitted = build_pipeline(params, calibrate=False).fit(list(texts[tr]), labels[tr])
            scores.append(f1_score(labels[te], fitted.predict(list(texts[te])), average="macro"))
        row: dict[str, Any] = {
            "params": dict(params), "cv_macro_f1": float(np.mean(scores)),
            "cv_std": float(np.std(scores)), "heldout_macro_f1": None,
        }
        if heldout:
            fitted = build_pipeline(params).fit(list(texts), labels)
            probs = _probabilities(fitted, [e.text for e in heldout], taxonomy)
            rep = _score("heldout", heldout, probs, taxonomy)
            row |= {
                "heldout_macro_f1": rep.macro_f1, "heldout_merged_f1": rep.merged_macro_f1,
                "heldout_coverage": rep.coverage, "heldout_covered_accuracy": rep.covered_accuracy,
            }
        row["seconds"] = round(time.perf_counter() - started, 1)
        log.info("candidate %s: %s", params, row)
        results.append(row)
    results.sort(key=_selection_score, reverse=True)
    return results


def _selection_score(row: Mapping[str, Any]) -> float:
    """Mean of CV and held-out macro-F1: CV alone rewards fitting our own short items, the
    held-out long set alone is too small to separate close candidates."""
    held = row["heldout_macro_f1"]
    return float(row["cv_macro_f1"] if held is None else (row["cv_macro_f1"] + held) / 2)


# --- evaluation --------------------------------------------------------------------------


class _Predictor(Protocol):
    version: str
    taxonomy: Taxonomy

    def predict(
        self, texts: Sequence[str], hints: Sequence[str] | None = None
    ) -> list[Prediction]: ...


def evaluate_model(
    classifier: _Predictor,
    data: Path | Sequence[Example] | None = None,
    out: Path | None = None,
    *,
    training_dir: Path | None = None,
) -> EvalReport:
    """Score ``classifier`` on the test split and the long held-out set, or on ``data``
    (a folder of labelled ``*.jsonl`` or a list of examples).

    Writes the report as JSON and Markdown: ``out`` is a folder (``evaluation.json/.md`` in
    it) or a file name whose suffix is replaced; default: beside the model.
    """
    taxonomy = classifier.taxonomy
    if isinstance(data, Path):
        sets = [(data.name or str(data), _usable(read_corpus(data), taxonomy))]
    elif data is not None:
        sets = [("given", list(data))]
    else:
        corpus = read_corpus(training_dir or settings.training_dir())
        sets = [("split", split_corpus(_usable(corpus, taxonomy))[1]),
                ("heldout", _usable(_heldout(), taxonomy))]
    reports = []
    for name, items in sets:
        if not items:
            continue
        preds = classifier.predict([e.text for e in items])
        probs = np.array([[p.probabilities[lab] for lab in taxonomy.labels] for p in preds])
        reports.append(_score(name, items, probs, taxonomy))
    report = EvalReport(taxonomy.labels, classifier.version, tuple(reports))
    return _write_report(report, out or settings.model_path().parent)


def _score(name: str, items: Sequence[Example], probs: np.ndarray, taxonomy: Taxonomy) -> SetReport:
    labels = list(taxonomy.labels)
    y_true = [e.label for e in items]
    y_pred = [labels[i] for i in probs.argmax(axis=1)]
    top = probs.max(axis=1)
    right = np.array([t == p for t, p in zip(y_true, y_pred, strict=True)])
    lenient = np.array([p == e.label or p in e.also for e, p in zip(items, y_pred, strict=True)])
    present = [lab for lab in labels if lab in y_true]
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0.0
    )
    per_class = {
        lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
              "support": int(s[i])}
        for i, lab in enumerate(labels)
    }
    m_true = [taxonomy.merged(x) for x in y_true]
    m_pred = [taxonomy.merged(x) for x in y_pred]
    m_present = [m for m in taxonomy.merged_labels if m in m_true]
    curve = []
    for t in _THRESHOLDS:
        kept = top >= t
        curve.append({"threshold": t, "coverage": float(kept.mean()),
                      "accuracy": float(right[kept].mean()) if kept.any() else 1.0})
    kept = top >= taxonomy.review_threshold
    return SetReport(
        name=name, n=len(items),
        macro_f1=float(
            f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0.0)
        ),
        accuracy=float(right.mean()), lenient_accuracy=float(lenient.mean()),
        merged_macro_f1=float(f1_score(m_true, m_pred, labels=m_present, average="macro",
                                       zero_division=0.0)),
        merged_accuracy=float(np.mean([a == b for a, b in zip(m_true, m_pred, strict=True)])),
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        threshold=taxonomy.review_threshold, coverage=float(kept.mean()),
        covered_accuracy=float(right[kept].mean()) if kept.any() else 1.0, curve=curve,
    )


def _write_report(report: EvalReport, out: Path) -> EvalReport:
    if out.suffix in (".json", ".md"):
        json_path, md_path = out.with_suffix(".json"), out.with_suffix(".md")
    else:
        json_path, md_path = out / "evaluation.json", out / "evaluation.md"
    atomic_write_text(json_path, json.dumps(asdict(report), ensure_ascii=False, indent=2))
    atomic_write_text(md_path, _markdown(report))
    return EvalReport(report.labels, report.version, report.sets, (str(json_path), str(md_path)))


def _markdown(report: EvalReport) -> str:
    lines = [f"# Classifier evaluation (model {report.version})", ""]
    for s in report.sets:
        lines += [
            f"## {s.name} ({s.n} items)", "",
            f"- macro-F1 {s.macro_f1:.3f}; accuracy {s.accuracy:.3f} "
            f"(lenient {s.lenient_accuracy:.3f})",
            f"- merged view: macro-F1 {s.merged_macro_f1:.3f}, accuracy {s.merged_accuracy:.3f}",
            f"- review threshold {s.threshold:.2f}: coverage {s.coverage:.3f}, "
            f"accuracy on covered {s.covered_accuracy:.3f}", "",
            "| class | P | R | F1 | n |", "|---|---|---|---|---|",
        ]
        lines += [
            f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
            for lab, m in s.per_class.items()
        ]
        lines += ["", "Confusion (rows true, columns predicted):", "",
                  "| | " + " | ".join(report.labels) + " |",
                  "|---" * (len(report.labels) + 1) + "|"]
        lines += [f"| {lab} | " + " | ".join(str(v) for v in row) + " |"
                  for lab, row in zip(report.labels, s.confusion, strict=True)]
        lines += ["", "| threshold | coverage | accuracy |", "|---|---|---|"]
        lines += [f"| {c['threshold']:.2f} | {c['coverage']:.3f} | {c['accuracy']:.3f} |"
                  for c in s.curve]
        lines.append("")
    return "\n".join(lines)


def _write_selection(rows: Sequence[Mapping[str, Any]], out_dir: Path) -> None:
    atomic_write_text(out_dir / "selection.json", json.dumps(list(rows), ensure_ascii=False,
                                                             indent=2))
    lines = ["# Model selection", "",
             "| family | features | regularisation | CV macro-F1 | ± | held-out macro-F1 "
             "| held-out merged F1 | s |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        p = r["params"]
        feats = p["features"] + (f" char{tuple(p['char_ngram'])}" if "char_ngram" in p else "")
        reg = f"C={p['C']}" if "C" in p else f"alpha={p.get('alpha', '')}"
        held = r["heldout_macro_f1"]
        lines.append(
            f"| {p['family']} | {feats} | {reg} | {r['cv_macro_f1']:.3f} | {r['cv_std']:.3f} | "
            f"{'-' if held is None else f'{held:.3f}'} | "
            f"{r.get('heldout_merged_f1', 0) or 0:.3f} | {r['seconds']} |"
        )
    atomic_write_text(out_dir / "selection.md", "\n".join(lines) + "\n")
