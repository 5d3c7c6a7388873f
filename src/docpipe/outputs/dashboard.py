"""One static HTML page per run: the picture a supervisor opens first.

No server, no network, no scripts: CSS and SVG charts are inline, so the file can be mailed or
opened from a USB stick.  Charts are stacked bars of category counts per group and per unit;
tables list the units behind and the items needing a human decision.  Every number comes from
the ``ProgressReport`` the 督导进展报告 is written from, so the two always agree.  Each bar
segment carries ``data-*`` attributes (unit, category, count) for tools and tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from docpipe.outputs.progress import INBOX_ROOT, Campaign, ProgressReport, cn_date
from docpipe.records import ClassifiedItem, DocumentResult
from docpipe.taxonomy import Taxonomy

__all__ = ["render_dashboard"]

# Colour-blind-safe palette (Okabe-Ito), given to categories in taxonomy order.
_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#999999", "#E69F00", "#56B4E9",
            "#F0E442")
REVIEW_LIMIT = 1000  # rows of the review table; the rest are counted
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:24px;
color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.meta{color:#555;margin-bottom:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:120px}
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
    # the first REVIEW_LIMIT items needing review are listed; the count is the report's (a
    # caller may pass only the listed ones: at region scale there are tens of thousands)
    review = [(r, ci) for r in results for ci in r.items if ci.prediction.needs_review]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(campaign.name)}督导看板</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(campaign.name)}督导看板</h1>",
        f'<p class="meta">截至{cn_date(report.today)}，'
        f"{escape('当前环节：' + report.stage if report.stage else '活动尚未开始')}</p>",
        '<div class="cards" id="totals">',
        _card("units", "单位", len(report.units)),
        _card("behind", "进度滞后", len(behind), alert=bool(behind)),
        _card("documents", "收到文件", report.documents),
        _card("items", "意见、问题", report.items),
        _card("needs-review", "需人工研判", report.needs_review, alert=report.needs_review > 0),
        "</div>",
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
        f"<h2>进度滞后单位（{len(behind)}个）</h2>",
        _table("behind", ("单位", "督导组", "逾期未报材料"),
               [(u.unit or INBOX_ROOT, u.group,
                 "、".join(f"{t}（{d.month}月{d.day}日前）" for t, d in u.overdue))
                for u in behind], empty="无滞后单位。"),
        f"<h2>需人工研判的条目（{report.needs_review}条）</h2>",
        _review_table(review, report.needs_review),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _card(key: str, name: str, value: int, *, alert: bool = False) -> str:
    cls = "card alert" if alert else "card"
    return f'<div class="{cls}" id="card-{key}"><b>{value}</b>{escape(name)}</div>'


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


def _review_table(review: Sequence[tuple[DocumentResult, ClassifiedItem]], total: int) -> str:
    rows = []
    for result, ci in review[:REVIEW_LIMIT]:
        item, p = ci.item, ci.prediction
        score = p.probabilities.get(p.label)
        rows.append((item.unit or INBOX_ROOT, result.source.relpath or Path(item.path).name,
                     item.locator, item.text,
                     p.label + (f" / {p.secondary}" if p.secondary else ""),
                     f"{score:.2f}" if score is not None else ""))
    table = _table("review", ("单位", "文件", "位置", "内容", "初判", "置信度"), rows,
                   empty="没有需人工研判的条目。")
    if total > len(rows):
        table += f"<p>另有{total - len(rows)}条未列出，见各单位的意见建议梳理汇总。</p>"
    return table


def _clip(name: str, width: int = 16) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"
