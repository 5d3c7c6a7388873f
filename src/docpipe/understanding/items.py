"""Split a document into items: single opinions, problems, suggestions or measures.

Over 400 lines, for now: every real layout's rules share one set of patterns; the next step
splits it by layout (tables, running text, numbered points).

Where items come from, in reading order:

* opinion tables: one row is one item, its text from the content column (意见内容, 存在问题 ...),
  the other columns kept as ``Item.fields``; a table without a header row takes its longest column;
* numbered hierarchies (一、（一）1.（1）① 第一、 首先/其次/最后, typed or Word's own numbering):
  a numbered line with lines below it is a heading, a numbered line without is an item;
* paragraphs under a heading, and, in opinion-bearing documents, plain paragraphs.

Inside one paragraph, an enumeration (一是……二是……, 第一……第二……, （1）……（2）……) gives one item per
part, and a ；-separated list is split when every part is a clause of its own.  Text before an
enumeration ("主要表现在：") is context (``heading_path``), not an item.  A self-examination
problem point, a short summary ("学风不正，学用脱节。") and its "有的……" manifestations, in one
paragraph or as paragraphs under the summary line, is one item: reports count problems by
points.  ``manifestations = "split"`` in doctypes.toml makes each 有的 sentence an item instead.

Boilerplate never becomes an item: titles, salutations, dates, signatures, document numbers,
附件 lines, "现将……报告如下", headings, and the preamble before a structured body.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from docpipe.records import DocInfo, Item, Paragraph, SourceDocument, Table
from docpipe.taxonomy import Taxonomy, load_taxonomy
from docpipe.text import compact, simplified
from docpipe.understanding.doctype import DocTypes, load_doctypes, title_paragraphs

# ---------------------------------------------------------------- normalising text

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】—…·「」『』〔〕"
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}]) | (?=[{_CJK}{_CJK_PUNCT}])")
_HALF_PUNCT = re.compile(rf"(?<=[{_CJK}])([,;:?!])|([,;:?!])(?=[{_CJK}])")
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_PARENS = re.compile(r"\(([^()]{0,40})\)")
_WIDTH = {  # full-width digits and letters to ASCII; odd spaces to a plain space
    **{c: unicodedata.normalize("NFKC", chr(c))
       for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
       for c in range(lo, hi + 1)},
    0x3000: " ", 0x00A0: " ", 0x09: " ",
}


def normalise_text(text: str) -> str:
    """Tidy noisy spacing and punctuation without changing the wording.

    Full-width letters and digits become ASCII, spaces inside Chinese text go, half-width
    punctuation touching Chinese becomes full-width, and a final '.' after Chinese becomes '。'.
    """
    text = _INVISIBLE.sub("", text)
    text = text.translate(_WIDTH)
    text = " ".join(text.split())
    text = _SPACE_NEAR_CJK.sub("", text)
    text = _HALF_PUNCT.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)
    text = _PARENS.sub(_full_parens, text)
    if len(text) > 1 and text.endswith(".") and re.match(f"[{_CJK}]", text[-2]):
        text = text[:-1] + "。"
    return text


def _full_parens(m: re.Match[str]) -> str:
    around = m.string[max(0, m.start() - 1):m.end() + 1]
    return f"（{m.group(1)}）" if re.search(f"[{_CJK}]", around) else m.group(0)


# ---------------------------------------------------------------- list labels

_CN = "一二三四五六七八九十"
_CN_NUM = f"[{_CN}]{{1,3}}"
_SEQ_WORDS = ("首先", "其次", "再次", "最后")
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(rf"^({_CN_NUM})\s*[、，,．.](?!\d)")),
    ("pcn", re.compile(rf"^[（(]\s*({_CN_NUM})\s*[）)]\s*[、，,．.]?")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:[、，,．]|\.(?!\d))")),
    ("pnum", re.compile(r"^(?:[（(]\s*(\d{1,3})\s*[）)]|(\d{1,3})[）)])\s*[、，,．.]?")),
    ("circ", re.compile(r"^([①-⑳⑴-⒇])\s*[、，,．.]?")),
    ("ord", re.compile(rf"^第({_CN_NUM})\s*[、，,：:．.]")),
    ("seq", re.compile(r"^(首先|其次|再次|最后)\s*[、，,：:]")),
    ("shi", re.compile(rf"^({_CN_NUM})是")),
)


_LABEL_KINDS = frozenset(kind for kind, _ in _LABELS)


def _parse_label(text: str) -> tuple[str, str, str]:
    """(kind, label, rest) for a text that starts with a list label, else ('', '', text)."""
    for kind, pattern in _LABELS:
        m = pattern.match(text)
        if m and len(text) > m.end():
            rest = text[m.end():].lstrip(" ：:，,")
            if kind == "shi":  # "一是……" is a sentence of its own: the marker word stays
                rest = text
            return kind, m.group(0).strip(), rest
    return "", "", text


def _cn_value(s: str) -> int:
    if s.isascii() and s.isdigit():
        return int(s)
    if s in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(s) + 1
    if s in "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇":
        return "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇".index(s) + 1
    if s in _SEQ_WORDS:
        return _SEQ_WORDS.index(s) + 1
    digits = [_CN.index(c) + 1 for c in s if c in _CN]
    if not digits:
        return 0
    if len(digits) == 1:
        return digits[0]
    if digits[0] == 10:  # 十一 .. 十九
        return 10 + digits[1]
    return digits[0] * 10 + (digits[2] if len(digits) > 2 else 0)


# ---------------------------------------------------------------- boilerplate

_DATE_ONLY = re.compile(
    r"^[（(]?[\d〇○零一二三四五六七八九十]{2,4}年[\d〇○零一二三四五六七八九十]{1,2}月"
    r"([\d〇○零一二三四五六七八九十]{1,3}日)?[）)]?$"
)
_BOILERPLATE = re.compile(
    r"现将.{0,40}(报告|汇报|通报|说明|汇总|梳理|整理|报送|反馈)|如下[：:。]?$|特此(报告|通报|说明|函告)"
    r"|^妥否|请审阅|请审定|请批示|请审批|此页无正文|^附件\s*\d*[：:．.]?|^(联系人|联系电话|电话|抄送|印发"
    r"|主题词|签发人|报送|发送|分送)\s*[：:]|〔\d{4}〕\d+号|\[\d{4}\]\d+号|^以上(报告|意见|材料|情况)"
)
_SALUTATION = re.compile(r"(领导|同志|各位|尊敬|老师|朋友|大家|您好)[们]?[：:！!]$")
_FIELD_LINE = re.compile(
    r"^(时间|地点|主持人|主持|记录人|记录|参加人员|参会人员|出席|列席|缺席|会议主题|主题|单位|姓名|职务"
    r"|日期|填表人|填报单位|填表日期|报送单位|谈话对象|谈话人|参加人|人数|会议名称|责任领导|责任人"
    r"|责任单位|责任部门|责任处室|牵头领导|牵头单位|完成时限|整改时限|完成时间|时限|主责单位|主责部门"
    r"|配合单位|协办单位|牵头部门)\s*[：:][^。]*。?$"
)
# Web-page chrome copied with the text: bylines, source stamps, counters, share buttons.
_CHROME_START = re.compile(
    r"^[•·●◆■▪\-\s]*(来源|信息来源|稿件来源|文章来源|发布时间|发布日期|发布者|发布人|作者|责任编辑"
    r"|编辑|审核|校对|摄影|记者|通讯员|浏览次数|浏览量|浏览|点击率|点击数|阅读量|字号|分享到|打印本页"
    r"|关闭窗口|扫一扫|【字体|【打印|【关闭)\s*[：:\s]"
)
_STAMP = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}\s*[:：时]\s*\d{2}(\s*[:：分]\s*\d{2})?秒?"
    r"|(来源|发布时间|发布日期|发布者|作者|编辑|浏览|点击率|点击|阅读|字号|大字|中字|小字|[大中小]|次)"
)
_BRACKETED = re.compile(r"^【[^】]{1,12}】$")


def _is_chrome(t: str) -> bool:
    """A byline, date stamp or page widget rather than a sentence of the document.

    A line that holds a dated stamp and, once the stamp is gone, only a short name (a paper, a
    site, an office) is chrome; a time-stamped finding ("10:30，某窗口……") keeps its sentence.
    """
    if _CHROME_START.match(t) or _BRACKETED.match(t):
        return True
    if len(t) > 60 or not re.search(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}", t):
        return False
    rest = _STAMP.sub("", t).strip(" •·●|｜-—()（）")
    return not _SENTENCE_PUNCT.search(rest) and _cjk_len(rest) <= 15
_UNIT_LINE = re.compile(
    r"(厅|局|委|办|院|部|处|中心|公司|学校|大学|党组|党委|支部|总支|政府|所|站|队|集团|办公室|委员会"
    r"|领导小组|乡|镇|村|街道|社区)$"
)
_INTRO = re.compile(
    r"^(根据|按照|为了|为深入|为进一步|依据|遵照|结合|近期|近日|日前|\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日)"
)
_INTRO_END = re.compile(r"(要求|安排|部署|精神|通知|方案|活动|座谈会|会议|召开|组织|开展)")
_TALLY = re.compile(r"共(计)?(征求|收集|收到|梳理|整理|汇总|查摆|查找)[^。；]{0,20}\d+\s*余?条")
_CLOSER = re.compile(
    r"^(以上|上述|总之|综上|特此|我们将|今后，我们|下一步，?我们|会议最后|会议要求|会议强调|会议指出"
    r"|与会(同志|人员|代表)?(表示|一致认为))|批评指正[。！]?$"
)
_SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?]")


def _is_boilerplate(text: str) -> bool:
    t = compact(text)
    return (not re.search(f"[{_CJK}A-Za-z0-9]", t) or bool(_DATE_ONLY.match(t)) or _is_chrome(t)
            or bool(_BOILERPLATE.search(t)) or bool(_FIELD_LINE.match(t))
            or (len(t) <= 30 and bool(_SALUTATION.search(t)))
            or t.endswith(("：", ":")))  # a lead-in introduces what follows; it is no item


def _signature_block(paras: Sequence[Paragraph]) -> set[int]:
    """Indexes of the closing signature lines: unit names and dates after the last sentence."""
    block: list[int] = []
    has_date = False
    for i in range(len(paras) - 1, -1, -1):
        p = paras[i]
        t = compact(p.text)
        if p.table is not None:
            break
        if not t:
            continue
        if _DATE_ONLY.match(t.strip("()（）")):
            has_date = True
            block.append(i)
            continue
        if len(t) <= 40 and not _SENTENCE_PUNCT.search(t) and (
                _UNIT_LINE.search(t) or (has_date and len(t) <= 5) or t.startswith("（")):
            block.append(i)
            continue
        break
    return set(block)


# ---------------------------------------------------------------- the outline

@dataclass(slots=True)
class _Node:
    """A paragraph or table in the outline; a node with children is a heading."""

    kind: str  # "root", a label kind, "ph" (plain heading), "para", "table"
    text: str = ""
    index: int = 0  # 1-based paragraph number, or table position for tables
    forced_heading: bool = False
    value: int = 0  # the number its label stands for (一 = 1, ③ = 3), 0 without one
    table: Table | None = None
    children: list[_Node] = field(default_factory=list)


_ATTACHMENT = re.compile(r"^附件\d*(?:[：:．.、]\s*(.*))?$")
_HEADING_STYLE = re.compile(r"^(heading|标题)\s*(\d)", re.IGNORECASE)
_MANIFEST = re.compile(r"^((还|也|另)?有的|(还|也)?有些|(还|也)?有人|个别|少数|部分|一些|主要表现"
                       r"|具体表现|表现在|表现为)")
_SUMMARY_MAX = 40


def _outline(doc: SourceDocument, tax: Taxonomy) -> _Node:
    """Nest paragraphs and tables under their headings, by label kind in order of appearance."""
    skip = set(title_paragraphs(doc)) | _signature_block(doc.paragraphs)
    subheads = _subheads(doc.paragraphs, skip)
    root = _Node("root")
    stack: list[_Node] = [root]
    placed: set[int] = set()
    last_value: dict[str, int] = {}
    positions = {t.index: n for n, t in enumerate(doc.tables, 1)}
    tables = {t.index: t for t in doc.tables if t.depth == 0}
    for i, p in enumerate(doc.paragraphs):
        if p.table is not None:
            ti = p.table[0]
            if ti in tables and ti not in placed:
                placed.add(ti)
                _attach(stack, _Node("table", index=positions[ti], table=tables[ti]))
            continue
        if i in skip:
            continue
        kind, value, text = _classify_line(p)
        attachment = _ATTACHMENT.match(compact(text))
        if attachment and not kind:  # an attachment starts afresh, under its own title
            del stack[1:]
            if attachment.group(1):
                heading = _Node("att", attachment.group(1), i + 1, forced_heading=True)
                root.children.append(heading)
                stack.append(heading)
            continue
        if not text or (kind in ("", "ph") and _is_boilerplate(text)):
            continue
        node = _Node(kind or "para", text, i + 1, value=value)
        if kind in ("", "ph") and _is_plain_heading(text, tax):
            node.kind = kind = "ph"
        elif not kind and i in subheads:
            continue  # a news subheading or a byline: neither an item nor a heading to trust
        if kind.startswith("h"):
            node.forced_heading = True
        if kind:
            if value >= 2 and all(n.kind != kind for n in stack) \
                    and last_value.get(kind) != value - 1:
                # "(1) (2) 3) 4." : a list that changes its label style keeps counting
                kind = node.kind = next((n.kind for n in reversed(stack[1:])
                                         if n.value == value - 1 and not n.children), kind)
            last_value[kind] = value
            while len(stack) > 1 and any(n.kind == kind for n in stack[1:]):
                stack.pop()
            if kind.startswith("h"):
                while len(stack) > 1 and stack[-1].kind.startswith("h") and stack[-1].kind >= kind:
                    stack.pop()
            stack[-1].children.append(node)
            stack.append(node)
        else:
            _attach(stack, node)
    for t in doc.tables:  # tables the reader did not place among the paragraphs
        if t.depth == 0 and t.index not in placed:
            root.children.append(_Node("table", index=positions[t.index], table=t))
    return root


_SUBHEAD_MAX = 25


def _subheads(paras: Sequence[Paragraph], skip: set[int]) -> set[int]:
    """Short unlabelled lines without sentence punctuation, unless three or more in a row.

    Web copies of bulletins carry subheadings ("热词的变迁") and bylines between paragraphs; a run
    of three or more such lines is rather a list of short opinions, one a line.
    """
    bare = [i not in skip and p.table is None and not p.numbering
            and not p.style.lower().startswith(("heading", "标题"))
            and _is_bare_line(normalise_text(p.text)) for i, p in enumerate(paras)]
    # blank lines, stamps and bylines neither count in a run nor break it
    quiet = [not p.text.strip() or (p.table is None and _is_boilerplate(normalise_text(p.text)))
             for p in paras]
    found: set[int] = set()
    i = 0
    while i < len(paras):
        if not bare[i] or quiet[i]:
            i += 1
            continue
        j = i
        while j < len(paras) and (bare[j] or quiet[j]):
            j += 1
        run = [k for k in range(i, j) if bare[k] and not quiet[k]]
        if len(run) <= 2:
            found.update(run)
        i = j
    return found


def _is_bare_line(text: str) -> bool:
    t = compact(text)
    return (0 < len(t) <= _SUBHEAD_MAX and not _SENTENCE_PUNCT.search(t)
            and not t.endswith(("：", ":")) and not _parse_label(t)[0])


def _classify_line(p: Paragraph) -> tuple[str, int, str]:
    """(label kind, label value, text without the label) of a body paragraph."""
    text = normalise_text(p.text)
    m = _HEADING_STYLE.match(p.style)
    if p.numbering:
        label = normalise_text(p.numbering)
        rest = text[len(label):].lstrip() if text.startswith(label) else text
        kind, found, _ = _parse_label(label + "x")
        return kind or f"auto{p.level or 0}", _label_value(found), rest
    kind, label, rest = _parse_label(text)
    if not kind and m:
        return f"h{m.group(2)}", 0, text
    return kind, _label_value(label), rest


def _label_value(label: str) -> int:
    m = re.search(rf"\d+|[{_CN}]+|[①-⑳⑴-⒇]|首先|其次|再次|最后", label)
    return _cn_value(m.group(0)) if m else 0


def _is_plain_heading(text: str, tax: Taxonomy) -> bool:
    t = text.rstrip("：:")
    if len(t) > 20 or _SENTENCE_PUNCT.search(t):
        return False
    return (text.endswith(("：", ":"))
            or bool(tax.category_in_heading(compact(t), manifestations=False))
            or t.endswith(("方面", "方面的问题", "方面问题")))


def _attach(stack: list[_Node], node: _Node) -> None:
    """Put a plain paragraph or table under the innermost open node that can be its heading."""
    for parent in reversed(stack):
        if parent.kind == "root" or _can_head(parent, node):
            parent.children.append(node)
            return


def _can_head(parent: _Node, node: _Node) -> bool:
    if parent.forced_heading or parent.kind == "ph" or parent.children:
        return True
    short = len(parent.text) <= _SUMMARY_MAX
    if short and not re.search(r"[。！？；;!?]$", parent.text):
        return True
    return short and node.kind == "para" and bool(_MANIFEST.match(node.text))


# ---------------------------------------------------------------- items

@dataclass(frozen=True, slots=True)
class _Draft:
    text: str
    path: tuple[str, ...]
    locator: str
    fields: dict[str, str]
    hint_from_fields: str = ""
    point: str = ""  # the locator of the paragraph, summary line or row this part belongs to


def split_items(doc: SourceDocument, info: DocInfo, *, taxonomy: Taxonomy | None = None,
                config: DocTypes | None = None) -> list[Item]:
    """The items of a document, numbered from 1 in reading order, with their provenance."""
    tax = taxonomy or load_taxonomy()
    cfg = config or load_doctypes()
    root = _outline(doc, tax)
    opinion_doc = cfg.opinion_bearing(info.doc_type)
    drafts = list(_walk(root, (), cfg, tax, opinion_doc))
    items: list[Item] = []
    for d in drafts:
        if not re.search(r"\w", d.text):
            continue
        hint = d.hint_from_fields or _hint(d.path, tax)
        items.append(Item(doc.path, info.unit, info.doc_type, len(items) + 1, d.text, d.path,
                          d.locator, dict(d.fields), hint, d.point or d.locator))
    return items


_HEADING_MAX = 30  # a longer "heading" is a lead-in sentence: its words name no category


def _hint(path: tuple[str, ...], tax: Taxonomy) -> str:
    for heading in reversed(path):
        if len(compact(heading)) > _HEADING_MAX:
            continue
        found = tax.category_in_heading(compact(heading))
        if found:
            return found
    return ""


def _walk(node: _Node, path: tuple[str, ...], cfg: DocTypes, tax: Taxonomy,
          opinion_doc: bool) -> Iterator[_Draft]:
    for leaf, leaf_path, point in _leaves(node, path, cfg, tax):
        if leaf.table is not None:
            yield from _table_drafts(leaf.table, leaf.index, leaf_path, cfg, tax, opinion_doc)
        elif opinion_doc or _hint(leaf_path, tax):
            yield from _paragraph_drafts(leaf, leaf_path, cfg.split_manifestations, point)


def _leaves(node: _Node, path: tuple[str, ...], cfg: DocTypes, tax: Taxonomy,
            point: str = "") -> Iterator[tuple[_Node, tuple[str, ...], str]]:
    """Tables and content paragraphs with their heading paths and points, minus skipped sections.

    The point is '' except under a problem point's summary line, whose paragraphs share it.
    """
    structured_seen = False
    structured = any(c.kind not in ("para", "att") for c in node.children)
    yielded = False
    for child in node.children:
        if child.kind == "table":
            structured_seen = True
            yield child, path, ""
            continue
        is_point = _is_point_block(child, tax)
        if not cfg.split_manifestations and is_point:
            structured_seen = yielded = True  # "whole": the summary and its 有的 lines are one
            yield _Node("merged", "".join([child.text, *(c.text for c in child.children)]),
                        child.index), path, ""
            continue
        if child.children or child.forced_heading:
            structured_seen = True
            heading = child.text.rstrip("：:。；; ")
            if not _skipped_section(heading, cfg, tax):
                yield from _leaves(child, (*path, heading), cfg, tax,
                                   f"p{child.index}" if is_point else "")
            elif not _NO_PROBLEMS.search(compact(heading)):
                # a progress report's "开展情况" still shows the problems it found; a section
                # on causes ("思想根源") describes them again, and gives no items
                yield from _problem_leaves(child, (*path, heading))
            continue
        if child.kind != "para":
            structured_seen = True
        elif not _paragraph_is_item(child, node.kind == "root", structured, structured_seen,
                                    yielded):
            continue
        yielded = True
        yield child, path, point


def _problem_leaves(node: _Node,
                    path: tuple[str, ...]) -> Iterator[tuple[_Node, tuple[str, ...], str]]:
    """Inside a skipped section, only problem points: a summary, then 有的/一些 sentences."""
    for child in node.children:
        if child.children:
            yield from _problem_leaves(child, (*path, child.text.rstrip("：:。；; ")))
        elif child.kind != "table" and (_manifestations(child.text) or _PROBLEM_POINT.match(
                simplified(child.text))):
            yield child, path, ""


_NO_PROBLEMS = re.compile(r"原因|根源|成效|成绩|经验|体会|启示|做法|打算|下一步|目标|指导思想")
# "二是“流动化”。一些干部……" : a short summary, then who does what
_PROBLEM_POINT = re.compile(r"^[^。；]{1,16}。(一些|少数|个别|部分|有的|有些)")


def _is_point_block(node: _Node, tax: Taxonomy) -> bool:
    """A numbered summary line followed only by paragraphs of 有的 sentences."""
    return (bool(node.children) and node.kind in _LABEL_KINDS and not node.forced_heading
            and len(node.text) <= _SUMMARY_MAX and not tax.category_in_heading(compact(node.text))
            and all(c.kind == "para" and _MANIFEST.match(c.text) for c in node.children)
            and any(c.text.startswith(("有的", "有些")) for c in node.children))


def paragraph_leaves(doc: SourceDocument, *, taxonomy: Taxonomy | None = None,
                     config: DocTypes | None = None) -> list[tuple[str, tuple[str, ...], str]]:
    """(locator, heading path, text) of the content paragraphs, not split inside.

    Used by the rectification extractor, which reads records rather than items.
    """
    tax = taxonomy or load_taxonomy()
    cfg = config or load_doctypes()
    return [(f"p{leaf.index}", path, leaf.text)
            for leaf, path, _ in _leaves(_outline(doc, tax), (), cfg, tax) if leaf.table is None]


def _paragraph_is_item(node: _Node, top: bool, structured: bool, structured_seen: bool,
                       after_item: bool) -> bool:
    """No closing words or tallies; at the top level, no preamble before the body."""
    text = simplified(node.text)
    if _CLOSER.search(text) or _TALLY.search(text):
        return False
    if not top:
        return True
    if structured and not structured_seen:
        return False
    return after_item or not (_INTRO.match(text) and _INTRO_END.search(text))


def _skipped_section(heading: str, cfg: DocTypes, tax: Taxonomy) -> bool:
    heading = compact(heading)
    return not tax.category_in_heading(heading) and any(
        re.search(w, heading) for w in cfg.skip_sections)


_TOPIC = re.compile(r"^((关于|在|从)?[^。：:；;，,]{0,16}方面(的问题|的意见|问题|意见)?)[。：:，,]")


def _paragraph_drafts(node: _Node, path: tuple[str, ...], manifestations: bool,
                      point: str = "") -> Iterator[_Draft]:
    text, fields = _strip_speaker(node.text)
    topic = _TOPIC.match(text)
    if topic and len(text) - topic.end() >= _MIN_PART:  # "在厉行节约方面。建议……"
        path, text = (*path, topic.group(1)), text[topic.end():]
    lead, parts = split_inline(text, manifestations=manifestations)
    if len(parts) == 1 and _is_framing(simplified(text)):
        rest = re.search(rf"。其中[，,](.{{{_MIN_PART},}})$", parts[0])
        if rest is None:
            return  # the dateline, the reporter, what the leader stressed: no opinion
        parts = [rest.group(1)]  # "……通报了4起问题。其中，某厅……" : the case is the item
    context = (*path, lead) if lead else path
    point = point or f"p{node.index}"
    if len(parts) == 1:
        yield _Draft(parts[0], context, f"p{node.index}", fields, point=point)
        return
    for n, part in enumerate(parts, 1):
        yield _Draft(part, context, f"p{node.index}.{n}", fields, point=point)


# A news report's framing: its dateline and agency, the reporter, the meeting and what its
# leaders stressed.  Participants' words (大家认为, 有代表提出) are opinions and stay.
_FRAMING = re.compile(
    r"^(本报讯|本报|.{0,8}讯\s|.{0,8}网讯|新华社|据.{0,12}(报道|消息)|记者)"
    r"|^(\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月\d{1,2}日|近日|日前|昨天|今天|近期|目前)[^。]{0,60}?"
    r"(召开|举行|组织召开|获悉|发布|通报|曝光|晒出|公布|刊登|印发|下发|部署|出席|主持)"
    r"|^[^，。；]{0,24}?(指出|强调|要求|表示|透露|获悉|了解到)[，：]"
    r"|^[^，。；]{0,24}?(介绍了|在讲话|致辞|出席会议|主持会议|作总结|进行了总结)"
)
_PARTICIPANT = re.compile(r"大家|群众|代表|网友|委员|与会|有人|有的|职工|居民|村民|学生|同学"
                          r"|受访|干部们")


def _is_framing(text: str) -> bool:
    m = _FRAMING.match(text)
    return bool(m) and not _PARTICIPANT.search(text[:m.end()])


_SPEAKER = re.compile(r"^([\u4e00-\u9fff]{2,6})(（[^）]{1,20}）)?[：:]")
_NOT_SPEAKER = re.compile(r"(问题|意见|建议|表现|情况|措施|原因|内容|方面|要求|目标)$")


def _strip_speaker(text: str) -> tuple[str, dict[str, str]]:
    """'张三（财务处）：希望……' -> ('希望……', {'发言人': '张三（财务处）'})."""
    m = _SPEAKER.match(text)
    if not m or len(text) - m.end() < 8:
        return text, {}
    rest = text[m.end():]
    if _NOT_SPEAKER.search(simplified(m.group(1))):
        return rest, {}
    return rest, {"发言人": m.group(1) + (m.group(2) or "")}


# ---------------------------------------------------------------- inside one paragraph

_ENUMS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?:^|(?<=[。；;，,：:！？\s]))({_CN_NUM})是"),
    re.compile(rf"(?:^|(?<=[。；;，,：:！？\s]))第({_CN_NUM})[，,、：:]"),
    re.compile(r"[（(](\d{1,2})[）)]"),
    re.compile(rf"[（(]({_CN_NUM})[）)]"),
    re.compile(r"([①-⑳⑴-⒇])"),
    re.compile(r"(?:^|(?<=[。；;：:！？\s]))(\d{1,2})[、．.](?!\d)"),
    re.compile(r"(?:^|(?<=[。；;：:！？\s]))(首先|其次|再次|最后)[，,：:]"),
)
# Where a manifestation starts: 有的/有些/有人 (also after a comma, as in "有的……，有的……"),
# 个别/少数/部分/一些 and "有某某谈到/表示" after a sentence break.
_MANIFEST_START = re.compile(
    r"(?:^|(?<=[。；;！？：:]))(?:(?:还|也|另|如)?(?:有的|有些|有人)(?!放矢)|个别|少数|部分|一些"
    r"|有(?=[^，。；：]{2,14}?(?:谈到|表示|说|认为|反映|提出|指出|坦言|坦陈)[，：]))"
    r"|(?<=[，,])(?:还|也|另|如)?(?:有的|有些|有人)(?!放矢)"
)
_OPENERS = re.compile(r"(?:还|也|另|如)?(?:有的|有些|有人)|有(?!的|些|人|关|效|力|利|所|待|时|点)")
# What follows a list of manifestations without being one: an example, a comment, a cause.
_AFTERWORD = re.compile(r"^(就?比如|例如|譬如|这|此|对此|究其原因|其原因|原因|由于|总之|可见"
                        r"|以上|上述|因此|所以)")
_CONTINUATION = re.compile(
    r"^(但|但是|而|而且|并|并且|且|同时|从而|以致|以免|因此|所以|否则|特别是|尤其是|甚至|导致|造成|致使"
    r"|使得|其中|即|也就是|这|此外|如)"
)
_MIN_PART = 6


def split_inline(text: str, *, manifestations: bool = False) -> tuple[str, list[str]]:
    """(lead-in, parts) of one paragraph: enumerations, ；-lists, else the whole paragraph.

    A problem point (a short summary, then only "有的……" sentences) stays whole unless
    ``manifestations`` is set; then each 有的 sentence is a part and the summary the lead-in.
    """
    for pattern in _ENUMS:
        cut = _enumeration(text, pattern)
        if cut:
            return cut
    cut = _counted_lists(text) or _counted_sentences(text)
    if cut:
        return cut
    point = _manifestations(text)
    if point and not manifestations and _is_point(text):
        return "", [_tidy(text)]
    cut = _semicolon_list(text) or (point if manifestations else None)
    if cut:
        return cut
    return "", [_tidy(text)]


_COUNT = r"(\d{1,3}|[一二三四五六七八九十两]{1,3})\s*(?:个|项|件|类|条|起|种|大)"
_COUNTED_END = re.compile(rf"等\s*{_COUNT}")
_COUNTED_LEAD = re.compile(rf"{_COUNT}[^：:。；]{{0,12}}(?:为|是|包括|如下|有)?[：:]$")


def _count_value(s: str) -> int:
    return int(s) if s.isdigit() else _cn_value(s.replace("两", "二"))


def _counted_lists(text: str) -> tuple[str, list[str]] | None:
    """The parts of lists that announce their length: "整治A，B，C等3个方面问题", "A、B等十项".

    The count says where the list starts: the last N clauses before "等N个", or, when the
    clause before it holds the list, its last N 、-separated phrases (one off is allowed).
    """
    parts: list[str] = []
    lead = ""
    start = 0
    for m in _COUNTED_END.finditer(text):
        n = _count_value(m.group(1))
        segment = re.split(r"[。；;！？：:]", text[start:m.start()])[-1]
        clauses = [c for c in re.split(r"[，,]", segment) if c.strip()]
        phrases = [p for p in clauses[-1].split("、") if p.strip()] if clauses else []
        if len(phrases) >= 2 and abs(len(phrases) - n) <= 1:
            found: list[str] | None = phrases[-n:]  # the clause before 等N holds the list
        else:
            found = clauses[-n:] if len(clauses) >= n - 1 else None
        if n < 2 or not found or sum(_cjk_len(p) for p in found) < 4 * len(found) or any(
                _cjk_len(p) < 2 for p in found):
            continue
        parts += [_tidy(p) for p in found]
        after = re.compile(r"[，,。；;]").search(text, m.end())
        start = after.end() if after else len(text)
    return (lead, parts) if len(parts) >= 2 else None


def _counted_sentences(text: str) -> tuple[str, list[str]] | None:
    """"这10件事为：A。B。……" : a lead-in with a count, then exactly that many sentences."""
    colon = re.search(r"[：:]", text)
    if colon is None or colon.start() > 30:
        return None
    m = _COUNTED_LEAD.search(text[:colon.end()])
    if m is None:
        return None
    body = text[colon.end():]
    sentences = [x for x in re.findall(r"[^。！？]+[。！？]?", body) if _cjk_len(x) >= _MIN_PART]
    if len(sentences) != _count_value(m.group(1)) or len(sentences) < 2:
        return None
    return _lead(text[:colon.start()]), [_tidy(x) for x in sentences]


def _is_point(text: str) -> bool:
    """Summary (optional) then clauses that all start with 有的/个别/少数 ... (not a ；-list)."""
    first = _MANIFEST_START.search(text)
    if first is None:
        return False
    clauses = [c for c in re.split(r"[。；;！？]", text[first.start():]) if c.strip()]
    return all(_MANIFEST.match(c.strip()) for c in clauses)


def _enumeration(text: str, pattern: re.Pattern[str]) -> tuple[str, list[str]] | None:
    marks: list[re.Match[str]] = []
    for m in pattern.finditer(text):
        if _cn_value(m.group(1)) == len(marks) + 1:
            marks.append(m)
    if len(marks) < 2:
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    keep = pattern is _ENUMS[0]  # "一是……" keeps its marker word, as the sentence was written
    parts = [_tidy(text[m.start(1) if keep else m.end():end])
             for m, end in zip(marks, ends, strict=True)]
    if sum(_cjk_len(p) >= _MIN_PART for p in parts) < 2:
        return None
    return _lead(text[:marks[0].start()]), [p for p in parts if p]


def _manifestations(text: str) -> tuple[str, list[str]] | None:
    starts = [m.start() for m in _MANIFEST_START.finditer(text)]
    firsts = [s for s in starts if _OPENERS.match(text, s)]
    if not firsts:
        return None
    lead = text[:starts[0]]
    if len(starts) < 2 and (text[starts[0] - 1:starts[0]] in "，," or not (
            lead and _cjk_len(lead) <= _SUMMARY_MAX)):
        return None  # one 有的 after a comma is a clause, not a list of manifestations
    ends = [*starts[1:], len(text)]
    parts = [_tidy(_without_afterword(text[s:e])) for s, e in zip(starts, ends, strict=True)]
    if any(_cjk_len(p) < _MIN_PART for p in parts):
        return None
    return _lead(lead), parts


def _without_afterword(part: str) -> str:
    """A manifestation without the example or comment that follows it ("比如，某局……")."""
    for m in re.finditer(r"[。！？]", part):
        rest = part[m.end():].lstrip()
        if rest and _AFTERWORD.match(simplified(rest)):
            return part[:m.end()]
    return part


def _semicolon_list(text: str) -> tuple[str, list[str]] | None:
    body = text.rstrip("。；; ")
    lead = ""
    colon = re.search(r"[：:]", body)
    if colon and colon.start() <= 25:
        lead, body = body[:colon.start()], body[colon.end():]
    if "。" in body:
        return None
    parts = [p.strip() for p in re.split(r"[；;]", body)]
    into = _LIST_INTO.search(parts[0])
    if into and _cjk_len(parts[0][into.end():]) >= _MIN_PART:  # "……的问题，如A；B；C"
        lead, parts[0] = f"{lead}{parts[0][:into.start()]}", parts[0][into.end():]
    if len(parts) < 2 or any(_cjk_len(p) < _MIN_PART or _CONTINUATION.match(p) for p in parts):
        return None
    return _lead(lead), [_tidy(p) for p in parts]


# Where the first clause of a ；-list hands over to the list: "……，其中A；B", "……，如A；B"
_LIST_INTO = re.compile(r"[，,](?:其中|如|例如|比如|诸如|包括|主要有|主要是)[：:，,]?"
                        r"(?!.*[，,](?:其中|如|例如|比如|诸如|包括|主要有|主要是)[：:，,]?)")


def _lead(text: str) -> str:
    return text.strip().rstrip("：:，,；;。 ")


def _tidy(text: str) -> str:
    text = text.strip().lstrip("，,、；;：: ").rstrip("，,、；; ")
    return text


def _cjk_len(text: str) -> int:
    return len(re.findall(f"[{_CJK}]", text))


# ---------------------------------------------------------------- tables

_BREAK = "\ue000"  # stands for a line break inside a cell while its text is normalised


def _table_drafts(table: Table, position: int, path: tuple[str, ...], cfg: DocTypes,
                  tax: Taxonomy, opinion_doc: bool) -> Iterator[_Draft]:
    rows = [tuple(normalise_text(c.replace("\n", _BREAK)).replace(_BREAK, "\n")
                  for c in row) for row in table.rows]
    if not rows:
        return
    head_at, header = _header_row(rows, cfg)
    if header:
        col = _content_column(header, cfg)
        if not opinion_doc and not _hint(path, tax) and not any(
                w in compact(header[col]) for w in cfg.opinion_columns):
            return
    else:
        form = _form_values(rows, cfg)
        if form is not None:  # a form: "意见建议 | 1. …… 2. ……" beside "单位 | ……"
            yield from _form_drafts(form, position, path, cfg.split_manifestations)
            return
        if not opinion_doc and not _hint(path, tax):
            return
        col = _longest_column(rows)
        header = tuple(f"列{n}" for n in range(1, max(len(r) for r in rows) + 1))
    width = len(header)
    section: tuple[str, ...] = ()
    category_cols = [n for n, h in enumerate(header)
                     if compact(h) in ("类别", "类型", "问题类别", "所属类别", "分类", "问题类型")]
    for r, row in enumerate(rows[head_at + 1:], head_at + 2):
        cells = [c for c in row if c.strip()]
        if not cells or compact(row[col] if col < len(row) else "") == compact(header[col]):
            continue
        own = row[col].strip() if col < len(row) else ""
        if width > 1 and len(set(cells)) == 1 and len(cells[0]) <= 30 and (
                not own or len(cells) == len(row) or len(row) < width):
            # a merged row heading the rows below it ("一、形式主义方面（5条）")
            section = (_parse_label(cells[0])[2].rstrip("：:"),)
            continue
        text = row[col] if col < len(row) else ""
        if not re.search(f"[{_CJK}A-Za-z]", text) or re.match(r"^(合计|总计|小计)", compact(text)):
            continue
        fields = {header[n]: row[n].replace("\n", " ") for n in range(min(width, len(row)))
                  if n != col and row[n].strip()}
        hint = next((h for n in category_cols if n < len(row)
                     for h in [tax.category_in_heading(compact(row[n]))] if h), "")
        context = (*path, *section)
        parts = _cell_parts(text)
        for n, part in enumerate(parts, 1):
            loc = f"t{position}r{r}" + (f".{n}" if len(parts) > 1 else "")
            yield _Draft(part, context, loc, fields, hint, point=f"t{position}r{r}")


def _form_values(rows: Sequence[tuple[str, ...]],
                 cfg: DocTypes) -> list[tuple[int, str, dict[str, str]]] | None:
    """(row number, value, other fields) of the opinion cells of a label | value form."""
    labels = [compact(r[0]) if r else "" for r in rows]
    if any(len(r) < 2 for r in rows) or any(len(lab) > 10 for lab in labels):
        return None
    fields = {lab: r[1] for lab, r in zip(labels, rows, strict=True)
              if lab and len(r[1]) <= 30 and r[1].strip()}
    found = [(n, r[1], fields) for n, (lab, r) in enumerate(zip(labels, rows, strict=True), 1)
             if lab and any(w in lab for w in cfg.opinion_columns) and r[1].strip()]
    return found or None


def _form_drafts(form: list[tuple[int, str, dict[str, str]]], position: int,
                 path: tuple[str, ...], manifestations: bool) -> Iterator[_Draft]:
    for r, value, fields in form:
        lines = [line.strip() for line in value.split("\n") if line.strip()]
        parts = _cell_parts(value) if len(lines) > 1 else split_inline(
            _strip_label(value), manifestations=manifestations)[1]
        for n, part in enumerate(parts, 1):
            loc = f"t{position}r{r}" + (f".{n}" if len(parts) > 1 else "")
            yield _Draft(part, path, loc, dict(fields), point=f"t{position}r{r}")


def _strip_label(text: str) -> str:
    return _parse_label(text)[2]


def _header_row(rows: Sequence[tuple[str, ...]],
                cfg: DocTypes) -> tuple[int, tuple[str, ...] | None]:
    known = cfg.content_columns + cfg.other_columns
    for r, row in enumerate(rows[:3]):
        names = [compact(c) for c in row]
        hits = sum(1 for n in names if n and len(n) <= 12 and any(k in n for k in known))
        content = any(n and len(n) <= 12 and any(k in n for k in cfg.content_columns)
                      for n in names)
        short = all(len(n) <= 8 for n in names)
        if content and (hits >= 2 or len(row) == 1 or (short and r == 0)):
            return r, row
    return -1, None


def _content_column(header: tuple[str, ...], cfg: DocTypes) -> int:
    names = [compact(h) for h in header]
    for wanted in cfg.content_columns:
        for n, name in enumerate(names):
            if name == wanted:
                return n
    for wanted in cfg.content_columns:
        for n, name in enumerate(names):
            if wanted in name:
                return n
    return 0


def _longest_column(rows: Sequence[tuple[str, ...]]) -> int:
    width = max(len(r) for r in rows)
    totals = [sum(len(r[n]) for r in rows if n < len(r)) for n in range(width)]
    return max(range(width), key=lambda n: totals[n])


def _cell_parts(text: str) -> list[str]:
    """A cell is one item unless it holds a list of its own, one labelled line per item."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    labelled = [_parse_label(line) for line in lines]
    if len(lines) >= 2 and sum(1 for k, _, _ in labelled if k) >= 2:
        parts: list[str] = []
        for kind, _, rest in labelled:
            if kind or not parts:
                parts.append(rest)
            else:
                parts[-1] += rest
        return [_tidy(p) for p in parts if p.strip()]
    return [_tidy(_join_lines(lines))]


def _join_lines(lines: Sequence[str]) -> str:
    out = ""
    for line in lines:
        if out and re.match(f"[{_CJK}{_CJK_PUNCT}]", line[0]) and re.search(
                f"[{_CJK}{_CJK_PUNCT}]$", out):
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


def header_row(table: Table, config: DocTypes | None = None) -> tuple[int, tuple[str, ...] | None]:
    """(row number, normalised header cells) of a table's header row, or (-1, None)."""
    rows = [tuple(normalise_text(c.replace("\n", _BREAK)).replace(_BREAK, "\n") for c in row)
            for row in table.rows]
    return _header_row(rows, config or load_doctypes())


__all__ = ["header_row", "normalise_text", "paragraph_leaves", "split_inline", "split_items"]
