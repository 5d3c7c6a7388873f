"""Builders for the document types units submit, from the text pool.

Each builder returns a ``Built``: the blocks to write, the items the document carries with the
category each was written for, and the facts a check should find (plan elements left out, study
evidence missing, rectification rows without owner or deadline).  ``target`` is the number of
characters to aim for; the scale corpus asks for more, the sample inbox for a page or three.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from docxwriter import Block, Para, Table
from textpool import Deck, Pool, chinese_number, fill, person, traditional, vary

# Element and point names as the campaign configuration spells them, so that the manifest can be
# compared with the checks' output directly.
PLAN_ELEMENTS = (
    "指导思想",
    "目标任务",
    "第一环节（学习教育、听取意见）及时间安排",
    "第二环节（查摆问题、开展批评）及时间安排",
    "第三环节（整改落实、建章立制）及时间安排",
    "聚焦“四风”",
    "组织领导",
    "督导检查",
)
STUDY_POINTS = (
    "有计划",
    "有考勤",
    "有资料",
    "有笔记",
    "有体会",
    "人员落实",
    "时间落实",
    "内容落实",
    "效果落实",
)
# The points a study document can leave out without rewriting its tables and headings.
OMITTABLE_STUDY_POINTS = ("有考勤", "有笔记", "有体会", "效果落实")
_STAGES = (
    ("学习教育、听取意见", "2013年7月上旬至8月底", "plan_stage1"),
    ("查摆问题、开展批评", "2013年9月至10月中旬", "plan_stage2"),
    ("整改落实、建章立制", "2013年10月下旬至2014年1月", "plan_stage3"),
)
_WAYS = ("座谈会", "征求意见表", "个别谈话", "意见箱", "网上征求", "走访调研", "来信来电")


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    group: str
    batch: str = "第一批"
    aliases: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.aliases[0] if self.aliases else self.name


@dataclass(frozen=True, slots=True)
class Built:
    doc_type: str
    title: str
    date: str
    blocks: tuple[Block, ...]
    items: tuple[dict[str, str], ...]
    checks: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Style:
    """How a unit's clerk types: automatic or typed numbering, heading styles, roughness."""

    auto_numbering: bool = False
    heading_styles: bool = True
    traditional: bool = False
    arabic: str = "."  # the typed label after 1: "." "、" "．"
    spaces: float = 0.08
    half: float = 0.10
    trad: float = 0.04


class Ctx:
    """What every builder needs: randomness, the pool, a deck per run, the unit's style."""

    def __init__(self, rng: random.Random, pool: Pool, deck: Deck, unit: Unit, style: Style):
        self.rng, self.pool, self.deck, self.unit, self.style = rng, pool, deck, unit, style

    def fill(self, text: str) -> str:
        return fill(text, self.rng, self.unit.name, self.unit.short)

    def prose(self, section: str) -> str:
        return self.fill(self.rng.choice(self.pool.prose[section]))

    def all_prose(self, section: str) -> list[str]:
        return [self.fill(t) for t in self.pool.prose[section]]

    def draw(self, label: str, kind: str) -> str:
        return self.fill(self.deck.draw((label, kind), getattr(self.pool[label], kind)))

    def opinion_label(self) -> str:
        """Staff opinion lists mix everyday requests (the catch-all) with the four kinds."""
        cats = self.pool.categories
        weights = [0.30 if c.catch_all else 0.70 / (len(cats) - 1) for c in cats]
        return self.rng.choices([c.label for c in cats], weights)[0]

    def date(self, month: int, day_from: int = 1, day_to: int = 28) -> str:
        return f"2013-{month:02d}-{self.rng.randint(day_from, day_to):02d}"


class _Writer:
    """Accumulates blocks and items; numbers outline levels as typed text or as Word lists."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.blocks: list[Block] = []
        self.items: list[dict[str, str]] = []
        self.chars = 0
        self._counters = [0, 0, 0, 0]

    def _t(self, text: str) -> str:
        return traditional(text) if self.ctx.style.traditional else text

    def add(self, para: Para) -> None:
        self.blocks.append(para)
        self.chars += len(para.text)

    def title(self, text: str) -> None:
        self.add(Para(self._t(text), style="Title", indent=False))

    def para(self, text: str, **kw: object) -> None:
        self.add(Para(self._t(text), **kw))  # type: ignore[arg-type]

    def outline(self, text: str, level: int, *, heading: bool = False) -> None:
        """A paragraph at outline level 0 一、, 1 （一）, 2 1., 3 （1）."""
        style = self.ctx.style
        self._counters[level] += 1
        for deeper in range(level + 1, 4):
            self._counters[deeper] = 0
        sid = f"Heading{level + 1}" if heading and style.heading_styles and level < 3 else ""
        font = "" if sid or not heading else ("黑体", "楷体_GB2312", "", "")[level]
        text = self._t(text)
        if style.auto_numbering:
            self.add(Para(text, style=sid, font=font, numbering=(0, level, "outline")))
            return
        n = self._counters[level]
        label = (
            f"{chinese_number(n)}、",
            f"（{chinese_number(n)}）",
            f"{n}{style.arabic}",
            f"（{n}）",
        )[level]
        self.add(Para(label + text, style=sid, font=font, bold=heading and level == 2))

    def table(self, rows: Iterable[tuple[str, ...]], widths: tuple[int, ...] = ()) -> None:
        rows = tuple(tuple(self._t(c) for c in r) for r in rows)
        self.blocks.append(Table(rows, widths))
        self.chars += sum(len(c) for r in rows for c in r)

    def item(self, raw: str, label: str, where: str, **extra: str) -> str:
        """Roughen an item's text, record it with its category, return the text to write."""
        s = self.ctx.style
        text = vary(raw, self.ctx.rng, spaces=s.spaces, half=s.half, trad=s.trad)
        text = self._t(text)
        self.items.append({"text": text, "category": label, "where": where, **extra})
        return text

    def built(self, doc_type: str, title: str, date: str, **checks: object) -> Built:
        return Built(doc_type, self._t(title), date, tuple(self.blocks), tuple(self.items), checks)


def _month_day(day: int) -> tuple[int, int]:
    """Day 1 is 1 July 2013; months counted as 28 days (dates in registers need only look real)."""
    return 7 + (day - 1) // 28 % 6, (day - 1) % 28 + 1


def _strip_end(text: str) -> str:
    return text.rstrip("。；;.， ")


# ---------------------------------------------------------------- implementation plan, speech


def build_plan(ctx: Ctx, target: int = 0, missing: Iterable[str] = ()) -> Built:
    """实施方案 with the elements the approval check looks for, minus ``missing``; a missing
    stage element keeps its heading but loses its dates (the common real defect)."""
    gone = set(missing)
    w, u = _Writer(ctx), ctx.unit
    title = f"{u.name}党的群众路线教育实践活动实施方案"
    w.title(title)
    w.para(ctx.prose("plan_intro"))
    sections: list[tuple[str, Callable[[], None]]] = []

    def paras(section: str) -> Callable[[], None]:
        def write() -> None:
            for t in ctx.all_prose(section):
                w.para(t)

        return write

    def stages() -> None:
        w.para(
            f"活动自2013年7月开始，至2014年1月基本结束，分三个环节进行，{u.short}各处室同步推进。"
        )
        for (name, when, section), element in zip(_STAGES, PLAN_ELEMENTS[2:5], strict=True):
            w.outline(name if element in gone else f"{name}（{when}）", 1, heading=True)
            w.para(ctx.prose(section))

    if "指导思想" not in gone:
        sections.append(("指导思想", paras("plan_ideology")))
    if "目标任务" not in gone:
        sections.append(("目标要求", paras("plan_goals")))
    if "聚焦“四风”" not in gone:
        sections.append(("突出作风建设重点", paras("plan_focus")))
    sections.append(("方法步骤", stages))
    if "组织领导" not in gone:
        sections.append(("组织领导", paras("plan_organisation")))
    if "督导检查" not in gone:
        sections.append(("加强督导检查", paras("plan_supervision")))
    for heading, body in sections:
        w.outline(heading, 0, heading=True)
        body()
    if w.chars < target:  # long plans append a task table of the problems to address
        w.para(f"附件：{u.short}“四风”突出问题及整改任务分工表", indent=False, bold=True)
        rows = [("序号", "主要问题", "责任处室")]
        size = w.chars + 10
        while size < target:
            label = ctx.rng.choice(ctx.pool.problem_categories).label
            text = w.item(ctx.draw(label, "problem"), label, "table")
            rows.append((str(len(rows)), text, ctx.rng.choice(("办公室", "人事处", "财务处"))))
            size += sum(len(c) for c in rows[-1])
        w.table(rows, (900, 6244, 1700))
    order = [e for e in PLAN_ELEMENTS if e in gone]
    return w.built("实施方案", title, ctx.date(7, 1, 9), plan_missing=order)


def build_speech(ctx: Ctx, target: int = 0) -> Built:
    """动员讲话 by the party secretary; covers every approval element."""
    w, u = _Writer(ctx), ctx.unit
    title = f"在{u.name}党的群众路线教育实践活动动员大会上的讲话"
    date = ctx.date(7, 10, 15)
    w.title(title)
    w.para(f"党组书记  {person(ctx.rng)}", align="center", indent=False, font="楷体_GB2312")
    y, m, d = date.split("-")
    w.para(f"（{y}年{int(m)}月{int(d)}日）", align="center", indent=False, font="楷体_GB2312")
    w.para("同志们：", indent=False)
    speech = ctx.all_prose("speech")
    w.para(speech[0])
    w.outline("充分认识开展教育实践活动的重大意义", 0, heading=True)
    for t in speech[1:3]:
        w.para(t)
    w.outline("准确把握活动的目标要求和方法步骤", 0, heading=True)
    w.para(
        "这次活动的指导思想和目标要求，实施方案已经作了明确规定。活动分三个环节：学习教育、"
        "听取意见环节安排在7月上旬至8月底；查摆问题、开展批评环节安排在9月至10月中旬；"
        "整改落实、建章立制环节安排在10月下旬至明年1月。"
    )
    w.para(ctx.all_prose("plan_focus")[0])
    w.para(speech[3])
    w.outline("切实加强对教育实践活动的组织领导", 0, heading=True)
    for t in speech[4:7]:
        w.para(t)
    w.para("领导小组要加强统筹协调，主动接受自治区督导组的督导，对活动中发现的问题及时纠正。")
    while w.chars < target - len(speech[-1]):
        w.para(ctx.rng.choice(speech[1:7]))
    w.para(speech[-1])
    return w.built("动员讲话", title, date)


# ---------------------------------------------------------------- study plan, study record


def _study_points(ctx: Ctx, w: _Writer, missing: set[str]) -> None:
    sections = {
        "有计划": "study_plan",
        "有考勤": "study_attendance",
        "有资料": "study_material",
        "有笔记": "study_notes",
        "有体会": "study_reflection",
        "人员落实": "study_people",
        "时间落实": "study_time",
        "内容落实": "study_content",
        "效果落实": "study_effect",
    }
    for point, section in sections.items():
        if point not in missing:
            w.para(ctx.prose(section))


def build_study_plan(ctx: Ctx, target: int = 0, missing: Iterable[str] = ()) -> Built:
    """学习计划 with the 五有、四落实 evidence, minus ``missing``."""
    gone = set(missing)
    w, u = _Writer(ctx), ctx.unit
    title = f"{u.name}党的群众路线教育实践活动学习计划"
    w.title(title)
    w.para(ctx.fill(ctx.pool.prose["study_intro"][0]))
    w.outline("学习内容", 0, heading=True)
    for t in ctx.all_prose("study_topic"):
        w.outline(t, 2)
    w.outline("学习安排", 0, heading=True)
    rows = [("时间", "学习内容", "形式", "领学人")]
    topics = ctx.all_prose("study_topic")
    day = 5
    while len(rows) < 7 or (w.chars + 40 * len(rows) < target and len(rows) < 400):
        month, d = _month_day(day)
        rows.append(
            (
                f"{month}月{d}日",
                ctx.rng.choice(topics),
                ctx.rng.choice(("集中学习", "专题辅导", "交流研讨")),
                person(ctx.rng),
            )
        )
        day += ctx.rng.randint(3, 7)
    w.table(rows, (1500, 4344, 1500, 1500))
    w.outline("学习要求", 0, heading=True)
    _study_points(ctx, w, gone)
    order = [p for p in STUDY_POINTS if p in gone]
    return w.built("学习计划", title, ctx.date(7, 5, 12), study_missing=order)


def build_study_record(ctx: Ctx, target: int = 0, missing: Iterable[str] = ()) -> Built:
    """学习记录: a register of sessions plus the evidence paragraphs, minus ``missing``."""
    gone = set(missing)
    w, u = _Writer(ctx), ctx.unit
    title = f"{u.short}教育实践活动集中学习记录"
    w.title(title)
    w.para(ctx.fill(ctx.pool.prose["study_intro"][1]))
    header: tuple[str, ...] = ("学习时间", "学习地点", "学习内容", "主持人", "应到/实到")
    if "有考勤" not in gone:
        header += ("缺勤及补学",)
    rows = [header]
    topics = ctx.all_prose("study_topic")
    day = 6
    while len(rows) < 6 or (w.chars + 50 * len(rows) < target and len(rows) < 400):
        month, d = _month_day(day)
        due = ctx.rng.randint(20, 80)
        row: tuple[str, ...] = (
            f"2013年{month}月{d}日",
            ctx.rng.choice(("四楼会议室", "三楼会议室", "党员活动室")),
            ctx.rng.choice(topics),
            person(ctx.rng),
            f"{due}/{due - ctx.rng.randint(0, 4)}",
        )
        if "有考勤" not in gone:
            row += (ctx.rng.choice(("无", "出差1人，已补学", "请假2人，已补学", "病假1人")),)
        rows.append(row)
        day += ctx.rng.randint(3, 8)
    w.table(rows)
    w.outline("学习落实情况", 0, heading=True)
    _study_points(ctx, w, gone)
    order = [p for p in STUDY_POINTS if p in gone]
    return w.built("学习记录", title, ctx.date(8, 20, 28), study_missing=order)


# ---------------------------------------------------------------- opinion collection, forum


def build_opinions(ctx: Ctx, target: int = 1400, category_column: bool = False) -> Built:
    """意见建议汇总表: a table, one opinion a row; the category column is rare in real tables."""
    w, u = _Writer(ctx), ctx.unit
    title = ctx.rng.choice(
        (f"{u.name}党的群众路线教育实践活动意见建议汇总表", f"{u.short}征求意见建议梳理汇总表")
    )
    w.title(title)
    w.para(
        f"为广泛听取干部群众意见，{u.short}通过召开座谈会、发放征求意见表、设立意见箱、"
        "个别走访等方式征求意见建议，现将收集到的意见建议汇总如下。"
    )
    header: tuple[str, ...] = ctx.rng.choice(
        (("序号", "意见内容", "提出方式"), ("序号", "意见建议", "来源"))
    )
    header += ("类别",) if category_column else ()
    rows = [header]
    size = w.chars + sum(len(c) for c in header)
    while size < target or len(rows) < 6:
        label = ctx.opinion_label()
        raw = ctx.draw(label, "opinion")
        if ctx.rng.random() < 0.12:  # some rows join two opinions of one kind
            raw = _strip_end(raw) + "；" + ctx.draw(label, "opinion")
        row: tuple[str, ...] = (str(len(rows)), w.item(raw, label, "table"), ctx.rng.choice(_WAYS))
        rows.append(row + ((label,) if category_column else ()))
        size += sum(len(c) for c in rows[-1])
    widths = (700, 6044, 1400, 1000) if category_column else (800, 6544, 1500)
    w.table(rows, widths[: len(header)])
    w.para(f"{u.short}教育实践活动领导小组办公室", align="right", indent=False)
    return w.built("征求意见汇总", title, ctx.date(8, 10, 28))


def _inline(ctx: Ctx, w: _Writer, labels: list[str], kind: str) -> str:
    """一是……；二是……；三是…… with one item per part."""
    parts = []
    for i, label in enumerate(labels, 1):
        text = w.item(_strip_end(ctx.draw(label, kind)), label, "inline")
        parts.append(f"{chinese_number(i)}是{text}")
    return "；".join(parts) + "。"


def build_forum(ctx: Ctx, target: int = 1000) -> Built:
    """座谈会记录: a numbered list, speakers with 一是……二是……, and a section of other requests."""
    w, u = _Writer(ctx), ctx.unit
    rng = ctx.rng
    title = rng.choice((f"{u.short}征求意见座谈会记录", f"{u.short}基层代表和服务对象座谈会记录"))
    date = ctx.date(rng.choice((8, 9)))
    y, m, d = date.split("-")
    w.title(title)
    for line in (
        f"时间：{y}年{int(m)}月{int(d)}日上午",
        f"地点：{u.short}{rng.choice(('四楼', '三楼', '二楼'))}会议室",
        f"主持人：{person(rng)}（党组成员、副厅长）",
        f"记录人：{person(rng)}",
        f"参加人员：基层单位代表、服务对象代表、离退休干部代表等{rng.randint(12, 30)}人",
    ):
        w.para(line, indent=False)
    w.para("与会同志围绕领导班子和机关作风建设坦诚发言，现将主要意见整理如下：")
    four = [c.label for c in ctx.pool.problem_categories]
    other = next(c.label for c in ctx.pool.categories if c.catch_all)
    w.outline("对领导班子和领导干部的意见", 0, heading=True)
    for _ in range(rng.randint(3, 5)):
        label = rng.choice(four)
        w.outline(w.item(ctx.draw(label, "opinion"), label, "list"), 2)
    w.outline("对机关作风的意见", 0, heading=True)
    speakers = 0
    while speakers < 2 or (w.chars < target - 300 and speakers < 120):
        speakers += 1
        role = rng.choice(("财务处处长", "基层代表", "离退休干部代表", "服务对象代表", "普通干部"))
        lead = rng.choice(
            ("机关作风总体是好的，但也存在一些问题，", "我谈几点看法，", "我提几条意见，")
        )
        labels = [rng.choice(four) for _ in range(rng.randint(2, 3))]
        w.para(f"{person(rng)}（{role}）：{lead}" + _inline(ctx, w, labels, "opinion"))
    w.outline("其他意见建议", 0, heading=True)
    for _ in range(rng.randint(2, 4)):
        w.outline(w.item(ctx.draw(other, "opinion"), other, "list"), 1)
    return w.built("座谈会记录", title, date)


# ---------------------------------------------------------------- self-examination, rectification


def _problem_point(ctx: Ctx, label: str, parts: int) -> str:
    summary = ctx.draw(label, "summary")
    body = "".join(ctx.draw(label, "problem") for _ in range(parts))
    return f"{summary}{ctx.rng.choice(('。', '。', '：'))}{body}"


def build_selfexam(ctx: Ctx, target: int = 1800) -> Built:
    """对照检查材料: problems under one heading per category, a four-character summary and
    有的…… sentences per point; causes and next steps as plain prose."""
    w, u, rng = _Writer(ctx), ctx.unit, ctx.rng
    title = rng.choice(
        (f"{u.name}领导班子对照检查材料", f"{u.short}党组专题民主生活会对照检查材料")
    )
    w.title(title)
    w.para(
        f"按照教育实践活动的部署，{u.short}领导班子在广泛征求意见、深入谈心谈话的基础上，"
        "对照“四风”方面的突出问题，认真进行了查摆剖析，现报告如下。"
    )
    nested = rng.random() < 0.5  # 一、存在的问题 / （一）形式主义方面 / 1. …
    cats = ctx.pool.problem_categories
    per_cat = max(2, round(target / 190 / len(cats)))
    if nested:
        w.outline("“四风”方面存在的突出问题", 0, heading=True)
    for c in cats:
        heading = rng.choice((f"{c.label}方面", f"{c.label}方面的问题", f"在{c.label}方面"))
        w.outline(heading, 1 if nested else 0, heading=True)
        for _ in range(rng.randint(per_cat - 1, per_cat + 1)):
            text = w.item(
                _problem_point(ctx, c.label, rng.randint(1, 3)), c.label, "point", hint=c.label
            )
            w.outline(text, 2 if nested else 1)
    w.outline("产生问题的原因", 0, heading=True)
    for t in rng.sample(ctx.all_prose("cause"), 3):
        w.para(t)
    w.outline("下一步努力方向", 0, heading=True)
    w.para(ctx.prose("direction"))
    return w.built("对照检查材料", title, ctx.date(10, 8, 28))


def build_rectification(ctx: Ctx, target: int = 1000, gaps: tuple[int, int] = (1, 1)) -> Built:
    """整改方案 with a 问题/整改措施/责任人/完成时限 table; ``gaps`` rows lack an owner and a
    deadline respectively (the check must name them)."""
    w, u, rng = _Writer(ctx), ctx.unit, ctx.rng
    title = rng.choice(
        (f"{u.name}党的群众路线教育实践活动整改方案", f"{u.short}“四风”问题整改清单")
    )
    w.title(title)
    w.para(f"根据专题民主生活会查摆出的问题和群众意见建议，{u.short}制定本整改方案。")
    w.outline("总体要求", 0, heading=True)
    w.para(ctx.prose("plan_goals"))
    w.outline("整改任务清单", 0, heading=True)
    rows: list[tuple[str, ...]] = [
        (rng.choice(("问题", "存在问题")), "整改措施", "责任人", "完成时限")
    ]
    specs: list[tuple[str, str]] = []
    size = w.chars
    while len(specs) < 5 or size < target:
        label = rng.choice(ctx.pool.problem_categories).label
        problem = ctx.draw(label, "problem")
        if rng.random() < 0.5:
            problem = f"{ctx.draw(label, 'summary')}：{problem}"
        specs.append((problem, label))
        size += len(problem) + 60
    n = len(specs)
    no_owner = set(rng.sample(range(n), min(gaps[0], n)))
    no_deadline = set(rng.sample(range(n), min(gaps[1], n)))
    for i, (problem, label) in enumerate(specs):
        text = w.item(problem, label, "table")
        measure = ctx.draw(label, "measure")
        owner = (
            ""
            if i in no_owner
            else rng.choice(
                (
                    f"党组书记 {person(rng)}",
                    f"分管副厅长 {person(rng)}；办公室",
                    "人事处",
                    "机关党委、纪检组",
                )
            )
        )
        deadline = (
            ""
            if i in no_deadline
            else rng.choice(
                ("2013年12月底前", "2013年11月底前", "立行立改", "长期坚持", "2014年1月底前")
            )
        )
        rows.append((text, measure, owner, deadline))
    w.table(rows, (3200, 3344, 1300, 1000))
    w.outline("组织领导", 0, heading=True)
    w.para("党组书记是整改落实的第一责任人，班子成员按分工抓好分管领域的整改，整改情况向群众公开。")
    return w.built(
        "整改方案",
        title,
        ctx.date(11, 5, 28),
        rows=n,
        missing_owner=sorted(i + 1 for i in no_owner),
        missing_deadline=sorted(i + 1 for i in no_deadline),
    )


# ---------------------------------------------------------------- progress bulletin


def build_progress(
    ctx: Ctx, target: int = 0, issue: int = 1, counts: dict[str, int] | None = None
) -> Built:
    """工作简报: progress prose, the opinion tally if there is one, problems as 一是……二是……."""
    w, u, rng = _Writer(ctx), ctx.unit, ctx.rng
    date = ctx.date(min(7 + issue, 12))
    y, m, d = date.split("-")
    w.add(
        Para("工 作 简 报", align="center", bold=True, size=52, indent=False, font="方正小标宋简体")
    )
    w.para(f"第{issue}期", align="center", indent=False)
    w.para(f"{u.short}教育实践活动领导小组办公室　　　　{y}年{int(m)}月{int(d)}日", indent=False)
    title = rng.choice(
        (f"{u.short}扎实推进党的群众路线教育实践活动", f"{u.short}教育实践活动进展情况")
    )
    w.title(title)
    w.outline("工作开展情况", 0, heading=True)
    bulletin = ctx.all_prose("bulletin")
    for t in bulletin[:-1]:
        w.para(t)
    if counts:
        total = sum(counts.values())
        tally = "、".join(f"{label}方面{k}条" for label, k in counts.items())
        w.para(f"截至目前，{u.short}共征求意见建议{total}条，其中{tally}。")
    w.outline("群众反映的主要问题", 0, heading=True)
    four = [c.label for c in ctx.pool.problem_categories]
    rounds = 0
    while rounds < 1 or (w.chars < target - 200 and rounds < 60):
        rounds += 1
        labels = [rng.choice(four) for _ in range(rng.randint(2, 3))]
        lead = rng.choice(("从征求到的意见看，", "综合各方面意见，", "干部群众反映较多的问题，"))
        w.para(lead + _inline(ctx, w, labels, "opinion"))
    w.outline("下一步工作打算", 0, heading=True)
    w.para(bulletin[-1])
    return w.built("进展报告", title, date, issue=issue, opinion_counts=counts or {})


BUILDERS: dict[str, Callable[..., Built]] = {
    "实施方案": build_plan,
    "动员讲话": build_speech,
    "学习计划": build_study_plan,
    "学习记录": build_study_record,
    "征求意见汇总": build_opinions,
    "座谈会记录": build_forum,
    "对照检查材料": build_selfexam,
    "整改方案": build_rectification,
    "进展报告": build_progress,
}
