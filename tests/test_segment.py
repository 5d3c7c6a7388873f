"""Normalisation and segmentation: the same sentence must always give the same features."""

from __future__ import annotations

import pickle

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docpipe.classifying.segment import Segmenter, get_segmenter, normalise, normalise_all, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("會議過多，門難進、臉難看", "会议过多,门难进、脸难看"),  # script and width
        ("有的 同志  习惯于 以会议落实会议", "有的同志习惯于以会议落实会议"),  # PDF spaces
        ("（三）１．公款吃喝", "(三)1.公款吃喝"),
        ("共 12 次会议", "共12次会议"),
        ("  Word   文档\u3000", "Word文档"),
        ("ABC   def", "ABC def"),  # spaces between Latin words are words breaks, kept once
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_all_keeps_order() -> None:
    assert normalise_all(["會議", " 文件 "]) == ["会议", "文件"]


_TEXT = st.text(alphabet="会議议门難难进文件公款吃喝，。、 （）1２aB\u3000", max_size=40)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "  " not in once and once == once.strip()


def test_user_dictionary_keeps_campaign_terms_whole() -> None:
    words = get_segmenter().cut("门难进、脸难看、事难办，公款吃喝，文山会海，拍脑袋决策")
    for term in ("门难进", "脸难看", "事难办", "公款吃喝", "文山会海"):
        assert term in words
    assert "、" not in words and "，" not in words  # punctuation is not a word


def test_cut_drops_numbers_and_spaces() -> None:
    assert get_segmenter().cut("开会 12 次") == ["开会", "次"]


def test_segmenter_is_private_and_caches_in_project_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCPIPE_CACHE_DIR", str(tmp_path))
    userdict = tmp_path / "dict.txt"
    userdict.write_text("两问题 2000 n\n", encoding="utf-8")
    seg = Segmenter(userdict)
    assert seg._tokenizer is not jieba.dt
    assert "两问题" in seg.cut("查摆两问题")
    assert seg.is_word("两问题") and not seg.is_word("题查")
    assert (tmp_path / "jieba.docpipe.cache").exists()


def test_one_segmenter_per_process_and_picklable_tokenizer() -> None:
    assert get_segmenter() is get_segmenter()
    restored = pickle.loads(pickle.dumps(tokenize))
    assert restored("超标准配车") == tokenize("超标准配车")
