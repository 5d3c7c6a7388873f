"""What the reader extracts: Word's view of the text, in reading order, each piece once."""

from __future__ import annotations

import io

import docx as python_docx
import pytest

from crafted import docx, p, tbl
from docpipe.reading.ingest import read_docx_bytes
from docpipe.records import SourceDocument


def read(body: str = "", **parts: object) -> SourceDocument:
    doc = read_docx_bytes(docx(body, **parts))  # type: ignore[arg-type]
    assert doc.ok, doc.message
    return doc


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_nested_tables_keep_reading_order_and_locators() -> None:
    inner = tbl([[p("内1"), p("内2")]])
    doc = read(p("前") + tbl([[p("序号"), p("意见内容")], [p("1"), inner + p()]]) + p("后"))
    texts = [(par.text, par.table) for par in doc.paragraphs if par.text]
    assert texts == [("前", None), ("序号", (0, 0, 0)), ("意见内容", (0, 0, 1)), ("1", (0, 1, 0)),
                     ("内1", (1, 0, 0)), ("内2", (1, 0, 1)), ("后", None)]
    outer, nested = doc.tables
    assert outer.rows == (("序号", "意见内容"), ("1", "")) and outer.depth == 0
    assert nested.rows == (("内1", "内2"),) and nested.depth == 1


def test_merged_cells_are_given_once_and_columns_stay_aligned() -> None:
    span = '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p("合并") + "</w:tc>"
    first = '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + p("上") + "</w:tc>"
    cont = "<w:tc><w:tcPr><w:vMerge/></w:tcPr>" + p() + "</w:tc>"
    rows = (f"<w:tr>{span}<w:tc>{p('c')}</w:tc></w:tr>"
            f"<w:tr>{first}<w:tc>{p('b')}</w:tc><w:tc>{p('d')}</w:tc></w:tr>"
            f"<w:tr>{cont}<w:tc>{p('e')}</w:tc><w:tc>{p('f')}</w:tc></w:tr>")
    doc = read(f"<w:tbl>{rows}</w:tbl>")
    assert doc.tables[0].rows == (("合并", "", "c"), ("上", "b", "d"), ("", "e", "f"))
    assert [par.table for par in doc.paragraphs if par.text == "c"] == [(0, 0, 2)]


def test_text_box_read_once_from_choice_not_fallback() -> None:
    box = (f"<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>"
           f"<w:txbxContent>{p('框内文字')}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
           f"<mc:Fallback><w:pict><v:textbox><w:txbxContent>{p('框内文字')}</w:txbxContent>"
           f"</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    doc = read(f"<w:p>{run('锚点')}{box}</w:p>" + p("之后"))
    assert doc.texts == ("锚点", "框内文字", "之后") and "text_boxes" in doc.flags


def test_tracked_changes_give_the_accepted_view() -> None:
    body = (f"<w:p>{run('保留')}<w:ins w:id='1'>{run('插入')}</w:ins>"
            f"<w:del w:id='2'><w:r><w:delText>删除</w:delText></w:r></w:del>"
            f"<w:moveFrom w:id='3'>{run('移出')}</w:moveFrom>"
            f"<w:moveTo w:id='4'>{run('移入')}</w:moveTo></w:p>")
    doc = read(body)
    assert doc.texts == ("保留插入移入",) and "tracked_changes" in doc.flags


def test_deleted_paragraph_mark_joins_the_next_paragraph() -> None:
    gone = f"<w:p><w:pPr><w:rPr><w:del w:id='1'/></w:rPr></w:pPr>{run('前半')}</w:p>"
    assert read(gone + p("后半") + p("另段")).texts == ("前半后半", "另段")


def test_deleted_table_row_is_dropped() -> None:
    row = f"<w:tr><w:trPr><w:del w:id='1'/></w:trPr><w:tc>{p('删')}</w:tc></w:tr>"
    doc = read(f"<w:tbl><w:tr><w:tc>{p('留')}</w:tc></w:tr>{row}</w:tbl>")
    assert doc.tables[0].rows == (("留",),) and doc.texts == ("留",)


def test_content_controls_block_and_inline() -> None:
    inline = (f"<w:p>{run('单位：')}<w:sdt><w:sdtPr><w:alias w:val='单位'/></w:sdtPr>"
              f"<w:sdtContent>{run('某某局')}</w:sdtContent></w:sdt></w:p>")
    block = f"<w:sdt><w:sdtPr/><w:sdtContent>{p('块内容')}</w:sdtContent></w:sdt>"
    assert read(inline + block).texts == ("单位：某某局", "块内容")


def test_field_results_kept_instructions_dropped() -> None:
    complex_field = (
        f"<w:p>{run('第')}<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r>"
        f"{run('3')}<w:r><w:fldChar w:fldCharType='end'/></w:r>{run('页')}</w:p>")
    simple = f"<w:p><w:fldSimple w:instr=' DATE '>{run('2013年7月')}</w:fldSimple></w:p>"
    nested = (
        "<w:p><w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>IF </w:instrText>"
        "</w:r><w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText>MERGEFIELD x</w:instrText></w:r>"
        f"<w:r><w:fldChar w:fldCharType='separate'/></w:r>{run('内层结果')}"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
        f"<w:r><w:fldChar w:fldCharType='separate'/></w:r>{run('外层结果')}"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>")
    assert read(complex_field + simple + nested).texts == ("第3页", "2013年7月", "外层结果")


def test_hyperlinks_breaks_and_tabs() -> None:
    body = (f"<w:p><w:hyperlink r:id='rId9'>{run('链接')}</w:hyperlink>"
            "<w:r><w:br/><w:t>下</w:t><w:cr/><w:t>行</w:t><w:tab/><w:t>列</w:t></w:r></w:p>")
    assert read(body).texts == ("链接\n下\n行\t列",)


def test_tab_stops_in_paragraph_properties_are_not_text() -> None:
    tabs = "<w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
    body = f"<w:p>{tabs}{run('正文')}</w:p>"
    assert read(body).texts == ("正文",)


def test_headers_footers_notes_comments_kept_apart() -> None:
    notes = ("<w:footnote w:type='separator' w:id='-1'><w:p><w:r><w:separator/></w:r></w:p>"
             f"</w:footnote><w:footnote w:id='1'>{p('脚注内容')}</w:footnote>")
    doc = read(
        p("正文"), headers=(p("页眉文字"),), footers=(p("页脚文字"),), footnotes=notes,
        endnotes=f"<w:endnote w:id='1'>{p('尾注内容')}</w:endnote>",
        comments=f"<w:comment w:id='0' w:author='督导组'>{p('批注内容')}</w:comment>",
    )
    assert doc.texts == ("正文",)
    assert (doc.headers, doc.footers) == (("页眉文字",), ("页脚文字",))
    assert (doc.footnotes, doc.endnotes, doc.comments) == (("脚注内容",), ("尾注内容",),
                                                           ("批注内容",))


def test_main_part_at_a_non_standard_path() -> None:
    doc = read(p("别处的主体"), main="content/body/main.xml", headers=(p("页眉"),))
    assert doc.texts == ("别处的主体",) and doc.headers == ("页眉",)


def test_style_names_resolved_from_styles_part() -> None:
    styles = ("<w:style w:type='paragraph' w:default='1' w:styleId='a'><w:name w:val='Normal'/>"
              "</w:style><w:style w:type='paragraph' w:styleId='1'><w:name w:val='heading 1'/>"
              "</w:style><w:style w:type='paragraph' w:styleId='a5'><w:name w:val='Title'/>"
              "</w:style>")
    doc = read(p("标题", style="a5") + p("一级", style="1") + p("正文"), styles=styles)
    assert [par.style for par in doc.paragraphs] == ["Title", "Heading 1", "Normal"]


def test_math_and_symbols() -> None:
    body = ("<w:p><m:oMath><m:r><m:t>x+1</m:t></m:r></m:oMath>"
            "<w:r><w:sym w:font='Wingdings' w:char='F0FC'/><w:sym w:char='2605'/></w:r></w:p>")
    assert read(body).texts == ("x+1★",)


def _python_docx_document() -> bytes:
    document = python_docx.Document()
    document.add_heading("关于征求意见建议的情况汇总", 0)
    document.add_paragraph("一、总体情况")
    document.add_paragraph("共征求意见建议12条。")
    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate([("序号", "意见内容", "提出方式"), ("1", "会议过多", "座谈会"),
                                  ("2", "公车私用", "意见箱")]):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    document.add_paragraph("第一条", style="List Number")
    document.add_paragraph("第二条", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_python_docx_document_matches_python_docx_view() -> None:
    data = _python_docx_document()
    doc = read_docx_bytes(data)
    reference = python_docx.Document(io.BytesIO(data))
    cells = [[cell.text for cell in row.cells] for table in reference.tables for row in table.rows]
    assert [list(row) for table in doc.tables for row in table.rows] == cells
    body = [par.text for par in doc.paragraphs if par.table is None]
    assert body[:3] == [par.text for par in reference.paragraphs][:3]
    assert body[3:] == ["1.\t第一条", "2.\t第二条"]
    assert doc.paragraphs[0].style == "Title"


def test_text_hash_survives_resaving_but_not_edits() -> None:
    data = _python_docx_document()
    resaved = io.BytesIO()
    document = python_docx.Document(io.BytesIO(data))
    document.core_properties.author = "另一人"
    document.save(resaved)
    first, second = read_docx_bytes(data), read_docx_bytes(resaved.getvalue())
    assert first.sha256 != second.sha256 and first.text_hash == second.text_hash
    document.add_paragraph("新增")
    edited = io.BytesIO()
    document.save(edited)
    assert read_docx_bytes(edited.getvalue()).text_hash != first.text_hash


@pytest.mark.parametrize("markup", ["<w:customXml w:element='x'>{}</w:customXml>",
                                    "<w:ins w:id='1'>{}</w:ins>"])
def test_transparent_block_wrappers(markup: str) -> None:
    assert read(markup.format(p("包裹内"))).texts == ("包裹内",)
