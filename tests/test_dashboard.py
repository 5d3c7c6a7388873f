"""The static dashboard: one self-contained file whose numbers are the progress report's."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from docpipe.outputs.dashboard import render_dashboard
from docpipe.outputs.progress import build_progress, load_campaign
from docpipe.outputs.summarise import summarise_unit
from docpipe.records import (
    ClassifiedItem,
    DocInfo,
    DocStatus,
    DocumentResult,
    InboxFile,
    Item,
    Prediction,
    SourceDocument,
    UnitInfo,
)
from docpipe.taxonomy import load_taxonomy

TAX = load_taxonomy()
UNITS = {
    "市交通运输局": UnitInfo("市交通运输局", group="第一督导组"),
    "市档案局": UnitInfo("市档案局", group="第二督导组"),
    "<script>局": UnitInfo("<script>局", group="第二督导组"),
}
ITEMS = (("形式主义", False), ("形式主义", False), ("官僚主义", True), ("奢靡之风", False),
         ("其他", True))


def _page() -> tuple[str, object]:
    unit = "市交通运输局"
    path = f"/inbox/{unit}/意见.docx"
    items = tuple(
        ClassifiedItem(Item(path, unit, "征求意见汇总", i, f"意见<{i}>", locator=f"t1r{i + 2}"),
                       Prediction(label, {label: 0.5}, TAX.merged(label), review))
        for i, (label, review) in enumerate(ITEMS))
    results = [DocumentResult(InboxFile(path, f"{unit}/意见.docx", unit),
                              SourceDocument(path, "x", DocStatus.OK),
                              DocInfo("征求意见汇总", 1.0, unit, "folder", True), items)]
    summaries = [summarise_unit(u, [r for r in results if r.source.unit == n], TAX)
                 for n, u in UNITS.items()]
    report = build_progress(summaries, results, UNITS, TAX, campaign=load_campaign(),
                            today=date(2013, 7, 20))
    return render_dashboard(report, results, TAX, load_campaign()), report


def _bar_counts(html: str, chart: str) -> dict[str, dict[str, int]]:
    svg = re.search(rf'<svg id="{chart}".*?</svg>', html, flags=re.S)
    assert svg
    bars = {}
    for name, body in re.findall(r'<g class="bar" data-name="([^"]*)"[^>]*>(.*?)</g>',
                                 svg.group(0), flags=re.S):
        bars[name] = {c: int(n) for c, n in
                      re.findall(r'data-category="([^"]+)" data-count="(\d+)"', body)}
    return bars


def test_page_is_self_contained() -> None:
    html, _ = _page()
    assert "<script" not in html.replace("&lt;script&gt;", "")  # the unit name is escaped
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "default-src 'none'" in html


def test_chart_numbers_are_the_items() -> None:
    html, report = _page()
    units = _bar_counts(html, "chart-units")
    assert units["市交通运输局"] == {"形式主义": 2, "官僚主义": 1, "奢靡之风": 1, "其他": 1}
    assert units["市档案局"] == {}
    groups = _bar_counts(html, "chart-groups")
    assert sum(groups["第一督导组"].values()) == len(ITEMS)
    assert re.search(r'<a class="card" id="card-items" href="#chart-total"><b>5</b>', html)
    assert re.search(r'id="card-needs-review" href="review/all-001.html"><b>2</b>', html)
    review = html.split('<table id="review">')[1]
    assert len(re.findall(r"<tr><td>\d+</td><td>市交通运输局</td>", review)) == 2
    assert len(report.behind) == 3  # all three miss the plan or speech due by 7月15日


def _review_results(n: int) -> list[DocumentResult]:
    unit = "市交通运输局"
    path = f"/inbox/{unit}/意见.docx"
    items = tuple(
        ClassifiedItem(Item(path, unit, "征求意见汇总", i, f"意见{i}", locator=f"t1r{i + 2}"),
                       Prediction("其他", {"其他": 0.3 + (i * 37 % n) / (2 * n)}, "其他", True))
        for i in range(n))
    return [DocumentResult(InboxFile(path, f"{unit}/意见.docx", unit),
                           SourceDocument(path, "x", DocStatus.OK),
                           DocInfo("征求意见汇总", 1.0, unit, "folder", True), items)]


def test_review_is_sorted_by_uncertainty_paged_and_filterable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docpipe.outputs import dashboard

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 10)
    results = _review_results(25)
    summaries = [summarise_unit(u, [r for r in results if r.source.unit == n], TAX)
                 for n, u in UNITS.items()]
    report = build_progress(summaries, results, UNITS, TAX, campaign=load_campaign(),
                            today=date(2013, 7, 20))
    pages = dashboard.review_pages(report, results, load_campaign())
    # every item on the "all" pages, none cut, the least certain first
    assert {"all-001.html", "all-002.html", "all-003.html"} <= set(pages)
    listed = [float(x) for name in ("all-001.html", "all-002.html", "all-003.html")
              for x in re.findall(r"<td>(0\.\d\d)</td></tr>", pages[name])]
    assert len(listed) == 25 and listed == sorted(listed)
    # a view per group and per unit, linked from every page; pages link to each other
    assert "group-01-001.html" in pages and "unit-001-003.html" in pages
    assert 'href="group-01-001.html"' in pages["all-002.html"]
    assert 'href="all-003.html">下一页' in pages["all-002.html"]
    assert "表1第2行" in pages["all-001.html"] or "表1第2行" in "".join(pages.values())
    for html in pages.values():
        assert "<script" not in html and "default-src 'none'" in html
    page = render_dashboard(report, results, TAX, load_campaign())
    assert page.index('id="behind-title"') < page.index('id="chart-total"')  # behind first


@pytest.mark.slow
def test_chromium_renders_the_dashboard(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed: apt-get install chromium")
    html, _ = _page()
    page = tmp_path / "dashboard.html"
    page.write_text(html, encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = dom.stdout
    assert "督导看板" in rendered and "进度滞后单位（3个）" in rendered
    assert "需人工研判的条目（2条，把握最小的在前）" in rendered
    assert _bar_counts(rendered, "chart-units")["市交通运输局"]["形式主义"] == 2
    assert "&lt;script&gt;局" in rendered and "<script>局" not in rendered
    shot = tmp_path / "shot.png"
    done = subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1200,1600",
                           page.as_uri()], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and shot.stat().st_size > 10_000  # a page, not a blank image
