"""One static HTML page per run: the picture a supervisor opens first, and the review pages.

No server, no network, no scripts: CSS and SVG charts are inline, so the folder can be mailed or
opened from a USB stick.  The units behind come first; charts are stacked bars of category counts
per group and per unit; the cards link to their lists.  The items needing a human decision are
listed most uncertain first, on pages of ``PAGE_SIZE`` under review/ (all of them, per group
and per unit: the filters are links, since the page runs no script).  Every number comes from
the ``ProgressReport`` the 督导进展报告 is written from, so the two always agree.  Each bar
segment carries ``data-*`` attributes (unit, category, count) for tools and tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from docpipe.outputs.locate import clerk_locator
from docpipe.outputs.progress import INBOX_ROOT, Campaign, ProgressReport, cn_date
from docpipe.records import ClassifiedItem, DocumentResult
from docpipe.taxonomy import Taxonomy

__all__ = ["render_dashboard"]

# Colour-blind-safe palette (Okabe-Ito), given to categories in taxonomy order.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#999999", "#E69F00", "#56B4E9",
            "#F0E442")
REVIEW_PREVIEW = 50  # most uncertain items shown on the dashboard itself
PAGE_SIZE = 200  # rows per review page
REVIEW_DIR = "review"
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:24px;
color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.meta{color:#555;margin-bottom:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:120px;
color:#222;text-decoration:none}a.card:hover{border-color:#0072B2}
nav{margin:8px 0;line-height:1.9}nav a{margin-right:10px}nav b{margin-right:10px}
.card b{display:block;font-size:24px}.card.alert b{color:#D55E00}
table{border-collapse:collapse;background:#fff;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right}
.legend span{display:inline-block;margin-right:14px;font-size:14px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
svg text{font-size:13px;fill:#222}
"""


def render_dashboard(
    report: ProgressReport,
    results: Sequence[DocumentResult],
    taxonomy: Taxonomy,
    campaign: Campaign,
) -> str:
    """The dashboard page as one HTML string."""
    labels = list(dict.fromkeys([*taxonomy.labels, *report.counts]))
    colours = {label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(labels)}
    behind = report.behind
    review = sorted_review(results)
    views = review_views(report, review)
    parts = [
        *_head(f"{campaign.name}督导看板"),
        f"<h1>{escape(campaign.name)}督导看板</h1>",
        f'<p class="meta">截至{cn_date(report.today)}，'
        f"{escape('当前环节：' + report.stage if report.stage else '活动尚未开始')}</p>",
        *(f'<p class="meta" id="notice">{escape(n)}</p>' for n in report.notices),
        '<div class="cards" id="totals">',
        _card("units", "单位", len(report.expected) if report.listed else len(report.units),
              "#chart-units"),
        _card("behind", "进度滞后", len(behind), "#behind", alert=bool(behind)),
        _card("documents", "收到文件", report.documents, "#chart-units"),
        _card("items", "意见、问题", report.items, "#chart-total"),
        _card("needs-review", "需人工研判", report.needs_review,
              f"{REVIEW_DIR}/{_page_name('all', 1)}" if review else "#review",
              alert=report.needs_review > 0),
        "</div>",
        f'<h2 id="behind-title">进度滞后单位（{len(behind)}个）</h2>',
        _table("behind", ("单位", "督导组", "逾期未报材料"),
               [(u.unit or INBOX_ROOT, u.group,
                 "、".join(f"{t}（{d.month}月{d.day}日前）" for t, d in u.overdue))
                for u in behind],
               empty="无滞后单位。" if report.listed else "未提供 units.csv，不判断进度滞后。"),
        "<h2>类别合计</h2>",
        _legend(labels, colours),
        _bars("chart-total", [("全部单位", report.counts)], labels, colours),
        _table("merged-counts", ("合并口径", "条数"),
               [(m, str(n)) for m, n in report.merged_counts.items()]),
        "<h2>各督导组类别分布</h2>",
        _legend(labels, colours),
        _bars("chart-groups", [(g.group, g.counts) for g in report.groups], labels, colours),
        "<h2>各单位类别分布</h2>",
        _legend(labels, colours),
        _bars("chart-units", [(u.unit or INBOX_ROOT, u.counts) for u in report.units], labels,
              colours),
        f"<h2>需人工研判的条目（{report.needs_review}条，把握最小的在前）</h2>",
        _filters(views, REVIEW_DIR + "/"),
        _review_table(review[:REVIEW_PREVIEW], ""),
        (f'<p>以上为把握最小的{REVIEW_PREVIEW}条；全部{len(review)}条见'
         f'<a href="{REVIEW_DIR}/{_page_name("all", 1)}">分页列表</a>，也可按督导组、单位筛选。</p>'
         if len(review) > REVIEW_PREVIEW else ""),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


Review = Sequence[tuple[DocumentResult, ClassifiedItem]]


@dataclass(frozen=True, slots=True)
class _View:
    key: str  # file name stem: "all", "group-01", "unit-007"
    name: str  # shown: 全部, 第一督导组, 自治区财政厅
    kind: str  # "all" | "group" | "unit"
    rows: Review


def sorted_review(results: Sequence[DocumentResult]) -> list[tuple[DocumentResult, ClassifiedItem]]:
    """Every item needing review, the least certain first (then in path order)."""
    review = [(r, ci) for r in results for ci in r.items if ci.prediction.needs_review]
    return sorted(review, key=lambda rc: _certainty(rc[1]))


def review_views(report: ProgressReport, review: Review) -> list[_View]:
    """The review list whole, per group and per unit (those with items), in report order."""
    group_of = {u.unit: u.group for u in report.units}
    views = [_View("all", "全部", "all", review)]
    for n, g in enumerate(report.groups, 1):
        rows = [rc for rc in review if group_of.get(_unit(rc), "") == g.group]
        if rows:
            views.append(_View(f"group-{n:02d}", g.group, "group", rows))
    for n, u in enumerate(report.units, 1):
        rows = [rc for rc in review if _unit(rc) == u.unit]
        if rows:
            views.append(_View(f"unit-{n:03d}", u.unit or INBOX_ROOT, "unit", rows))
    return views


def review_pages(report: ProgressReport, results: Sequence[DocumentResult],
                 campaign: Campaign) -> dict[str, str]:
    """review/<view>-<page>.html: every item needing review, PAGE_SIZE a page, each view."""
    views = review_views(report, sorted_review(results))
    pages: dict[str, str] = {}
    for view in views:
        count = max(1, -(-len(view.rows) // PAGE_SIZE))
        for page in range(1, count + 1):
            rows = view.rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
            title = f"需人工研判的条目 · {view.name}"
            pages[_page_name(view.key, page)] = "\n".join([
                *_head(f"{campaign.name} {title}"),
                '<p class="meta"><a href="../dashboard.html">← 返回督导看板</a></p>',
                f"<h1>{escape(title)}（{len(view.rows)}条，把握最小的在前）</h1>",
                _filters(views, "", current=view.key),
                _pager(view.key, page, count),
                _review_table(rows, "", start=(page - 1) * PAGE_SIZE),
                _pager(view.key, page, count),
                "</body></html>",
            ]) + "\n"
    return pages


def _head(title: str) -> list[str]:
    return [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
    ]


def _page_name(key: str, page: int) -> str:
    return f"{key}-{page:03d}.html"


def _filters(views: Sequence[_View], prefix: str, current: str = "") -> str:
    def link(v: _View) -> str:
        label = f"{escape(v.name)}（{len(v.rows)}）"
        if v.key == current:
            return f"<b>{label}</b>"
        return f'<a href="{prefix}{_page_name(v.key, 1)}">{label}</a>'

    rows = []
    for kind, name in (("all", "全部"), ("group", "按督导组"), ("unit", "按单位")):
        members = [v for v in views if v.kind == kind]
        if members and (kind != "all" or len(views) > 1 or current):
            rows.append(f"{name}：" + "".join(link(v) for v in members))
    return f'<nav class="filters">{"<br>".join(rows)}</nav>' if rows else ""


def _pager(key: str, page: int, count: int) -> str:
    if count <= 1:
        return ""
    links = [f"<b>{n}</b>" if n == page else f'<a href="{_page_name(key, n)}">{n}</a>'
             for n in range(1, count + 1)]
    if page > 1:
        links.insert(0, f'<a href="{_page_name(key, page - 1)}">上一页</a>')
    if page < count:
        links.append(f'<a href="{_page_name(key, page + 1)}">下一页</a>')
    return f'<nav class="pager">第{page}/{count}页：{"".join(links)}</nav>'


def _certainty(ci: ClassifiedItem) -> float:
    p = ci.prediction
    return p.probabilities.get(p.label, 0.0)


def _unit(rc: tuple[DocumentResult, ClassifiedItem]) -> str:
    result, ci = rc
    return result.info.unit if result.info else ci.item.unit


def _card(key: str, name: str, value: int, href: str, *, alert: bool = False) -> str:
    cls = "card alert" if alert else "card"
    return (f'<a class="{cls}" id="card-{key}" href="{escape(href)}">'
            f"<b>{value}</b>{escape(name)}</a>")


def _legend(labels: Sequence[str], colours: Mapping[str, str]) -> str:
    spans = "".join(f'<span><i style="background:{colours[label]}"></i>{escape(label)}</span>'
                    for label in labels)
    return f'<div class="legend">{spans}</div>'


def _bars(chart_id: str, rows: Sequence[tuple[str, Mapping[str, int]]], labels: Sequence[str],
          colours: Mapping[str, str]) -> str:
    """Horizontal stacked bars, one row per (name, counts); the total is written at the end."""
    label_w, bar_w, row_h = 220, 520, 26
    top = max((sum(c.values()) for _, c in rows), default=0) or 1
    height = row_h * len(rows) + 8
    out = [f'<svg id="{chart_id}" role="img" width="{label_w + bar_w + 60}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg">']
    for i, (name, counts) in enumerate(rows):
        y = 4 + i * row_h
        total = sum(counts.values())
        out.append(f'<g class="bar" data-name="{escape(name)}" data-total="{total}">')
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
                   f"{escape(_clip(name))}</text>")
        x = float(label_w)
        for label in labels:
            n = counts.get(label, 0)
            if not n:
                continue
            w = bar_w * n / top
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                       f'fill="{colours[label]}" data-category="{escape(label)}" data-count="{n}">'
                       f"<title>{escape(name)} · {escape(label)}：{n}条</title></rect>")
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 17}">{total}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _table(table_id: str, head: Sequence[str], rows: Sequence[Sequence[str]],
           empty: str = "无。") -> str:
    if not rows:
        return f'<p id="{table_id}">{escape(empty)}</p>'
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table id="{table_id}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _review_table(review: Review, _: str, *, start: int = 0) -> str:
    rows = []
    for n, (result, ci) in enumerate(review, start + 1):
        item, p = ci.item, ci.prediction
        score = p.probabilities.get(p.label)
        rows.append((str(n), _unit((result, ci)) or INBOX_ROOT,
                     result.source.relpath or Path(item.path).name,
                     clerk_locator(item.locator), item.text,
                     p.label + (f" / {p.secondary}" if p.secondary else ""),
                     f"{score:.2f}" if score is not None else ""))
    return _table("review", ("序号", "单位", "文件", "位置", "内容", "初判", "置信度"), rows,
                  empty="没有需人工研判的条目。")


def _clip(name: str, width: int = 16) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"
