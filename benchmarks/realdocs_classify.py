"""The classifier on real items one per line: ``docpipe classify`` on ../shared/realdocs gold.

Every gold item of the shared real documents (``items[].text``, ``items[].label``; "A|B" means
either is right) goes to ``docpipe classify`` on its own, without heading hints, as a clerk
pasting lines would.  Printed: macro-F1 and merged (享乐主义+奢靡之风) macro-F1 as
../shared/realdocs/score.py computes them, per-class F1, coverage and accuracy at the review
threshold, and the accuracy/coverage curve over thresholds (to choose that threshold on real
data, see docs/labelling.md).  Nothing real is in the repository: the data is read at run time
and the script says so and exits 2 when it is absent.

    .venv/bin/python benchmarks/realdocs_classify.py [--data DEV.jsonl ...] [--docpipe BIN]
        [--threshold T] [--model FILE] [--errors] [--json OUT]

``--data`` also takes the team's labelled files (``text``/``label``/``also``), to put a split
of our own data beside the real figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CATS = ("形式主义", "官僚主义", "享乐主义", "奢靡之风", "其他")
MERGED = {"享乐主义": "享乐奢靡", "奢靡之风": "享乐奢靡"}
THRESHOLDS = tuple(round(0.30 + 0.025 * i, 3) for i in range(27))  # 0.30 … 0.95
REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("DOCPIPE_REALDOCS", REPO.parent / "shared" / "realdocs"))


@dataclass(frozen=True, slots=True)
class Gold:
    text: str
    labels: frozenset[str]  # any of these is right


@dataclass(frozen=True, slots=True)
class Guess:
    label: str
    top: float


def read_gold(paths: Sequence[Path]) -> list[Gold]:
    """Gold items of real documents (``items``) or of the team's labelled lines (``text``)."""
    gold = []
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if "items" in obj:
                gold += [Gold(it["text"], frozenset(it["label"].split("|"))) for it in obj["items"]]
            else:
                gold.append(Gold(obj["text"], frozenset([obj["label"], *obj.get("also", [])])))
    return gold


def classify(texts: Sequence[str], docpipe: str, model: str | None) -> list[Guess]:
    """Run ``docpipe classify`` once over all texts (JSON lines in, JSON lines out)."""
    cmd = [docpipe, "classify"] + (["--model", model] if model else [])
    stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"docpipe classify failed ({done.returncode}): {done.stderr[-800:]}")
    rows = [json.loads(x) for x in done.stdout.splitlines() if x.strip()]
    if len(rows) != len(texts):
        sys.exit(f"docpipe classify answered {len(rows)} lines for {len(texts)} items")
    return [Guess(r["label"], max(r["probabilities"].values())) for r in rows]


def macro_f1(pairs: Sequence[tuple[frozenset[str], str]], merge: bool = False
             ) -> tuple[float, dict[str, float]]:
    """Macro-F1 over present classes; a guess in the gold set is right (as score.py)."""
    m = (lambda c: MERGED.get(c, c)) if merge else (lambda c: c)
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, guess in pairs:
        g, p = {m(x) for x in gold}, m(guess)
        if p in g:
            tp[p] += 1
        else:
            fp[p] += 1
            fn[sorted(g)[0]] += 1
    per = {}
    for c in dict.fromkeys(m(c) for c in CATS):
        prec = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        rec = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        per[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    present = [c for c in per if tp[c] + fn[c] > 0]
    return sum(per[c] for c in present) / max(1, len(present)), per


def at_threshold(gold: Sequence[Gold], guesses: Sequence[Guess], t: float) -> tuple[float, float]:
    """(coverage, accuracy of the covered) when items under ``t`` go to review."""
    kept = [g.label in x.labels for x, g in zip(gold, guesses, strict=True) if g.top >= t]
    return len(kept) / max(1, len(gold)), (sum(kept) / len(kept) if kept else 1.0)


def review_threshold() -> float:
    from docpipe.taxonomy import load_taxonomy

    return load_taxonomy().review_threshold


def report(gold: Sequence[Gold], guesses: Sequence[Guess], threshold: float) -> dict:
    pairs = [(x.labels, g.label) for x, g in zip(gold, guesses, strict=True)]
    macro, per = macro_f1(pairs)
    merged, _ = macro_f1(pairs, merge=True)
    coverage, accuracy = at_threshold(gold, guesses, threshold)
    right = sum(g.label in x.labels for x, g in zip(gold, guesses, strict=True))
    curve = [dict(zip(("threshold", "coverage", "accuracy"), (t, *at_threshold(gold, guesses, t)),
                      strict=True)) for t in THRESHOLDS]
    return {"items": len(gold), "macro_f1": macro, "merged_f1": merged,
            "accuracy": right / max(1, len(gold)), "per_class": per, "threshold": threshold,
            "coverage": coverage, "covered_accuracy": accuracy, "curve": curve}


def print_report(r: dict) -> None:
    print(f"{r['items']} items one per line: macro-F1 {r['macro_f1']:.3f}, merged F1 "
          f"{r['merged_f1']:.3f}, accuracy {r['accuracy']:.3f}")
    print("per class F1: " + ", ".join(f"{c} {f:.3f}" for c, f in r["per_class"].items()))
    print(f"review threshold {r['threshold']:.3f}: coverage {r['coverage']:.3f}, accuracy "
          f"{r['covered_accuracy']:.3f}")
    print("threshold  coverage  accuracy")
    for c in r["curve"]:
        print(f"  {c['threshold']:.3f}     {c['coverage']:.3f}     {c['accuracy']:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", nargs="+", type=Path, help="JSON lines files (default: the "
                    f"shared real documents, {DEFAULT_DATA}/dev.jsonl)")
    ap.add_argument("--docpipe", default=str(Path(sys.executable).with_name("docpipe")))
    ap.add_argument("--model", help="model file (default: docpipe's own)")
    ap.add_argument("--threshold", type=float, help="default: taxonomy.toml review_threshold")
    ap.add_argument("--errors", action="store_true", help="also print the wrong items")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    paths = args.data or [DEFAULT_DATA / "dev.jsonl"]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"realdocs: {', '.join(map(str, missing))} not found: the real documents are not "
              "in the repository; put ../shared/realdocs beside it (or set DOCPIPE_REALDOCS) to "
              "measure on them. Nothing was measured.", file=sys.stderr)
        return 2
    gold = read_gold(paths)
    guesses = classify([g.text for g in gold], args.docpipe, args.model)
    r = report(gold, guesses, review_threshold() if args.threshold is None else args.threshold)
    print_report(r)
    if args.errors:  # for a look on screen only: real sentences never go into the repository
        for x, g in zip(gold, guesses, strict=True):
            if g.label not in x.labels:
                print(f"{'|'.join(sorted(x.labels))} -> {g.label} {g.top:.2f}  {x.text[:90]}")
    if args.json:
        args.json.write_text(json.dumps(r, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
