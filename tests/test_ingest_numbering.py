"""Automatic list labels rendered like Word: formats, patterns, counters, restarts, styles."""

from __future__ import annotations

import pytest

from crafted import docx, p
from docpipe.reading.ingest import read_docx_bytes
from docpipe.reading.ooxml.numbering import format_number


def level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f"<w:lvl w:ilvl='{ilvl}'><w:start w:val='{start}'/><w:numFmt w:val='{fmt}'/>"
            f"<w:lvlText w:val='{text}'/>{extra}</w:lvl>")


def numbering(*levels: str, nums: str = "<w:num w:numId='1'><w:abstractNumId w:val='0'/></w:num>"
              ) -> str:
    return f"<w:abstractNum w:abstractNumId='0'>{''.join(levels)}</w:abstractNum>{nums}"


def labels(body: str, numbering_xml: str, **parts: str) -> list[str]:
    doc = read_docx_bytes(docx(body, numbering=numbering_xml, **parts))  # type: ignore[arg-type]
    assert doc.ok, doc.message
    return [par.numbering for par in doc.paragraphs]


@pytest.mark.parametrize(("fmt", "values"), [
    ("decimal", {1: "1", 12: "12"}),
    ("chineseCounting", {1: "一", 10: "十", 11: "十一", 20: "二十", 35: "三十五", 101: "一〇一"}),
    ("chineseCountingThousand", {10: "十", 21: "二十一", 105: "一百零五", 110: "一百一十",
                                 1001: "一千零一"}),
    ("ideographTraditional", {1: "甲", 10: "癸", 11: "甲"}),
    ("decimalEnclosedCircle", {1: "①", 20: "⑳", 21: "㉑", 50: "㊿", 51: "51"}),
    ("decimalEnclosedCircleChinese", {3: "③"}),
    ("lowerLetter", {1: "a", 26: "z", 27: "aa"}),
    ("upperLetter", {2: "B", 28: "BB"}),
    ("lowerRoman", {4: "iv", 9: "ix", 14: "xiv"}),
    ("upperRoman", {1990: "MCMXC"}),
    ("decimalFullWidth", {12: "１２"}),
    ("decimalZero", {7: "07"}),
    ("none", {3: ""}),
    ("someFutureFormat", {5: "5"}),
])
def test_formats(fmt: str, values: dict[int, str]) -> None:
    assert {n: format_number(n, fmt) for n in values} == values


@pytest.mark.parametrize(("fmt", "pattern", "expected"), [
    ("chineseCounting", "%1、", ["一、", "二、", "三、"]),
    ("chineseCounting", "（%1）", ["（一）", "（二）", "（三）"]),
    ("decimal", "%1.", ["1.", "2.", "3."]),
    ("decimal", "(%1)", ["(1)", "(2)", "(3)"]),
    ("decimalEnclosedCircle", "%1", ["①", "②", "③"]),
])
def test_label_patterns_in_documents(fmt: str, pattern: str, expected: list[str]) -> None:
    body = "".join(p(f"第{i}项", num=(1, 0)) for i in range(3))
    assert labels(body, numbering(level(0, fmt, pattern))) == expected


def test_label_is_put_in_front_of_the_text_with_its_suffix() -> None:
    spaced = numbering(level(0, "chineseCounting", "%1、", extra="<w:suff w:val='nothing'/>"))
    doc = read_docx_bytes(docx(p("加强学习", num=(1, 0)), numbering=spaced))
    assert doc.texts == ("一、加强学习",) and doc.paragraphs[0].level == 0
    tabbed = numbering(level(0, "decimal", "%1."))
    assert read_docx_bytes(docx(p("内容", num=(1, 0)), numbering=tabbed)).texts == ("1.\t内容",)


def test_multilevel_restarts_deeper_levels() -> None:
    defs = numbering(level(0, "decimal", "%1."), level(1, "decimal", "%1.%2"),
                     level(2, "decimalEnclosedCircle", "%3"))
    body = "".join(p("x", num=(1, ilvl)) for ilvl in (0, 1, 1, 2, 2, 0, 1, 2))
    assert labels(body, defs) == ["1.", "1.1", "1.2", "①", "②", "2.", "2.1", "①"]


def test_lvl_restart_zero_keeps_counting() -> None:
    defs = numbering(level(0, "chineseCounting", "%1、"),
                     level(1, "decimal", "%2.", extra="<w:lvlRestart w:val='0'/>"))
    body = "".join(p("x", num=(1, ilvl)) for ilvl in (0, 1, 1, 0, 1))
    assert labels(body, defs) == ["一、", "1.", "2.", "二、", "3."]


def test_start_values_and_start_override() -> None:
    nums = ("<w:num w:numId='1'><w:abstractNumId w:val='0'/></w:num>"
            "<w:num w:numId='2'><w:abstractNumId w:val='0'/></w:num>"
            "<w:num w:numId='3'><w:abstractNumId w:val='0'/><w:lvlOverride w:ilvl='0'>"
            "<w:startOverride w:val='1'/></w:lvlOverride></w:num>")
    defs = numbering(level(0, "decimal", "%1.", start=5), nums=nums)
    body = "".join(p("x", num=(num_id, 0)) for num_id in (1, 1, 2, 3, 3))
    # numIds 1 and 2 share one list; numId 3 restarts at its override
    assert labels(body, defs) == ["5.", "6.", "7.", "1.", "2."]


def test_level_override_replaces_format() -> None:
    nums = ("<w:num w:numId='1'><w:abstractNumId w:val='0'/><w:lvlOverride w:ilvl='0'>"
            + level(0, "upperRoman", "%1)") + "</w:lvlOverride></w:num>")
    defs = numbering(level(0, "decimal", "%1."), nums=nums)
    assert labels(p("x", num=(1, 0)) * 2, defs) == ["I)", "II)"]


def test_numbering_through_paragraph_style() -> None:
    styles = ("<w:style w:type='paragraph' w:styleId='H1'><w:name w:val='heading 1'/>"
              "<w:pPr><w:numPr><w:numId w:val='1'/></w:numPr></w:pPr></w:style>"
              "<w:style w:type='paragraph' w:styleId='H2'><w:name w:val='heading 2'/>"
              "<w:basedOn w:val='H1'/><w:pPr><w:numPr><w:ilvl w:val='1'/><w:numId w:val='1'/>"
              "</w:numPr></w:pPr></w:style>")
    defs = numbering(level(0, "chineseCounting", "%1、", extra="<w:pStyle w:val='H1'/>"),
                     level(1, "chineseCounting", "（%2）"))
    body = p("总", style="H1") + p("分", style="H2") + p("分", style="H2") + p("总", style="H1")
    doc = read_docx_bytes(docx(body, numbering=defs, styles=styles))
    assert [par.numbering for par in doc.paragraphs] == ["一、", "（一）", "（二）", "二、"]
    assert doc.paragraphs[1].style == "Heading 2"


def test_num_id_zero_switches_style_numbering_off() -> None:
    styles = ("<w:style w:type='paragraph' w:styleId='L'><w:name w:val='List'/>"
              "<w:pPr><w:numPr><w:numId w:val='1'/></w:numPr></w:pPr></w:style>")
    defs = numbering(level(0, "decimal", "%1."))
    body = p("a", style="L") + "<w:p><w:pPr><w:pStyle w:val='L'/><w:numPr><w:numId w:val='0'/>" \
        "</w:numPr></w:pPr><w:r><w:t>b</w:t></w:r></w:p>"
    assert labels(body, defs, styles=styles) == ["1.", ""]


def test_legal_numbering_shows_decimal() -> None:
    defs = numbering(level(0, "chineseCounting", "%1、"),
                     level(1, "decimal", "%1.%2", extra="<w:isLgl/>"))
    assert labels(p("x", num=(1, 0)) + p("y", num=(1, 1)), defs) == ["一、", "1.1"]


def test_bullets_use_a_plain_bullet_for_symbol_font_glyphs() -> None:
    defs = numbering(level(0, "bullet", "\uf0b7"))
    assert labels(p("要点", num=(1, 0)), defs) == ["•"]


def test_unknown_num_id_is_not_numbered() -> None:
    assert labels(p("x", num=(7, 0)), numbering(level(0, "decimal", "%1."))) == [""]
