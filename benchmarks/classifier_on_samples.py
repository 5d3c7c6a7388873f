"""The classifier on the sample inbox's items: a set written apart from the training data.

The sample generator records each item's intended category in samples/inbox/.manifest.json;
this scores the trained model on them (no heading hints), as an estimate of transfer to text
the training data did not shape.  Usage: .venv/bin/python benchmarks/classifier_on_samples.py
"""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from docpipe.classifying.predict import load_classifier

MANIFEST = Path(__file__).resolve().parents[1] / "samples" / "inbox" / ".manifest.json"


def main() -> None:
    manifest = json.loads(MANIFEST.read_text("utf-8"))
    items = [(it["text"], it["category"]) for f in manifest["files"] for it in f["items"]]
    classifier = load_classifier()
    merged = classifier.taxonomy.merged
    predictions = classifier.predict([text for text, _ in items])
    truth = [label for _, label in items]
    guess = [p.label for p in predictions]
    kept = [i for i, p in enumerate(predictions) if not p.needs_review]
    result = {
        "model": classifier.version,
        "items": len(items),
        "macro_f1": round(f1_score(truth, guess, average="macro"), 3),
        "accuracy": round(accuracy_score(truth, guess), 3),
        "merged_macro_f1": round(f1_score([merged(x) for x in truth],
                                          [merged(x) for x in guess], average="macro"), 3),
        "coverage": round(len(kept) / len(items), 3),
        "accuracy_not_reviewed": round(sum(truth[i] == guess[i] for i in kept) / len(kept), 3),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
