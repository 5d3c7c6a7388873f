"""The Classifier's predictions, hints, terms, items and the load-once model store.

One model per module, trained on half of the repository's training split (a few seconds).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.utils import murmurhash3_32

from docpipe.classifying import predict as classify
from docpipe.classifying import train as model
from docpipe.classifying.features import analyse_batch
from docpipe.classifying.linear import LinearModel, from_bytes, to_bytes
from docpipe.classifying.predict import (
    Classifier,
    classify_items,
    load_classifier,
    prediction_to_dict,
)
from docpipe.classifying.segment import normalise, normalise_all
from docpipe.classifying.store import manifest_path, served_path
from docpipe.classifying.train import DEFAULT_PARAMS, build_pipeline, read_corpus, split_corpus
from docpipe.records import ClassifiedItem, Item
from docpipe.settings import training_dir
from docpipe.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def fitted() -> Any:
    train, _ = split_corpus(read_corpus(training_dir()))
    subset = train[::2]
    return build_pipeline(DEFAULT_PARAMS).fit([e.text for e in subset], [e.label for e in subset])


@pytest.fixture(scope="module")
def clf(fitted) -> Classifier:
    return Classifier(fitted, load_taxonomy(), "test")


def test_the_arrays_predict_what_the_pipeline_predicts(clf: Classifier, fitted) -> None:
    """Bit for bit: the classifier predicts with plain arrays, never with scikit-learn."""
    assert isinstance(clf.model, LinearModel)
    texts = [e.text for e in read_corpus(training_dir())] + ["", "？？", "開會" * 200]
    got = clf.model.probabilities(analyse_batch(normalise_all(texts), clf.model.blocks).features)
    assert np.array_equal(got, fitted.predict_proba(texts))
    saved = from_bytes(to_bytes(clf.model))
    assert np.array_equal(saved.probabilities(
        analyse_batch(normalise_all(texts[:300]), saved.blocks).features), got[:300])


CLEAR = [
    ("有的领导干部热衷于开会发文，以会议落实会议，以文件落实文件。", "形式主义"),
    ("窗口工作人员门难进、脸难看、事难办，群众办事来回跑。", "官僚主义"),
    ("有的干部上班时间炒股、玩游戏，迟到早退。", "享乐主义"),
    ("公款吃喝、超标准配备公务用车、豪华装修办公楼。", "奢靡之风"),
    ("职工食堂的饭菜价格太高，希望降低一点。", "其他"),
]


def test_clear_items_get_their_category(clf: Classifier) -> None:
    preds = clf.predict([t for t, _ in CLEAR])
    assert [p.label for p in preds] == [label for _, label in CLEAR]


def test_probabilities_cover_every_category_in_order_and_sum_to_one(clf: Classifier) -> None:
    tax = clf.taxonomy
    for p in clf.predict([t for t, _ in CLEAR] + ["", "？？"]):
        assert list(p.probabilities) == list(tax.labels)
        assert math.isclose(sum(p.probabilities.values()), 1.0, abs_tol=1e-9)
        assert p.label == max(p.probabilities, key=p.probabilities.__getitem__)
        assert p.merged_label == tax.merged(p.label)
        assert p.needs_review == (p.probabilities[p.label] < tax.review_threshold)
        second = sorted(p.probabilities.values())[-2]
        assert bool(p.secondary) == (p.probabilities[p.label] - second <= tax.secondary_margin)


def test_traditional_script_and_stray_spaces_do_not_change_the_prediction(clf) -> None:
    simple, traditional = clf.predict(["公款吃喝，超标准配车", "公款 吃喝，超標準 配車"])
    assert simple.probabilities == traditional.probabilities


def test_terms_are_readable_words_from_the_text(clf: Classifier) -> None:
    text = "有的单位公款吃喝，逢年过节收送购物卡和高档烟酒。"
    [p] = clf.predict([text])
    assert p.terms and len(p.terms) <= classify.TERMS
    assert all(len(t) >= 2 and t in normalise(text) for t in p.terms)


def test_a_heading_hint_raises_its_category_but_strong_evidence_wins(clf) -> None:
    text = "有的同志工作不够主动。"
    plain, hinted = clf.predict([text, text], ["", "享乐主义"])
    assert hinted.probabilities["享乐主义"] > plain.probabilities["享乐主义"]
    assert math.isclose(sum(hinted.probabilities.values()), 1.0)
    [projector] = clf.predict(["会议室投影仪坏了，请后勤尽快维修。"], ["形式主义"])
    assert projector.label == "其他"
    [unknown_hint] = clf.predict([text], ["不存在的类别"])
    assert unknown_hint.probabilities == plain.probabilities
    with pytest.raises(ValueError):
        clf.predict([text, text], [""])


def test_classify_items_keeps_items_and_uses_hints(clf: Classifier) -> None:
    items = [
        Item("a.docx", "某县", "征求意见", i, text, hint=hint)
        for i, (text, hint) in enumerate([(CLEAR[0][0], ""), ("工作不够主动", "享乐主义")])
    ]
    out = classify_items(items, clf)
    assert all(isinstance(c, ClassifiedItem) for c in out)
    assert [c.item for c in out] == items and out[0].label == "形式主义"
    assert classify_items([], clf) == []


def test_prediction_to_dict_is_json(clf: Classifier) -> None:
    [p] = clf.predict([CLEAR[3][0]])
    row = json.loads(json.dumps(prediction_to_dict(CLEAR[3][0], p), ensure_ascii=False))
    assert set(row) == {"text", "label", "probabilities", "needs_review", "secondary",
                        "merged_label", "terms"}
    assert row["label"] == "奢靡之风" and row["merged_label"] == "享乐主义奢靡之风"


def test_load_classifier_trains_once_then_loads_from_disk(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCPIPE_HELDOUT_DIR", str(tmp_path / "none"))
    data = tmp_path / "training"
    data.mkdir()
    rows = [(t, lab) for t, lab in CLEAR] + [
        ("检查评比太多", "形式主义"), ("推诿扯皮", "官僚主义"), ("中午饮酒", "享乐主义"),
        ("大操大办", "奢靡之风"), ("停车位不够", "其他"),
        ("台账太多", "形式主义"), ("一言堂", "官僚主义"), ("迟到早退", "享乐主义"),
        ("超标准配车", "奢靡之风"), ("食堂太贵", "其他"),
        ("留痕过多", "形式主义"), ("拍脑袋决策", "官僚主义"), ("上班炒股", "享乐主义"),
        ("收送礼金", "奢靡之风"), ("卫生间漏水", "其他"),
        ("以文件落实文件", "形式主义"), ("脱离群众", "官僚主义"), ("贪图安逸", "享乐主义"),
        ("豪华装修", "奢靡之风"), ("希望多组织培训", "其他"),
        ("调研走过场", "形式主义"), ("吃拿卡要", "官僚主义"), ("拈轻怕重", "享乐主义"),
        ("高档烟酒", "奢靡之风"), ("宿舍没有热水", "其他"),
    ]
    (data / "x.jsonl").write_text(
        "".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n"
                for t, lab in rows), encoding="utf-8")
    path = tmp_path / "m" / "classifier.skops"
    monkeypatch.setattr(classify, "_cache", {})
    first = load_classifier(path, training_dir=data)
    assert path.exists() and load_classifier(path, training_dir=data) is first  # cached

    def no_training(*args, **kwargs):
        raise AssertionError("must load the saved model, not retrain")

    monkeypatch.setattr(model, "train_model", no_training)
    monkeypatch.setattr(classify, "_cache", {})
    second = load_classifier(path, training_dir=data)
    assert second is not first and second.version == first.version
    assert isinstance(second.model, LinearModel)  # from the arrays beside the skops file
    texts = [t for t, _ in CLEAR]
    assert second.predict(texts) == first.predict(texts)

    # new training data makes the saved model stale
    with (data / "x.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "新增一条意见", "label": "其他"}, ensure_ascii=False) + "\n")
    with pytest.raises(model.ModelError):
        load_classifier(path, training_dir=data, train_if_missing=False)
    monkeypatch.undo()
    monkeypatch.setattr(classify, "_cache", {})
    monkeypatch.setenv("DOCPIPE_HELDOUT_DIR", str(tmp_path / "none"))
    third = load_classifier(path, training_dir=data)
    assert third.version != first.version


def test_load_classifier_without_model_or_training_refuses(tmp_path: Path) -> None:
    with pytest.raises(model.ModelError):
        load_classifier(tmp_path / "none.skops", training_dir=tmp_path, train_if_missing=False)


@pytest.mark.parametrize(
    "params",
    [
        {"family": "svm", "features": "char", "C": 0.5, "char_ngram": [1, 3]},
        {"family": "cnb", "features": "both", "alpha": 0.3, "char_ngram": [1, 3],
         "word_ngram": [1, 2]},
    ],
)
def test_other_families_give_probabilities_and_terms(params) -> None:
    train, _ = split_corpus(read_corpus(training_dir()))
    subset = train[::6]
    pipeline = build_pipeline(params).fit([e.text for e in subset], [e.label for e in subset])
    [p] = Classifier(pipeline, load_taxonomy(), "t").predict(["公款吃喝，超标准配备公务用车"])
    assert p.label == "奢靡之风" and math.isclose(sum(p.probabilities.values()), 1.0)
    assert any("公款" in t or "超标" in t for t in p.terms)


def _reference_terms(clf: Classifier, union: Any, text: str, label: str) -> tuple[str, ...]:
    """The terms as first written, one text at a time: analyse the text again, hash each
    n-gram with murmurhash, rank (contribution, kind, n-gram) descending."""
    norm = normalise(text)
    features = union.transform([norm]).tocsr()
    weights = clf._weights[clf.taxonomy.labels.index(label)]
    strength = {
        column: value * weights[column]
        for column, value in zip(features.indices.tolist(), features.data.tolist(), strict=True)
        if value * weights[column] > 0
    }
    scored, offset = [], 0
    for kind, block in union.transformer_list:
        hasher = block.named_steps["hash"]
        for gram in set(hasher.build_analyzer()(norm)):
            h = int(murmurhash3_32(gram, seed=0))
            bucket = (2**31 - 1 - (hasher.n_features - 1) if h == -(2**31) else abs(h))
            found = strength.get(offset + bucket % hasher.n_features)
            if found is not None:
                scored.append((found, kind, gram))
        offset += hasher.n_features
    terms: list[str] = []
    for _, kind, gram in sorted(scored, reverse=True):
        term = classify._readable(kind, gram)
        if term and not any(term in t or t in term for t in terms) and len(terms) < classify.TERMS:
            terms.append(term)
    return tuple(terms)


TERM_TEXTS = [t for t, _ in CLEAR] + [
    "有的单位公款吃喝，逢年过节收送购物卡和高档烟酒。", "吃喝 吃喝 吃喝", "", "？？",
    "会议多、文件多、检查多，基层干部忙于迎检，台账资料一大摞，拍照留痕比干活还累。",
    "領導幹部帶頭公款旅遊，超標準配車。",
]


def test_terms_follow_the_reference_ranking(clf: Classifier, fitted, monkeypatch) -> None:
    texts = TERM_TEXTS + [e.text for e in read_corpus(training_dir())[::40]]
    preds = clf.predict(texts)
    assert any(p.terms for p in preds)
    assert [p.terms for p in preds] == [
        _reference_terms(clf, fitted[1], t, p.label) for t, p in zip(texts, preds, strict=True)
    ]
    # equal weights everywhere: many n-grams tie, and kind then n-gram (descending) decide
    monkeypatch.setattr(clf, "_weights", np.ones_like(clf._weights))
    preds = clf.predict(texts)
    assert [p.terms for p in preds] == [
        _reference_terms(clf, fitted[1], t, p.label) for t, p in zip(texts, preds, strict=True)
    ]


def test_equal_contributions_rank_by_kind_then_ngram_descending(clf, fitted, monkeypatch) -> None:
    text = "会议多、文件多、检查多，台账资料一大摞，公款吃喝，高档烟酒"
    features = fitted[1].transform([normalise(text)]).tocsr()
    weights = np.zeros_like(clf._weights)
    weights[:, features.indices] = 1 / features.data
    tied = features.data * weights[0, features.indices] == 1.0  # 1/x * x is 1 for most x
    weights[:, features.indices[~tied]] = 0
    monkeypatch.setattr(clf, "_weights", weights)
    [p] = clf.predict([text])
    assert len(p.terms) == classify.TERMS
    assert p.terms == _reference_terms(clf, fitted[1], text, p.label)


def test_a_batch_predicts_each_text_as_alone(clf: Classifier) -> None:
    texts = TERM_TEXTS + TERM_TEXTS[::-1]
    hints = ["", "享乐主义", "其他"] * (len(texts) // 3) + [""] * (len(texts) % 3)
    together = clf.predict(texts, hints)
    assert together == [clf.predict([t], [h])[0] for t, h in zip(texts, hints, strict=True)]


def _saved_model(tmp_path: Path, fitted: Any) -> Path:
    path = model.save_model(fitted, tmp_path / "classifier.skops", {"version": "v1"})
    assert served_path(path).exists()
    return path


def test_a_fresh_process_classifies_without_scikit_learn(tmp_path, fitted) -> None:
    path = _saved_model(tmp_path, fitted)
    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from docpipe.classifying.predict import load_classifier\n"
        f"clf = load_classifier(Path({str(path)!r}), train_if_missing=False,"
        f" training_dir=Path({str(tmp_path / 'none')!r}))\n"
        "[p] = clf.predict(['公款吃喝，超标准配备公务用车'])\n"
        "print(json.dumps([p.label, sorted(m for m in sys.modules if m.startswith('sklearn'))]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    label, modules = json.loads(done.stdout.splitlines()[-1])
    assert label == "奢靡之风" and modules == []


def test_a_model_saved_before_the_arrays_gets_them_on_first_load(tmp_path, fitted, monkeypatch):
    path = _saved_model(tmp_path, fitted)
    served_path(path).unlink()
    manifest = json.loads(manifest_path(path).read_text("utf-8"))
    del manifest["linear_sha256"]
    manifest_path(path).write_text(json.dumps(manifest), "utf-8")
    monkeypatch.setattr(classify, "_cache", {})
    first = load_classifier(path, train_if_missing=False, training_dir=tmp_path / "none")
    assert served_path(path).exists() and "linear_sha256" in json.loads(
        manifest_path(path).read_text("utf-8"))
    monkeypatch.setattr(classify, "_cache", {})
    again = load_classifier(path, train_if_missing=False, training_dir=tmp_path / "none")
    texts = [t for t, _ in CLEAR]
    assert again.predict(texts) == first.predict(texts)


def test_tampered_arrays_are_refused(tmp_path, fitted, monkeypatch) -> None:
    path = _saved_model(tmp_path, fitted)
    data = bytearray(served_path(path).read_bytes())
    data[len(data) // 2] ^= 1
    served_path(path).write_bytes(bytes(data))
    monkeypatch.setattr(classify, "_cache", {})
    with pytest.raises(model.ModelError, match="sha256"):
        load_classifier(path, train_if_missing=False, training_dir=tmp_path / "none")


@pytest.mark.parametrize("data", [b"", b"junk", b"PK\x03\x04broken"])
def test_a_broken_arrays_file_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(ValueError, match="linear model"):
        from_bytes(data)


def test_a_read_only_model_folder_still_classifies(tmp_path, fitted, monkeypatch) -> None:
    path = _saved_model(tmp_path, fitted)
    served_path(path).unlink()

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(model, "save_served", read_only)
    monkeypatch.setattr(classify, "_cache", {})
    clf = load_classifier(path, train_if_missing=False, training_dir=tmp_path / "none")
    assert isinstance(clf.model, LinearModel) and not served_path(path).exists()
    assert clf.predict(["公款吃喝，超标准配备公务用车"])[0].label == "奢靡之风"


# --- benchmarks/realdocs_classify.py: the real-items measure -------------------------------

def _realdocs_module() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "realdocs_classify.py"
    spec = importlib.util.spec_from_file_location("realdocs_classify", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def test_realdocs_says_plainly_when_the_real_documents_are_absent(tmp_path, capsys) -> None:
    rc = _realdocs_module().main(["--data", str(tmp_path / "dev.jsonl")])
    assert rc == 2
    assert "not in the repository" in capsys.readouterr().err


def test_realdocs_counts_either_label_of_a_gold_pair_as_right(tmp_path) -> None:
    rd = _realdocs_module()
    data = tmp_path / "dev.jsonl"
    data.write_text(json.dumps({"items": [
        {"text": "甲", "label": "享乐主义|奢靡之风"}, {"text": "乙", "label": "其他"},
    ]}, ensure_ascii=False) + "\n", "utf-8")
    gold = rd.read_gold([data])
    guesses = [rd.Guess("奢靡之风", 0.9), rd.Guess("形式主义", 0.5)]
    result = rd.report(gold, guesses, 0.8)
    assert result["accuracy"] == 0.5
    assert (result["coverage"], result["covered_accuracy"]) == (0.5, 1.0)
    assert result["per_class"]["奢靡之风"] == 1.0 and result["per_class"]["其他"] == 0.0
    assert result["merged_f1"] == 0.5  # 享乐奢靡 1.0 and 其他 0.0; 形式主义 has no gold item
