"""What a submitted document is (实施方案, 征求意见汇总 ...), from its title, file name and content.

The types and their cues live in ``config/doctypes.toml``.  Chinese official titles end with the
genre noun ("关于……的实施方案", "……征求意见座谈会记录"), so the cue that ends last in the title
decides; the file name comes next, the content (cue words, table headers) last.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath

from docpipe.fsutil import display_path
from docpipe.records import DocInfo, InboxFile, SourceDocument, UnitInfo
from docpipe.settings import config_path
from docpipe.text import compact
from docpipe.understanding.units import resolve_unit


@dataclass(frozen=True, slots=True)
class DocType:
    name: str
    opinions: bool  # plain paragraphs are items (opinion-bearing documents)
    title: tuple[str, ...]
    weak: tuple[str, ...]
    content: tuple[str, ...]
    fallback: bool = False
    rectification: bool = False
    lede: tuple[str, ...] = ()  # event nouns that type an untitled report by its first lines


@dataclass(frozen=True, slots=True)
class DocTypes:
    """The document types and the words the item splitter relies on."""

    types: tuple[DocType, ...]
    content_columns: tuple[str, ...]
    other_columns: tuple[str, ...]
    opinion_columns: tuple[str, ...]
    skip_sections: tuple[str, ...]
    split_manifestations: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.types)

    @property
    def fallback(self) -> str:
        return next((t.name for t in self.types if t.fallback), self.types[-1].name)

    def opinion_bearing(self, name: str) -> bool:
        """Unknown type names count as opinion-bearing: better to look than to miss."""
        return next((t.opinions for t in self.types if t.name == name), True)

    def rectification(self, name: str) -> bool:
        return next((t.rectification for t in self.types if t.name == name), False)


def parse_doctypes(data: Mapping[str, object]) -> DocTypes:
    raw = data.get("type")
    if not isinstance(raw, list) or not raw:
        raise ValueError("doctypes.toml needs at least one [[type]] entry")
    types = tuple(
        DocType(
            name=str(t["name"]),
            opinions=bool(t.get("opinions", True)),
            title=_strs(t.get("title")),
            weak=_strs(t.get("weak")),
            content=_strs(t.get("content")),
            fallback=bool(t.get("fallback", False)),
            rectification=bool(t.get("rectification", False)),
            lede=_strs(t.get("lede")),
        )
        for t in raw
    )
    names = [t.name for t in types]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate document types in doctypes.toml: {names}")
    words = data.get("items", {})
    assert isinstance(words, Mapping)
    return DocTypes(
        types,
        content_columns=_strs(words.get("content_columns")),
        other_columns=_strs(words.get("other_columns")),
        opinion_columns=_strs(words.get("opinion_columns")),
        skip_sections=_strs(words.get("skip_sections")),
        split_manifestations=_manifestation_mode(words.get("manifestations", "split")),
    )


def _manifestation_mode(value: object) -> bool:
    if value not in ("split", "whole"):
        raise ValueError(f'[items] manifestations must be "split" or "whole", not {value!r}')
    return value == "split"


def load_doctypes(path: Path | None = None) -> DocTypes:
    """Read the document-type configuration; the default one ships with docpipe."""
    return _load(path or config_path("doctypes.toml"))


@cache
def _load(path: Path) -> DocTypes:
    with path.open("rb") as fh:
        return parse_doctypes(tomllib.load(fh))


def _strs(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


# ---------------------------------------------------------------- title

_DATE_LINE = re.compile(
    r"^[（(]?[\d〇○零一二三四五六七八九十]{2,4}年[\d〇○零一二三四五六七八九十]{1,2}月"
    r"([\d〇○零一二三四五六七八九十]{1,3}日)?[）)]?$"
)
_NOT_TITLE = re.compile(
    r"〔\d{4}〕|\[\d{4}\]|【\d{4}】|^附件|^(密级|秘密|机密|绝密|特急|加急|急件|签发人|编号)"
    r"|^第\d+期$|^（?第[一二三四五六七八九十\d]+期）?$"
)
_FIELD_LINE = re.compile(r"^[\u4e00-\u9fff]{2,6}[：:]")
_LABEL_START = re.compile(
    r"^([一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、．.]|[①-⑳])"
)
_SENTENCE_END = re.compile(r"[。；;！？!?：:]$")


def title_paragraphs(doc: SourceDocument) -> tuple[int, ...]:
    """Indexes (into ``doc.paragraphs``) of the title lines at the top of the body.

    A title is the first run of up to four short lines that are not sentences, list items,
    document numbers or "时间：" style fields; a subtitle ("——在……上的讲话") joins it.
    """
    found: list[int] = []
    for i, p in enumerate(doc.paragraphs):
        text = compact(p.text)
        if p.table is not None:
            if found:
                break
            continue
        if not text:
            continue
        if _NOT_TITLE.search(text) or (not found and _DATE_LINE.match(text.strip("()（）"))):
            if found:
                break
            continue
        style = p.style.lower()
        if style.startswith(("heading", "标题 ")) and not style.startswith("标题 1"):
            break  # a section heading: the body has begun
        styled = style.startswith(("title", "subtitle", "副标题")) or style == "标题"
        title_like = (
            styled
            or (len(text) <= 60 and not _SENTENCE_END.search(text)
                and not _LABEL_START.match(text) and not p.numbering
                and not _FIELD_LINE.match(text) and "。" not in text)
        )
        if found and _repeats_title(compact(doc.paragraphs[found[0]].text), text):
            found.append(i)  # a web copy repeats its headline, often with the site's name
            continue
        if not found and _field_like_headline(doc, i, text):
            found.append(i)
            continue
        if not title_like or len(found) >= 4:
            break
        if found and not (styled or _continues_title(compact(doc.paragraphs[found[-1]].text),
                                                     text)):
            break
        found.append(i)
        if i > 12:
            break
    return tuple(found)


def _repeats_title(first: str, line: str) -> bool:
    """The headline again ("……-网站名" or the same words): still the title, not body text."""
    return len(first) >= 6 and len(line) <= len(first) + 20 and line.startswith(first)


def _field_like_headline(doc: SourceDocument, i: int, text: str) -> bool:
    """A first line shaped like "栏目名：标题" that the next line repeats is a headline."""
    following = next((compact(p.text) for p in doc.paragraphs[i + 1:i + 3] if p.text.strip()), "")
    return 6 <= len(text) <= 60 and "。" not in text and following == text


_TITLE_HEAD_END = re.compile(r"(党组|党委|委员会|厅|局|办|院|活动|的|和|及|与|暨|关于)$")


def _continues_title(previous: str, line: str) -> bool:
    """A second title line: a subtitle, a "关于……" after the issuer, or a long title's rest."""
    if _DATE_LINE.match(line.strip("()（）")):
        return False
    return line.startswith(("——", "—", "关于", "（", "(")) or bool(_TITLE_HEAD_END.search(previous))


def document_title(doc: SourceDocument) -> str:
    lines = [compact(doc.paragraphs[i].text) for i in title_paragraphs(doc)]
    return "".join(line for n, line in enumerate(lines)
                   if n == 0 or not _repeats_title(lines[0], line))  # a repeated headline once


# ---------------------------------------------------------------- type

def detect_doc_type(doc: SourceDocument, filename: str, *,
                    config: DocTypes | None = None) -> tuple[str, float]:
    """The document type and a confidence in 0..1 (title > file name > content cues)."""
    cfg = config or load_doctypes()
    title = compact(document_title(doc))
    stem = compact(PurePath(filename).stem) if filename else ""
    by_title = _by_genre_noun(title, cfg)
    by_name = _by_genre_noun(stem, cfg)
    if by_title:
        name, strong = by_title
        agree = by_name is not None and by_name[0] == name
        conf = 0.95 if strong else 0.7
        if agree:
            conf = min(0.99, conf + 0.04)
        elif by_name is not None and by_name[1]:
            conf -= 0.15  # title and file name disagree: the title wins, less surely
        return name, conf
    if by_name:
        name, strong = by_name
        return name, 0.8 if strong else 0.6
    if not title:
        by_lede = _by_lede(doc, cfg)
        if by_lede:
            return by_lede, 0.6
    return _by_content(doc, cfg)


_LEDE_PARAGRAPHS = 2


def _by_lede(doc: SourceDocument, cfg: DocTypes) -> str:
    """The type whose lede cue comes first in the opening paragraphs of an untitled report.

    A news report of a forum or a bulletin names its event in its first sentence ("……召开征求
    意见座谈会", "……通报了4起……问题"); the event noun named first is the genre.
    """
    opening = [compact(p.text) for p in doc.paragraphs if p.table is None and p.text.strip()]
    text = "".join(opening[:_LEDE_PARAGRAPHS])
    best: tuple[int, int, str] | None = None
    for t in cfg.types:
        for cue in t.lede:
            at = text.find(cue)
            if at >= 0 and (best is None or (at, -len(cue)) < best[:2]):
                best = (at, -len(cue), t.name)
    return best[2] if best else ""


def _by_genre_noun(text: str, cfg: DocTypes) -> tuple[str, bool] | None:
    """The type whose cue ends last in ``text`` (ties: the longer cue); strong cues first."""
    if not text:
        return None
    for strong in (True, False):
        best: tuple[int, int, str] | None = None
        for t in cfg.types:
            for cue in t.title if strong else t.weak:
                end = text.rfind(cue)
                if end < 0:
                    continue
                key = (end + len(cue), len(cue), t.name)
                if best is None or key[:2] > best[:2]:
                    best = key
        if best is not None:
            return best[2], strong
    return None


def _by_content(doc: SourceDocument, cfg: DocTypes) -> tuple[str, float]:
    text = compact("".join(doc.texts)) + compact(
        "".join("".join(row) for t in doc.tables for row in t.rows[:2]))
    """The type with the most distinct content cues, if at least two and more than any other."""
    scores = sorted(((sum(cue in text for cue in t.content), t.name) for t in cfg.types),
                    reverse=True)
    (best, name), second = scores[0], scores[1][0] if len(scores) > 1 else 0
    if best < 2 or best == second:
        return cfg.fallback, 0.3
    return name, round(min(0.6, 0.35 + 0.05 * (best - second)), 3)


# ---------------------------------------------------------------- together

def describe_document(doc: SourceDocument, inbox_file: InboxFile,
                      units: Mapping[str, UnitInfo]) -> DocInfo:
    """What the document is and who sent it."""
    # Names from Windows may be GBK bytes (surrogates here): match on their decoded form.
    filename = PurePath(display_path(inbox_file.relpath or inbox_file.path)).name
    doc_type, confidence = detect_doc_type(doc, filename)
    unit, source, known = resolve_unit(doc, inbox_file, units)
    return DocInfo(doc_type, confidence, unit, source, known, document_title(doc))


__all__: Sequence[str] = (
    "DocType", "DocTypes", "describe_document", "detect_doc_type", "document_title",
    "load_doctypes", "parse_doctypes", "title_paragraphs",
)
