"""Shared fixtures: small .docx files built with python-docx, and an inbox made of them."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

# Keep Prefect's database, jieba's cache and models of test runs out of the user's folders.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# The model trained from the shipped data is kept between test sessions of this checkout.
_CHECKOUT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DOCPIPE_HOME", str(_CHECKOUT / ".cache" / "test-home"))

MakeDocx = Callable[..., Path]


def write_docx(
    path: Path,
    paragraphs: Sequence[str] = (),
    *,
    title: str = "",
    table: Sequence[Sequence[str]] | None = None,
    after: Sequence[str] = (),
) -> Path:
    """A .docx with an optional title, body paragraphs, an optional table, then more paragraphs."""
    from docx import Document

    doc = Document()
    if title:
        doc.add_paragraph(title, style="Title")
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    for text in after:
        doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


@pytest.fixture
def make_docx(tmp_path: Path) -> MakeDocx:
    def make(name: str, paragraphs: Sequence[str] = (), **kwargs: object) -> Path:
        return write_docx(tmp_path / name, paragraphs, **kwargs)  # type: ignore[arg-type]

    return make


OPINIONS = [
    ["序号", "意见内容", "提出方式"],
    [
        "1",
        "会议太多太长，有的会议一开就是半天，基层干部疲于应付，希望精简会议、压缩文件。",
        "座谈会",
    ],
    ["2", "个别窗口工作人员态度生硬，群众办事门难进、脸难看、事难办，来回跑了好几趟。", "意见箱"],
    ["3", "有的干部上班时间炒股、玩网络游戏，迟到早退现象时有发生，工作拖拉。", "征求意见函"],
    ["4", "单位节日期间用公款购买购物卡发放，接待超标准，公务用车超标配备。", "个别谈话"],
    ["5", "单位食堂饭菜品种单一，希望增加早餐供应时间，方便职工。", "意见箱"],
]


@pytest.fixture
def small_inbox(tmp_path: Path) -> Path:
    """Two known units, one folder missing from units.csv, a loose file and a bad file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "units.csv").write_text(
        "unit,group,batch,aliases\n自治区财政厅,第一督导组,第一批,财政厅\n"
        "自治区教育厅,第一督导组,第一批,教育厅\n自治区审计厅,第二督导组,第一批,\n",
        encoding="utf-8",
    )
    write_docx(
        inbox / "自治区财政厅" / "意见建议汇总表.docx",
        ["自治区财政厅征求意见建议汇总表"],
        table=OPINIONS,
    )
    write_docx(
        inbox / "自治区教育厅" / "座谈会记录.docx",
        [
            "自治区教育厅教育实践活动座谈会记录",
            "一、关于文风会风",
            "1.文件多、会议多，有的会议层层陪会，一些文件照抄照转上级文件，没有结合实际提出具体措施。",
            "2.调研走马观花，蜻蜓点水，只看准备好的点，调研报告写得很漂亮但问题没有解决。",
            "二、关于服务群众",
            "群众反映：一是审批环节多、时限长，一件事要盖十几个章；二是有的干部推诿扯皮，"
            "遇到难题绕着走；三是对群众来信不回复、不处理。",
        ],
    )
    write_docx(
        inbox / "自治区统计局" / "对照检查材料.docx",
        [
            "自治区统计局领导班子对照检查材料",
            "一、奢靡之风方面",
            "办公用房超标准，个别领导干部办公室面积超过规定标准近一倍，装修豪华。",
        ],
    )
    write_docx(
        inbox / "情况报告.docx",
        ["关于近期工作进展情况的报告", "本单位共召开座谈会3次，收集意见12条。"],
    )
    (inbox / "自治区财政厅" / "说明.docx").write_text(
        "这不是Word文件，只是改了扩展名。", encoding="utf-8"
    )
    return inbox
