"""Corpus reading, the held-out split, versions, the model store, training and evaluation.

Everything trains on a tiny corpus written here, so the module runs in seconds; the full
comparison of model families runs only from the command (``train_model(select=True)``).
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from docpipe.classifying.predict import Classifier
from docpipe.classifying.train import (
    DEFAULT_PARAMS,
    Example,
    ModelError,
    build_pipeline,
    evaluate_model,
    load_model,
    model_version,
    read_corpus,
    save_model,
    select_model,
    split_corpus,
    train_model,
)
from docpipe.taxonomy import load_taxonomy

SMALL = {
    "形式主义": [
        "会议太多，一周开五六个会", "文件照抄照转，没有具体措施", "检查评比过多，基层忙于迎检",
        "调研走过场，只看盆景", "重留痕轻实效，台账一大摞", "以会议落实会议，以文件落实文件",
        "材料堆成山，汇报讲得好", "拍照留痕比干活还累",
    ],
    "官僚主义": [
        "门难进脸难看事难办", "推诿扯皮，群众来回跑", "领导一言堂，拍脑袋决策",
        "来信长期不回复", "高高在上，脱离群众", "对群众诉求敷衍塞责",
        "办事拖拉，层层设卡", "家长作风，听不进不同意见",
    ],
    "享乐主义": [
        "上班时间玩游戏炒股", "迟到早退现象突出", "工作日中午饮酒",
        "拈轻怕重，不愿去艰苦地方", "安于现状，不思进取", "走读干部，晚上找不到人",
        "精神懈怠，得过且过", "贪图安逸，怕苦怕累",
    ],
    "奢靡之风": [
        "公款吃喝，超标准接待", "超标准配备公务用车", "办公用房面积超标，豪华装修",
        "大操大办婚丧喜事", "逢年过节收送购物卡", "高档烟酒和会所消费",
        "节庆活动铺张浪费", "新建豪华办公大楼",
    ],
    "其他": [
        "食堂饭菜价格偏高", "希望增加停车位", "卫生间漏水请维修", "建议增加业务培训",
        "会议室投影仪坏了", "职工宿舍电梯故障", "希望提高基层干部待遇", "办公电脑太旧需要更新",
    ],
}


def _write_corpus(directory: Path, data: dict[str, list[str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "small.jsonl").open("w", encoding="utf-8") as fh:
        for label, texts in data.items():
            for text in texts:
                fh.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    return directory


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test reads the repository's held-out set or writes beside the real model."""
    monkeypatch.setenv("DOCPIPE_HELDOUT_DIR", str(tmp_path / "no-heldout"))
    monkeypatch.setenv("DOCPIPE_MODEL", str(tmp_path / "models" / "classifier.skops"))


@pytest.fixture
def corpus(tmp_path) -> Path:
    return _write_corpus(tmp_path / "training", SMALL)


def test_read_corpus_reads_every_file_skips_bad_lines_and_repeats(tmp_path) -> None:
    d = tmp_path / "t"
    d.mkdir()
    (d / "a.jsonl").write_text(
        '{"text": "会议太多", "label": "形式主义", "also": ["官僚主义", "形式主义"]}\n'
        "not json\n"
        '{"label": "其他"}\n'
        "\n",
        encoding="utf-8",
    )
    (d / "b.jsonl").write_text(
        '{"text": "會議 太多", "label": "形式主义"}\n{"text": "停车难", "label": "其他"}\n',
        encoding="utf-8",
    )
    (d / "notes.txt").write_text("ignored", encoding="utf-8")
    examples = read_corpus(d)
    assert [e.text for e in examples] == ["会议太多", "停车难"]  # 會議 太多 normalises to a repeat
    assert examples[0].also == ("官僚主义",) and examples[1].source == "b.jsonl"


def test_split_is_deterministic_disjoint_and_about_a_fifth() -> None:
    examples = [Example(f"第{i}条意见：希望改进工作{i * 7}", "其他") for i in range(1000)]
    train, test = split_corpus(examples)
    assert split_corpus(list(reversed(examples)))[1] == list(reversed(test))
    assert not {e.text for e in train} & {e.text for e in test}
    assert 150 < len(test) < 250
    # the side depends on the normalised text, so a traditional copy lands on the same side
    sides = [len(split_corpus([Example(t, "形式主义")])[1]) for t in ("會議 太多", "会议太多")]
    assert sides[0] == sides[1]


def test_version_follows_data_params_and_taxonomy(corpus, tmp_path) -> None:
    tax = load_taxonomy()
    v = model_version(corpus, DEFAULT_PARAMS, tax)
    assert v == model_version(corpus, DEFAULT_PARAMS, tax)
    assert v != model_version(corpus, {**DEFAULT_PARAMS, "C": 1.0}, tax)
    (corpus / "more.jsonl").write_text('{"text": "新意见", "label": "其他"}\n', encoding="utf-8")
    assert v != model_version(corpus, DEFAULT_PARAMS, tax)
    assert v != model_version(corpus, DEFAULT_PARAMS, _taxonomy_with_extra(tmp_path))


def test_store_round_trip_and_refuses_tampered_files(tmp_path) -> None:
    texts = [t for ts in SMALL.values() for t in ts]
    labels = [lab for lab, ts in SMALL.items() for _ in ts]
    pipeline = build_pipeline(DEFAULT_PARAMS).fit(texts, labels)
    path = save_model(pipeline, tmp_path / "m.skops", {"version": "v1"})
    loaded = load_model(path, "v1")
    assert loaded is not None
    restored, manifest = loaded
    assert list(restored.predict(texts)) == list(pipeline.predict(texts))
    assert manifest["sha256"] and manifest["version"] == "v1"
    assert load_model(path, "v2") is None  # stale: another version
    assert load_model(tmp_path / "absent.skops") is None
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelError, match="sha256"):
        load_model(path, "v1")


def test_train_saves_model_manifest_and_reports(corpus, tmp_path) -> None:
    out = tmp_path / "models" / "classifier.skops"
    result = train_model(corpus, out)
    assert out.exists() and (out.parent / "classifier.skops.json").exists()
    manifest = json.loads((out.parent / "classifier.skops.json").read_text("utf-8"))
    assert manifest["version"] == result.version == model_version(corpus, DEFAULT_PARAMS,
                                                                   load_taxonomy())
    assert result.n_train + result.n_test == 40 and result.n_test > 0
    assert result.report is not None
    assert [s.name for s in result.report.sets] == ["split"]
    assert result.pipeline[-1].method == "temperature"  # calibrated probabilities
    assert (out.parent / "evaluation.json").exists() and (out.parent / "evaluation.md").exists()


def test_train_needs_two_categories_and_three_items_each(tmp_path) -> None:
    d = _write_corpus(tmp_path / "one", {"其他": ["停车难", "食堂贵"]})
    with pytest.raises(ModelError, match="two"):
        train_model(d, tmp_path / "m.skops")
    d = _write_corpus(tmp_path / "scarce", {**SMALL, "享乐主义": ["迟到早退"]})
    with pytest.raises(ModelError, match="享乐主义"):
        train_model(d, tmp_path / "m.skops")


def _taxonomy_with_extra(tmp_path: Path):
    """The shipped taxonomy plus a sixth category, as Tibet's campaign added one."""
    shipped = load_taxonomy()
    lines = [f"review_threshold = {shipped.review_threshold}", "secondary_margin = 0.2"]
    for c in shipped.categories:
        lines += ["[[category]]", f'name = "{c.name}"', f'merged = "{c.merged}"',
                  f"other = {'true' if c.other else 'false'}"]
    lines += ["[[category]]", 'name = "两问题"', 'merged = "两问题"', 'cues = ["两问题"]']
    path = tmp_path / "taxonomy.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_taxonomy(path)


def test_an_extra_category_needs_only_configuration_and_data(tmp_path) -> None:
    tax = _taxonomy_with_extra(tmp_path)
    extra = [
        "寺庙管理中存在宗教渗透问题", "个别干部信教参与宗教活动", "有的党员参加宗教仪式",
        "对分裂活动态度暧昧", "干部参与寺庙宗教事务", "宗教活动场所管理松散",
        "党员干部信仰宗教", "对宗教渗透警惕性不高",
    ]
    corpus = _write_corpus(tmp_path / "tibet", {**SMALL, "两问题": extra})
    result = train_model(corpus, tmp_path / "m.skops", taxonomy=tax)
    assert "两问题" in result.pipeline.classes_
    clf = Classifier(result.pipeline, tax, result.version)
    [pred] = clf.predict(["有的党员干部参与宗教活动"])
    assert pred.label == "两问题" and list(pred.probabilities) == list(tax.labels)


def test_evaluate_scores_and_writes_json_and_markdown(corpus, tmp_path) -> None:
    tax = load_taxonomy()
    result = train_model(corpus, tmp_path / "m.skops", evaluate=False)
    clf = Classifier(result.pipeline, tax, result.version)
    examples = [
        Example("公款吃喝超标准接待", "奢靡之风", ("享乐主义",)),
        Example("会议室投影仪坏了", "其他"),
        Example("门难进脸难看", "官僚主义"),
    ]
    report = evaluate_model(clf, examples, tmp_path / "eval")
    [s] = report.sets
    assert s.n == 3 and 0.0 <= s.macro_f1 <= 1.0
    assert sum(map(sum, s.confusion)) == 3
    assert set(s.per_class) == set(tax.labels)
    assert s.lenient_accuracy >= s.accuracy and s.merged_accuracy >= s.accuracy
    assert [c["threshold"] for c in s.curve] == sorted(c["threshold"] for c in s.curve)
    assert all(c1["coverage"] >= c2["coverage"] for c1, c2 in pairwise(s.curve))
    data = json.loads((tmp_path / "eval" / "evaluation.json").read_text("utf-8"))
    assert data["sets"][0]["n"] == 3
    assert "macro-F1" in (tmp_path / "eval" / "evaluation.md").read_text("utf-8")
    assert "macro-F1" in report.summary()


def test_evaluate_a_folder_into_a_named_report(corpus, tmp_path) -> None:
    result = train_model(corpus, tmp_path / "m.skops", evaluate=False)
    clf = Classifier(result.pipeline, load_taxonomy(), result.version)
    report = evaluate_model(clf, corpus, tmp_path / "out" / "eval.md")
    assert report.sets[0].name == "training" and report.sets[0].n == 40
    assert report.paths == (str(tmp_path / "out" / "eval.json"), str(tmp_path / "out" / "eval.md"))


def test_select_model_ranks_candidates_by_cv_and_heldout(corpus, tmp_path, monkeypatch) -> None:
    heldout = _write_corpus(tmp_path / "heldout", {k: v[:2] for k, v in SMALL.items()})
    monkeypatch.setenv("DOCPIPE_HELDOUT_DIR", str(heldout))
    candidates = [
        {"family": "logreg", "features": "char", "C": 10.0, "char_ngram": [1, 3]},
        {"family": "cnb", "features": "char", "alpha": 0.3, "char_ngram": [1, 3]},
    ]
    rows = select_model(read_corpus(corpus), load_taxonomy(), candidates, splits=3, repeats=1)
    assert sorted(r["params"]["family"] for r in rows) == ["cnb", "logreg"]
    scores = [(r["cv_macro_f1"] + r["heldout_macro_f1"]) / 2 for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= r["cv_macro_f1"] <= 1.0 and r["heldout_macro_f1"] is not None for r in rows)


def test_training_twice_gives_the_same_model(corpus) -> None:
    """The version names data and parameters: equal versions must mean equal predictions."""
    from docpipe.classifying.train import DEFAULT_PARAMS, build_pipeline, read_corpus

    examples = read_corpus(corpus)
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    first, second = (build_pipeline(DEFAULT_PARAMS).fit(texts, labels) for _ in range(2))
    assert (first.predict_proba(texts) == second.predict_proba(texts)).all()
