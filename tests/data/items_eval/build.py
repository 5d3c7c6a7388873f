# ruff: noqa: E501 - the annotated sentences read better unbroken
"""Write the documents of the item-splitting evaluation set (the .docx files only).

Run from the repository root:  .venv/bin/python tests/data/items_eval/build.py

The gold, ``expected.json``, is no longer written here: it was annotated by hand from these
documents by the item-boundary rules of docs/labelling.md (see ANNOTATION.md), so that the
documents, the rules and the splitter stay three separate things.  The ``I``/``C`` markers below
record what the writer of a document meant and are not the gold.

Every document is written here, by hand, in the layouts units really use.  A paragraph is given
as pieces: ``I(...)`` pieces are what the writer meant as opinions, ``C(...)`` pieces are context
or boilerplate, ``L(...)`` is a typed list label, ``d.point(...)`` is a problem point (a summary
and its "有的……" sentences, in one paragraph or one paragraph per sentence).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml

HERE = Path(__file__).resolve().parent
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass(frozen=True)
class I:  # noqa: E742 - short names keep the annotated text readable
    text: str


@dataclass(frozen=True)
class C:
    text: str


@dataclass(frozen=True)
class L:
    text: str


Piece = I | C | L | str


def _noisy(text: str) -> str:
    """Copy-paste noise: stray spaces between characters, half-width punctuation."""
    out = []
    for n, ch in enumerate(text):
        out.append(ch)
        if n % 7 == 3 and "\u4e00" <= ch <= "\u9fff":
            out.append(" ")
    return "".join(out).replace("，", ", ").replace("；", ";").replace("：", ":")


@dataclass
class Doc:
    file: str
    doc_type: str
    document: docx.document.Document = field(default_factory=docx.Document)
    items: list[str] = field(default_factory=list)
    noise: bool = False
    _num_id: int = 0

    def title(self, *lines: str) -> None:
        for line in lines:
            p = self.document.add_paragraph(line)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def p(self, *pieces: Piece, style: str | None = None) -> None:
        text = ""
        for piece in pieces:
            raw = piece if isinstance(piece, str) else piece.text
            if isinstance(piece, I):
                self.items.append(piece.text)
            text += _noisy(raw) if self.noise and not isinstance(piece, L) else raw
        self.document.add_paragraph(text, style=style)

    def point(self, label: str, summary: str, *sentences: str, separate: bool = False) -> None:
        """A problem point: summary and 有的 sentences, in one paragraph or one per sentence."""
        self.items.append(summary + "".join(sentences))
        if separate:
            self.p(L(label), C(summary))
            for s in sentences:
                self.p(C(s))
        else:
            self.p(L(label), C(summary), *(C(s) for s in sentences))

    def auto(self, level: int, *pieces: Piece) -> None:
        """A paragraph numbered by Word itself (chinese 一、 / （一） / 1. by level)."""
        if not self._num_id:
            self._num_id = _add_chinese_numbering(self.document)
        self.p(*pieces)
        ppr = self.document.paragraphs[-1]._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/>'
                             f'<w:numId w:val="{self._num_id}"/></w:numPr>'))

    def table(self, rows: Sequence[Sequence[str]], content: int | None = None,
              merged: Sequence[int] = (), expect: Sequence[str] | None = None,
              header: bool = True) -> None:
        """Rows of cell texts; ``merged`` rows span the table (section headings)."""
        width = max(len(r) for r in rows)
        t = self.document.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        for r, row in enumerate(rows):
            if r in merged:
                cell = t.cell(r, 0).merge(t.cell(r, width - 1))
                cell.text = row[0]
                continue
            for c, value in enumerate(row):
                t.cell(r, c).text = value
        if expect is not None:
            self.items += expect
        elif content is not None:
            self.items += [row[content] for r, row in enumerate(rows)
                           if (r > 0 or not header) and r not in merged and row[content].strip()]

    def save(self) -> dict[str, object]:
        self.document.core_properties.author = "docpipe"
        self.document.save(str(HERE / self.file))
        return {"file": self.file, "doc_type": self.doc_type, "items": self.items}


def _add_chinese_numbering(document: docx.document.Document) -> int:
    numbering = document.part.numbering_part.element
    ids = [int(n.get(f"{{{numbering.nsmap['w']}}}numId")) for n in numbering.findall(
        "{*}num")] or [0]
    num_id, abstract_id = max(ids) + 1, 90 + max(ids)
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
              ("decimal", "（%4）"), ("decimalEnclosedCircle", "%5")]
    lvl = "".join(
        f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for n, (fmt, text) in enumerate(levels))
    abstract = parse_xml(f'<w:abstractNum {W} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="multilevel"/>{lvl}</w:abstractNum>')
    first_num = numbering.find("{*}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}">'
                               f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


# ---------------------------------------------------------------- the documents

def d01() -> Doc:
    d = Doc("01_意见建议汇总表.docx", "征求意见汇总")
    d.title("自治区交通运输厅党的群众路线教育实践活动", "征求意见建议汇总表")
    d.p(C("按照活动领导小组的安排，我厅通过发放征求意见表、设立意见箱等方式广泛听取意见，现将收集到的意见汇总如下："))
    d.table([
        ["序号", "意见内容", "提出方式", "备注"],
        ["1", "厅机关会议过多，有的会议议题重复，基层单位负责人一周要往返厅里好几次。", "征求意见表", ""],
        ["2", "下发的文件层层转发，缺乏结合本行业实际的具体措施。", "意见箱", ""],
        ["3", "个别处室办事拖拉，项目审批材料退回多次都不一次性告知需要补充的内容。", "座谈会", "基层站所"],
        ["4", "希望改善职工食堂的伙食，增加午间休息的场所。", "意见箱", ""],
        ["5", "节日期间仍有下属单位以各种名义向上级送土特产，应坚决刹住。", "网上留言", ""],
        ["6", "建议领导干部多到偏远的养护站点走一走，了解一线职工的实际困难。", "座谈会", ""],
    ], content=1)
    d.p(C("交通运输厅教育实践活动领导小组办公室"))
    d.p(C("2013年8月5日"))
    return d


def d02() -> Doc:
    d = Doc("02_分类汇总.docx", "征求意见汇总")
    d.title("关于征求意见建议情况的分类汇总")
    d.table([
        ["序号", "意见建议", "来源"],
        ["一、形式主义方面（3条）"],
        ["1", "各类检查考核过多过频，基层疲于准备汇报材料。", "县局"],
        ["2", "调研安排走马观花，看点都是事先准备好的。", "群众来信"],
        ["3", "一些创建活动重牌子、重挂牌，实际效果不明显。", "座谈会"],
        ["二、官僚主义方面（2条）"],
        ["4", "个别领导干部作风霸道，开会时一言堂，听不进不同意见。", "个别谈话"],
        ["5", "群众来访反映的问题转来转去，长时间没有答复。", "信访"],
        ["三、享乐主义和奢靡之风方面（2条）"],
        ["6", "工作日中午仍有饮酒现象，下午上班精神不振。", "意见箱"],
        ["7", "办公用房装修标准偏高，会议室配备了高档家具。", "征求意见函"],
    ], content=1, merged=(1, 5, 8))
    return d


def d03() -> Doc:
    d = Doc("03_群众反映意见.docx", "征求意见汇总")
    d.title("基层群众反映的意见")
    d.table([
        ["1", "乡里办事要跑好几趟，窗口工作人员态度生硬，问多了就不耐烦。"],
        ["2", "驻村干部来了就走，很少在村里住下来，村民有事找不到人。"],
        ["3", "扶贫项目验收只看台账和照片，不看群众是否真正受益。"],
        ["4", "村里通往镇上的道路年久失修，雨季出行困难，希望列入维修计划。"],
        ["5", "有的干部下乡吃喝由村里招待，增加了村集体的负担。"],
    ], content=1, header=False)
    return d


def d04() -> Doc:
    d = Doc("04_座谈会记录.docx", "座谈会记录")
    d.title("机关干部职工征求意见座谈会记录")
    d.p(C("时间：2013年7月26日上午"))
    d.p(C("地点：厅三楼会议室"))
    d.p(C("主持人：王明（机关党委书记）"))
    d.p(C("参加人员：各处室一般干部代表12人"))
    d.p(C("记录人：李华"))
    d.p(C("发言情况："))
    d.p(C("张新（财务处）："), I("厅里的报表太多，同一个数据不同处室反复要，每月光填表就要花好几天时间。"))
    d.p(C("刘洋（规划处）："), I("领导到基层调研时前呼后拥，陪同人员比调研对象还多，基层负担很重。"))
    d.p(C("陈静（办公室）："), C("我提两点意见。"), L("一是"),
        I("有的领导批评人不讲方式，当众训斥干部，影响工作积极性；"), L("二是"),
        I("请示件在领导之间传来传去，一个简单事项要签好几个人的字，效率太低。"))
    d.p(C("赵磊（人事处）："), I("希望组织多给年轻干部到基层锻炼的机会，同时解决一下单身职工的周转住房问题。"))
    d.p(C("会议最后，王明同志对大家提出的意见表示感谢，表示将认真梳理、逐条研究。"))
    return d


def d05() -> Doc:
    d = Doc("05_领导班子对照检查材料.docx", "对照检查材料")
    d.title("中共自治区农牧厅党组领导班子对照检查材料")
    d.p(C("按照区党委的统一部署，厅党组认真对照党章和中央八项规定，深入查摆“四风”方面的突出问题，现将对照检查情况报告如下。"))
    d.p(C("一、“四风”方面存在的突出问题"))
    d.p(C("（一）形式主义方面"))
    d.point("1．", "学风不正，学用脱节。",
            "有的班子成员理论学习满足于读文件、记笔记，学习心得照抄照搬，没有结合分管工作深入思考；",
            "有的同志在讲话中对政策理论说起来头头是道，落实到具体工作中却还是老办法、老套路。")
    d.point("2．", "文风会风不实。", "有的会议层层开、反复开，以会议落实会议，一些会议部署多、检查少；",
            "有的文件篇幅冗长，照搬上级精神，缺少可操作的措施。")
    d.p(C("（二）官僚主义方面"))
    d.point("1．", "深入基层不够。",
            "有的班子成员下基层以听汇报、看材料为主，到困难多、矛盾多的地方去得少，对农牧民群众的实际困难掌握不够。")
    d.p(L("2．"), I("对基层反映的问题回应不及时，一些需要多个处室配合的事项相互推诿，久拖不决。"))
    d.p(C("（三）享乐主义和奢靡之风方面"))
    d.p(L("1．"), I("厅机关个别办公用房超出标准，部分处室会议室装修讲究，存在一定程度的铺张。"))
    d.p(L("2．"), I("一些干部安于现状、不思进取，到艰苦边远地区挂职的积极性不高。"))
    d.p(C("二、产生问题的原因分析"))
    d.p(C("（一）理想信念有所弱化。"), C("班子成员对世界观、人生观、价值观改造抓得不紧，忽视了主观世界的改造。"))
    d.p(C("（二）宗旨意识有所淡化。"), C("一些同志把自己摆在群众之上，习惯于坐在办公室发号施令。"))
    d.p(C("三、今后的努力方向和整改措施"))
    d.p(L("（一）"), I("坚持每月一次中心组集中学习，每名班子成员每年撰写一篇有分量的调研报告。"))
    d.p(L("（二）"), I("严格控制会议和文件数量，全厅性会议每年压缩三分之一以上。"))
    d.p(L("（三）"), I("建立班子成员基层联系点制度，每人每年到联系点蹲点不少于十五天。"))
    d.p(C("中共自治区农牧厅党组"))
    d.p(C("2013年9月12日"))
    return d


def d06() -> Doc:
    d = Doc("06_个人对照检查材料.docx", "对照检查材料", noise=True)
    d.title("个人对照检查材料")
    d.p(C("根据厅党组的安排，本人认真查摆了自身在“四风”方面存在的问题，现报告如下："))
    d.p(C("形式主义方面："))
    d.p(I("本人平时忙于事务性工作，对理论学习重视不够，往往是工作需要时才临时翻一翻，学习缺乏系统性。"))
    d.p(I("下基层调研主题不够明确，有时看的多、问的少，调研报告对解决实际问题的针对性不强。"))
    d.p(C("官僚主义方面："))
    d.p(I("对分管处室的工作布置多、过问少，对一些群众反映强烈的问题跟踪督办不到位。"))
    d.p(C("享乐主义方面："))
    d.p(I("参加工作时间长了，进取精神有所减退，满足于按部就班完成任务，缺乏攻坚克难的劲头。"))
    d.p(C("奢靡之风方面："))
    d.p(I("对亲属和身边工作人员要求不够严格，接待中有时存在菜品超标的情况。"))
    d.p(C("以上是我的对照检查，请同志们批评指正。"))
    return d


def d07() -> Doc:
    d = Doc("07_对照检查_有的分段.docx", "对照检查材料")
    d.title("中共自治区卫生厅党组", "关于“四风”问题的对照检查材料")
    d.p(C("一、存在的主要问题"))
    d.point("1．", "服务意识不强，群众观念淡薄。",
            "有的干部对前来办事的基层医疗机构人员态度冷淡，询问时只说不清楚、不归我管。",
            "有的处室对基层报送的请示长期压着不办，也不说明原因。", separate=True)
    d.point("2．", "检查评比过多，基层负担较重。",
            "有的业务检查内容相近却由不同处室分别组织，医院一年要迎接二十多次检查。",
            "有的考核把资料是否齐全作为主要依据，医院不得不抽调医护人员专门整理档案。", separate=True)
    d.point("3．", "厉行节约做得不够。",
            "有的下属单位举办学术会议选在风景区的高档酒店，会议费用明显偏高。", separate=True)
    d.p(C("二、原因分析"))
    d.p(C("宗旨意识树得不牢，对“四风”危害认识不足，制度执行不够严格。"))
    return d


def d08() -> Doc:
    d = Doc("08_整改台账.docx", "整改方案")
    d.title("自治区水利厅领导班子“四风”问题整改台账")
    d.table([
        ["序号", "存在问题", "整改措施", "责任领导", "完成时限"],
        ["1", "会议多、文件多，以会议落实会议的现象仍然存在。", "全面清理各类会议和文件，能合并的合并，能不发的不发。", "厅长", "2013年12月底"],
        ["2", "深入基层调研不够，对重点水利工程一线情况掌握不全面。", "班子成员每人确定一个基层联系点，每季度至少蹲点一次。", "各班子成员", "长期坚持"],
        ["3", "个别工程建设项目审批环节多、时间长。", "梳理审批流程，压缩审批时限，推行限时办结。", "", "2014年3月底"],
        ["4", "公务用车管理不够规范，存在公车私用的情况。", "完善公车使用登记制度，节假日公车一律封存。", "分管副厅长", ""],
    ], content=1)
    return d


def d09() -> Doc:
    d = Doc("09_整改方案_条文.docx", "整改方案")
    d.title("中共自治区教育厅党组关于教育实践活动的整改方案")
    d.p(C("一、指导思想"))
    d.p(C("坚持以问题为导向，着力解决“四风”方面群众反映强烈的突出问题，做到立行立改、即知即改。"))
    d.p(C("二、整改任务"))
    d.p(L("（一）"), C("针对文山会海问题"))
    d.p(L("1．"), I("严格执行会议审批制度，全厅性会议每年不超过四次。责任领导：办公室分管副厅长；完成时限：2013年12月底。"))
    d.p(L("2．"), I("精简各类简报，厅机关简报由十二种压减到四种。"))
    d.p(C("责任处室：办公室"))
    d.p(L("（二）"), C("针对服务基层不到位问题"))
    d.p(L("1．"), I("建立基层学校反映问题台账，做到件件有回音、事事有着落。责任领导：分管副厅长；完成时限：长期坚持。"))
    d.p(C("三、保障措施"))
    d.p(C("厅党组对整改工作负总责，主要负责同志为第一责任人。"))
    return d


def d10() -> Doc:
    d = Doc("10_简报第5期.docx", "进展报告")
    d.title("教育实践活动简报", "第5期")
    d.p(C("自治区财政厅教育实践活动领导小组办公室        2013年8月30日"))
    d.p(C("一、主要做法"))
    d.p(C("厅党组坚持领导带头，班子成员分别到分管处室和基层单位开展座谈，共召开座谈会12场，发放征求意见表300余份。"))
    d.p(C("二、查找出的主要问题"))
    d.p(L("（一）"), I("会议文件偏多，部分会议内容空泛，缺乏具体的落实要求。"))
    d.p(L("（二）"), I("少数干部服务意识不强，对基层来人来电答复不够耐心细致。"))
    d.p(L("（三）"), I("财政资金拨付环节偏多，部分项目资金到位迟缓，影响工程进度。"))
    d.p(C("三、下一步工作打算"))
    d.p(C("认真梳理汇总意见建议，做好查摆问题、开展批评环节的各项准备工作。"))
    return d


def d11() -> Doc:
    d = Doc("11_实施方案.docx", "实施方案")
    d.title("中共自治区商务厅党组", "关于深入开展党的群众路线教育实践活动的实施方案")
    d.p(C("根据中央和区党委的部署，结合我厅实际，制定本方案。"))
    d.p(C("一、指导思想"))
    d.p(C("以为民务实清廉为主要内容，以“照镜子、正衣冠、洗洗澡、治治病”为总要求，集中解决“四风”问题。"))
    d.p(C("二、方法步骤"))
    d.p(C("（一）学习教育、听取意见。"), C("7月中旬至8月下旬，组织干部职工集中学习，广泛征求意见。"))
    d.p(C("（二）查摆问题、开展批评。"), C("9月上旬至10月中旬，召开专题民主生活会。"))
    d.p(C("（三）整改落实、建章立制。"), C("10月下旬至12月，制定整改方案，建立长效机制。"))
    d.p(C("三、组织领导"))
    d.p(C("成立厅教育实践活动领导小组，由厅党组书记任组长。"))
    return d


def d12() -> Doc:
    d = Doc("12_动员讲话.docx", "动员讲话")
    d.title("扎实开展教育实践活动 切实改进机关作风", "——在自治区民政厅党的群众路线教育实践活动动员大会上的讲话")
    d.p(C("同志们："))
    d.p(C("今天召开全厅动员大会，主要任务是传达中央和区党委精神，对我厅教育实践活动进行动员部署。下面，我讲三点意见。"))
    d.p(C("一、充分认识开展教育实践活动的重大意义"))
    d.p(C("开展教育实践活动，是保持党的先进性和纯洁性的重要举措，全厅上下要统一思想、提高认识。"))
    d.p(C("二、准确把握我厅存在的突出问题"))
    d.p(C("（一）形式主义方面的问题"))
    d.p(I("一些处室热衷于开会发文，工作落实停留在纸面上，救助政策宣传多、兑现慢。"))
    d.p(C("（二）官僚主义方面的问题"))
    d.p(I("个别干部对困难群众求助敷衍应付，能办的事拖着不办，群众意见较大。"))
    d.p(C("三、加强领导，确保活动取得实效"))
    d.p(C("各级党组织要把活动作为当前的一项重要政治任务，主要负责同志要亲自抓、负总责。"))
    d.p(C("同志们，让我们以良好的精神状态投入到教育实践活动中去！"))
    return d


def d13() -> Doc:
    d = Doc("13_学习计划.docx", "学习计划")
    d.title("机关党支部教育实践活动学习计划")
    d.p(C("为认真落实“五有、四落实”要求，结合支部实际，制定如下学习计划。"))
    d.table([
        ["时间", "学习内容", "学习形式", "领学人"],
        ["7月第三周", "学习党章和党的十八大报告", "集中学习", "支部书记"],
        ["7月第四周", "学习《论群众路线——重要论述摘编》", "自学与交流", "支部委员"],
        ["8月第一周", "观看警示教育片并开展讨论", "集中观看", "纪检委员"],
    ])
    d.p(C("每次学习做好考勤登记，党员每人记录学习笔记不少于一万字。"))
    return d


def d14() -> Doc:
    d = Doc("14_学习心得.docx", "学习记录")
    d.title("学习群众路线有关论述的心得体会")
    d.p(C("通过近一个月的集中学习，我对党的群众路线有了更深刻的认识。"))
    d.p(C("一、群众路线是党的生命线。"), C("只有始终同人民群众保持血肉联系，党才能赢得群众的信任和支持。"))
    d.p(C("二、改进作风要从自身做起。"), C("作为一名普通干部，要把为群众办实事落实到每一项日常工作中。"))
    d.p(C("总之，我将把学习成果转化为做好本职工作的实际行动。"))
    return d


def d15() -> Doc:
    d = Doc("15_自动编号意见.docx", "征求意见汇总")
    d.title("基层单位意见建议梳理")
    d.auto(0, C("形式主义方面"))
    d.auto(2, I("上级布置的任务只注重材料报送，报送的材料越来越厚，实际工作反而没有时间做。"))
    d.auto(2, I("一些督查组到基层只看会议记录和图片资料，不看工作的实际成效。"))
    d.auto(0, C("官僚主义方面"))
    d.auto(2, I("个别业务处室对基层请示答复慢，一件事往往要等一两个月。"))
    d.auto(2, I("有的领导干部不愿听取不同意见，决策拍脑袋，出了问题不承担责任。"))
    d.auto(0, C("其他方面"))
    d.auto(2, I("希望加大对基层站所办公设备的投入，更换已经老化的电脑。"))
    return d


def d16() -> Doc:
    d = Doc("16_一是二是意见.docx", "征求意见汇总")
    d.title("关于对厅领导班子意见建议的汇总")
    d.p(C("经过认真梳理，干部群众对厅领导班子的意见建议主要集中在以下几个方面："))
    d.p(L("一、"), C("在改进会风文风方面。"), L("一是"), I("会议时间偏长，讲话稿照本宣科；"), L("二是"),
        I("印发的文件数量多，很多文件没有实质性内容；"), L("三是"), I("会议通知发得太急，基层往往来不及准备。"))
    d.p(L("二、"), C("在联系服务群众方面。"), L("一是"), I("领导干部到基层单位次数少，和普通职工面对面交流的机会不多；"),
        L("二是"), I("一些关系职工切身利益的事项决策前征求意见不够充分。"))
    d.p(L("三、"), C("在厉行节约方面。"), I("建议进一步压缩公务接待和出国考察费用，并定期向职工公开。"))
    return d


def d17() -> Doc:
    d = Doc("17_分号意见.docx", "征求意见汇总")
    d.title("离退休干部座谈会意见建议汇总")
    d.p(C("8月2日，厅机关召开离退休干部座谈会，与会老同志对厅党组提出了中肯的意见建议。"))
    d.p(C("老同志们认为："), I("部分在职干部工作作风漂浮，深入群众的时间越来越少"), C("；"),
        I("有的年轻干部怕吃苦，不愿到条件艰苦的基层单位工作"), C("；"),
        I("机关节日慰问时，礼品的档次有所攀升，应当回归简朴"), C("。"))
    d.p(C("希望："), I("厅党组每年至少召开一次离退休干部情况通报会"), C("；"),
        I("在医疗报销和住院方面给予老同志更多的便利"), C("。"))
    return d


def d18() -> Doc:
    d = Doc("18_噪声标点.docx", "征求意见汇总", noise=True)
    d.title("征 求 意 见 汇 总")
    d.p(L("(1) "), I("窗口单位办事程序繁琐，群众反映要提交的证明材料过多。"))
    d.p(L("(2)"), I("对基层反映问题的来信，个别部门只转不办，没有结果反馈。"))
    d.p(L("3) "), I("部分干部上班时间用电脑炒股、玩游戏，工作纪律松弛。"))
    d.p(L("4 ."), I("年底突击花钱现象仍然存在，办公用品采购价格偏高。"))
    return d


def d19() -> Doc:
    d = Doc("19_首先其次意见.docx", "座谈会记录")
    d.title("基层站所负责人座谈会纪要")
    d.p(C("7月30日，厅领导主持召开基层站所负责人座谈会，与会人员围绕“四风”问题踊跃发言，主要意见归纳如下："))
    d.p(L("首先，"), I("上级安排的各类评比达标活动太多，基层要应付大量的材料和迎检工作。"))
    d.p(L("其次，"), I("个别机关干部到基层检查工作时盛气凌人，对基层的困难不闻不问。"))
    d.p(L("最后，"), I("希望适当提高高海拔站点职工的生活补助标准，解决职工子女上学难的问题。"))
    d.p(C("与会同志表示，将以这次座谈会为契机，进一步改进工作作风。"))
    return d


def d20() -> Doc:
    d = Doc("20_圈码意见.docx", "征求意见汇总")
    d.title("下属单位反馈意见汇总")
    d.p(C("（一）关于形式主义问题"))
    d.p(L("①"), I("一些工作部署停留在开会、发文层面，缺少跟踪问效。"))
    d.p(L("②"), I("信息报送要求过多，有的信息一天要求上报两次。"))
    d.p(C("（二）关于奢靡之风问题"))
    d.p(L("③"), I("个别单位举办庆典活动规模过大，租用了豪华的场地和设备。"))
    return d


def d21() -> Doc:
    d = Doc("21_征求意见表_表单.docx", "征求意见汇总")
    d.title("党的群众路线教育实践活动征求意见表")
    d.table([
        ["单位", "自治区林业厅"],
        ["填表人", "（可不署名）"],
        ["意见建议", "1．厅机关个别处室工作人员对基层来电态度冷淡，经常让人多次打电话才能办结事项。\n"
                 "2．林区检查站的执勤车辆老旧，希望尽快更新。\n"
                 "3．部分领导干部在林区调研时安排的接待规格偏高。"],
    ], expect=[
        "厅机关个别处室工作人员对基层来电态度冷淡，经常让人多次打电话才能办结事项。",
        "林区检查站的执勤车辆老旧，希望尽快更新。",
        "部分领导干部在林区调研时安排的接待规格偏高。",
    ])
    return d


def d22() -> Doc:
    d = Doc("22_标题样式意见.docx", "征求意见汇总")
    d.title("群众意见梳理情况")
    d.p(C("形式主义方面的意见"), style="Heading 1")
    d.p(I("各种工作群、政务平台要求每天打卡和晒工作照片，基层干部把大量精力用在留痕上。"))
    d.p(I("有的调研报告数据多年不变，明显是抄来抄去。"))
    d.p(C("享乐主义方面的意见"), style="Heading 1")
    d.p(I("部分干部上班迟到早退，中午休息时间过长，下午上班时办公室里找不到人。"))
    d.p(C("其他方面的意见"), style="Heading 1")
    d.p(I("建议在机关院内增设停车位，解决职工和来访群众停车难的问题。"))
    return d


def d23() -> Doc:
    d = Doc("23_民主评议意见.docx", "座谈会记录")
    d.p(L("1、"), I("班子成员之间沟通不够，有些事情在会上定了会下还在争论。"))
    d.p(L("2、"), I("干部选拔任用工作透明度不高，希望进一步扩大民主。"))
    d.p(L("3、"), I("单位食堂卫生条件较差，建议加强管理。"))
    d.p(L("4、"), I("对外出考察学习的审批应当从严，防止借考察之名游山玩水。"))
    return d  # no title: the file name tells the type


def d24() -> Doc:
    d = Doc("24_进展情况报告.docx", "进展报告")
    d.title("自治区科技厅关于党的群众路线教育实践活动进展情况的报告")
    d.p(C("区党委第三督导组："))
    d.p(C("现将我厅教育实践活动第一环节进展情况报告如下："))
    d.p(C("一、学习教育开展情况"))
    d.p(C("全厅共组织集中学习8次，党员干部撰写心得体会120余篇。"))
    d.p(C("二、征求意见情况"))
    d.p(C("通过多种方式共征求到意见建议86条，经梳理归纳为32条。"))
    d.p(C("三、存在的主要问题"))
    d.p(I("科研项目评审环节多、周期长，科研人员大量时间花在填表和报账上。"))
    d.p(I("个别处室对企业和科研单位的咨询答复不及时，服务意识有待增强。"))
    d.p(C("特此报告。"))
    d.p(C("自治区科技厅"))
    d.p(C("2013年8月28日"))
    return d


def d25() -> Doc:
    d = Doc("25_单元格多条.docx", "征求意见汇总")
    d.title("各处室征求意见情况汇总表")
    d.table([
        ["处室", "意见建议", "条数"],
        ["办公室", "1.公文运转环节过多，一份文件流转要一周以上。\n2.会议室预订管理混乱，经常出现冲突。", "2"],
        ["计划处", "项目资金下达后跟踪检查不够，有的项目几年都未完工。", "1"],
        ["人事处", "（1）年度考核流于形式，优秀等次轮流坐庄。\n（2）培训内容与实际工作联系不紧密。", "2"],
    ], expect=[
        "公文运转环节过多，一份文件流转要一周以上。",
        "会议室预订管理混乱，经常出现冲突。",
        "项目资金下达后跟踪检查不够，有的项目几年都未完工。",
        "年度考核流于形式，优秀等次轮流坐庄。",
        "培训内容与实际工作联系不紧密。",
    ])
    return d


def d26() -> Doc:
    d = Doc("26_自动编号对照检查.docx", "对照检查材料")
    d.title("党支部对照检查材料")
    d.auto(0, C("存在的问题"))
    d.auto(1, C("形式主义方面"))
    d.auto(2, I("学习流于形式。有的党员参加集中学习只是签个到，学习笔记抄写应付。"
                "有的党员学习后不思考、不运用，学习与工作两张皮。"))
    d.auto(1, C("官僚主义方面"))
    d.auto(2, I("支部对党员的日常管理偏松，批评与自我批评开展得不够经常。"))
    d.auto(0, C("原因分析"))
    d.p(C("支部书记抓党建的主体责任意识不强，对作风问题的危害性认识不足。"))
    return d


def d27() -> Doc:
    d = Doc("27_第一第二意见.docx", "征求意见汇总")
    d.title("服务对象意见建议")
    d.p(C("在征求服务对象意见过程中，企业代表提出了以下意见建议："))
    d.p(L("第一，"), I("行政审批事项公开不够，办事指南写得不清楚，企业常常要来回跑。"))
    d.p(L("第二，"), I("部分工作人员对政策解释前后不一致，企业无所适从。"))
    d.p(L("第三，"), I("希望定期举办政策宣讲会，帮助企业及时了解新出台的扶持政策。"))
    return d


def d28() -> Doc:
    d = Doc("28_谈话记录.docx", "座谈会记录")
    d.title("个别谈话记录")
    d.p(C("谈话对象：某处室副处长"))
    d.p(C("谈话人：督导组成员"))
    d.p(C("主要内容："))
    d.p(I("厅里一些重大事项决策前论证不充分，有时主要领导一个人说了算"), C("；"),
        I("机关干部交流轮岗制度执行不到位，有的同志在一个岗位上干了十多年"), C("；"),
        I("个别领导干部周末经常以调研为名到外地景区活动"), C("。"))
    return d


def d29() -> Doc:
    d = Doc("29_附件意见.docx", "征求意见汇总")
    d.p(C("林办发〔2013〕15号"))
    d.title("关于报送征求意见建议情况的函")
    d.p(C("区党委教育实践活动办公室："))
    d.p(C("根据区党委教育实践活动办公室的通知要求，现将我单位征求意见建议情况报送如下："))
    d.p(I("基层反映各类报表统计口径不统一，重复填报的问题突出。"))
    d.p(I("希望简化出差报销手续，减少不必要的签字审批环节。"))
    d.p(I("部分干部在对外接待中仍存在陪餐人数超标的问题。"))
    d.p(C("附件：征求意见表（12份）"))
    d.p(C("自治区林业厅办公室"))
    d.p(C("2013年8月9日"))
    return d


def d30() -> Doc:
    d = Doc("30_讲话附问题清单.docx", "动员讲话")
    d.title("在全局教育实践活动动员会上的讲话")
    d.p(C("同志们："))
    d.p(C("根据区党委的统一安排，今天我们召开动员会，全面启动我局的教育实践活动。"))
    d.p(C("一、提高思想认识"))
    d.p(C("全局党员干部要深刻认识开展活动的重要性和紧迫性，增强参加活动的自觉性。"))
    d.p(C("二、明确目标任务"))
    d.p(C("要把解决“四风”问题作为活动的重中之重，真正让群众看到变化。"))
    d.p(C("附：前期征求到的主要问题"))
    d.table([
        ["序号", "问题表现"],
        ["1", "局机关下发的通知要求过多，基层所每周都要报送各类材料。"],
        ["2", "个别科室对群众来电来访推诿扯皮，群众反映办事难。"],
    ], content=1)
    return d


# ---- written after the rules were frozen, to check they carry over (see HELD_OUT)

def d31() -> Doc:
    d = Doc("31_对照检查_冒号概括.docx", "对照检查材料")
    d.title("县扶贫办领导班子对照检查材料")
    d.p(C("一、存在的突出问题"))
    d.p(C("（一）形式主义问题"))
    d.p(L("1."), C("工作落实方面："), I("有的扶贫项目前期论证不充分，建成后长期闲置；"
                                   "有的帮扶干部入户走访只填表格不解决问题，群众说“干部来了一阵风”。"))
    d.p(L("2."), C("统计数据方面："), I("有的乡镇为了完成脱贫指标，在贫困户收入测算上做“加法”，数据与实际不符。"))
    d.p(C("（二）享乐主义问题"))
    d.p(L("1."), I("班子个别成员下乡多是当天往返，很少在贫困村住下来，吃不了苦。"))
    d.p(C("二、原因剖析"))
    d.p(C("对扶贫工作的长期性、艰巨性认识不足，考核导向上重数量轻质量。"))
    return d


def d32() -> Doc:
    d = Doc("32_意见分类表.docx", "征求意见汇总")
    d.title("教育实践活动意见建议分类梳理表")
    d.table([
        ["序号", "问题类别", "具体问题", "提出对象"],
        ["1", "形式主义", "安全检查一个月来好几拨，内容大同小异，企业不堪其扰。", "企业"],
        ["2", "官僚主义", "行政许可办理要求提供的证明中有一些是本部门就能查询到的。", "群众"],
        ["3", "奢靡之风", "部分所属单位年终总结会安排在外地召开，费用较高。", "干部"],
        ["4", "其他", "建议增加业务培训的次数，特别是新出台法规的解读。", "干部"],
    ], content=2)
    return d


def d33() -> Doc:
    d = Doc("33_青年干部座谈.docx", "座谈会记录")
    d.title("青年干部座谈会会议记录")
    d.p(C("时间：2013年8月6日下午"))
    d.p(C("主持人：厅机关团委书记"))
    d.p(I("大家认为，机关里论资排辈的风气仍然存在，年轻人干得再好也难以得到重用。"))
    d.p(I("有同志提出，机关加班多是因为临时性任务多，计划性不强，希望领导布置工作时能统筹安排。"))
    d.p(C("针对会风问题，与会青年提出："), L("一是"), I("开会应当开短会、讲短话，不要层层陪会"), C("，"),
        L("二是"), I("会议材料能网上传阅的就不要印成纸质材料"), C("。"))
    return d


def d34() -> Doc:
    d = Doc("34_问题整改清单.docx", "整改方案")
    d.title("局党组班子“四风”问题整改清单")
    d.table([
        ["序号", "问题", "整改措施", "责任人", "时限"],
        ["形式主义方面"],
        ["1", "以文件落实文件，发文数量居高不下。", "发文数量比上年减少百分之三十。", "局长", "2013年底"],
        ["官僚主义方面"],
        ["2", "对基层所的困难了解不深，帮助解决不够。", "建立局领导联系基层所制度。", "", "2013年11月"],
        ["3", "个别科室办事推诿扯皮。", "推行首问负责制和限时办结制。", "副局长", ""],
    ], content=1, merged=(1, 3))
    return d


def d35() -> Doc:
    d = Doc("35_第二环节简报.docx", "进展报告")
    d.title("教育实践活动工作简报")
    d.p(C("（第8期）"))
    d.p(C("一、第二环节工作推进情况"))
    d.p(C("各党支部召开了专题组织生活会，党员之间开展了谈心谈话共计230余人次。"))
    d.p(C("二、存在的问题和不足"))
    d.p(L("（一）"), I("个别支部批评与自我批评辣味不足，自我批评多、相互批评少，提的意见多是工作建议。"))
    d.p(L("（二）"), I("少数党员查摆问题不深刻，把问题归结为工作忙、时间紧等客观原因。"))
    d.p(C("三、下一步工作安排"))
    d.p(C("督促各支部认真整改，对查摆问题不深刻的要求重新查摆。"))
    return d


def d36() -> Doc:
    d = Doc("36_征求意见回函.docx", "征求意见汇总")
    d.title("对县委领导班子的意见建议")
    d.p(C("县委教育实践活动领导小组："))
    d.p(C("收到征求意见函后，我局组织班子成员进行了认真讨论，提出如下意见建议："))
    d.p(L("一、"), I("县里召开的各类会议过多，乡镇和部门主要负责同志经常被会议“拴住”，没有时间抓落实。"))
    d.p(L("二、"), I("县直部门对乡镇的考核名目繁多，建议进行清理整合。"))
    d.p(L("三、"), I("建议县委领导到偏远乡村调研时少带随行人员，不搞层层陪同。"))
    d.p(C("县农业局"))
    d.p(C("2013年8月12日"))
    return d


HELD_OUT = ("31_", "32_", "33_", "34_", "35_", "36_")

BUILDERS = [d01, d02, d03, d04, d05, d06, d07, d08, d09, d10, d11, d12, d13, d14, d15, d16, d17,
            d18, d19, d20, d21, d22, d23, d24, d25, d26, d27, d28, d29, d30,
            d31, d32, d33, d34, d35, d36]


def main() -> int:
    docs = [build().save() for build in BUILDERS]
    print(f"wrote {len(docs)} documents to {HERE} (expected.json is annotated by hand)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
