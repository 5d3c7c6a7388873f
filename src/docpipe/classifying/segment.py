"""Text normalisation and word segmentation for the classifier.

Submitted texts mix traditional and simplified script, full- and half-width forms, and carry
stray spaces from PDFs and web pages; ``normalise`` folds all of that away so that the same
sentence always yields the same features.  ``Segmenter`` wraps a private ``jieba.Tokenizer``
(never jieba's global one) with the campaign user dictionary, loaded once per process.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

from docpipe.settings import cache_dir, config_path
from docpipe.text import model_form

__all__ = ["Segmenter", "get_segmenter", "normalise", "normalise_all", "tokenize"]

# CJK ideographs, CJK symbols and punctuation, full-width forms: a space next to one of these
# is an artefact of copying from a PDF or web page, not a word break.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—·"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
# Tokens that carry no meaning for the classifier: punctuation, symbols and lone digits.
_NOISE_TOKEN = re.compile(r"^[\W_\d]+$")

_lock = threading.Lock()


def normalise(text: str) -> str:
    """What the classifier sees: ``text.model_form`` (simplified, NFKC, no stray spaces)."""
    return model_form(text)


def normalise_all(texts: Iterable[str]) -> list[str]:
    """``normalise`` over a batch: the first step of the classifier pipeline."""
    return [normalise(t) for t in texts]


class Segmenter:
    """A private jieba tokenizer with the campaign user dictionary.

    jieba's prefix-dictionary cache goes to ``settings.cache_dir()`` rather than the shared
    system temp folder.
    """

    def __init__(self, userdict: Path | None = None) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs its set-up at DEBUG
        self.userdict = userdict if userdict is not None else config_path("userdict.txt")
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(cache_dir())
        tokenizer.cache_file = "jieba.docpipe.cache"
        tokenizer.initialize()
        if self.userdict.exists():
            with self.userdict.open("rb") as fh:  # jieba leaves a path it opens unclosed
                tokenizer.load_userdict(fh)
        self._tokenizer = tokenizer

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (accurate mode, HMM on) without whitespace, punctuation or numbers."""
        return [w for w in self._tokenizer.cut(text) if w.strip() and not _NOISE_TOKEN.match(w)]

    def is_word(self, text: str) -> bool:
        """True when ``text`` is an entry of the dictionary (used to show readable terms)."""
        return bool(self._tokenizer.FREQ.get(text))


_segmenter: Segmenter | None = None


def get_segmenter() -> Segmenter:
    """The process-wide Segmenter (the dictionary takes ~0.7 s to load: do it once)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = Segmenter()
    return _segmenter


def tokenize(text: str) -> list[str]:
    """Words of an already normalised text; module-level so fitted pipelines can be saved.

    Recent results are cached: the classifier segments each text twice (features, then the
    terms that explain the decision).
    """
    return list(_cut_recent(text))


@lru_cache(maxsize=4096)
def _cut_recent(text: str) -> tuple[str, ...]:
    return tuple(get_segmenter().cut(text))
