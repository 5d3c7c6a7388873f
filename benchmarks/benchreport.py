"""The Markdown summary of ``docpipe bench`` results (what the README quotes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["summary_markdown"]


def summary_markdown(runs: Sequence[Mapping[str, Any]]) -> str:
    """Stages per size, baselines and ratios, scaling, and the unchanged rerun."""
    parts = []
    for run in runs:
        parts.append(_stages(run))
    parts.append(_comparison(runs))
    parts.append(_scaling(runs))
    parts.append(_reruns(runs))
    return "\n\n".join(p for p in parts if p) + "\n"


def _stages(run: Mapping[str, Any]) -> str:
    pipe = run["pipeline"]
    head = (f"### {run['size']:,} documents, {pipe['items']:,} items, {pipe['chars']:,} "
            f"characters, {run['workers']} workers\n\n"
            "| stage | wall s | CPU s | docs/s | items/s | chars/s |\n"
            "|---|---:|---:|---:|---:|---:|")
    rows = [f"| {r['stage']} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {_n(r['docs_per_s'])} | "
            f"{_n(r['items_per_s'])} | {_n(r['chars_per_s'])} |" for r in pipe["stages"]]
    cpu = sum(r["cpu_s"] for r in pipe["stages"])
    rows.append(f"| **total** | **{pipe['wall_s']:.2f}** | {cpu:.2f} | {_n(pipe['docs_per_s'])} | "
                f"{_n(pipe['items_per_s'])} | {_n(pipe['chars_per_s'])} |")
    note = (f"\nPeak RSS {pipe['peak_rss_mib']:,.0f} MiB (process tree, summed; largest single "
            f"process {pipe['peak_rss_single_process_mib']:,.0f} MiB). Load average "
            f"{pipe['load_before']:.1f} before, {pipe['load_after']:.1f} after.")
    return "\n".join([head, *rows]) + "\n" + note


def _comparison(runs: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for run in runs:
        base, ratios, pipe = run.get("baselines"), run["ratios"], run["pipeline"]
        if not base:
            continue
        rows.append(
            f"| {run['size']:,} | {_n(base['python_docx']['chars_per_s'])} | "
            f"{_n(base['reader']['chars_per_s'])} | {ratios['reader_vs_python_docx']:.2f}x | "
            f"{_n(base['jieba']['chars_per_s'])} | {_n(pipe['chars_per_s'])} | "
            f"{ratios['pipeline_vs_jieba']:.2f}x | {ratios['pipeline_vs_python_docx']:.2f}x |")
    if not rows:
        return ""
    return ("### Against the baselines (same corpus, same cores, chars/s of wall time)\n\n"
            "| docs | python-docx | docpipe reader | reader ratio (goal ≥ 2) | bare jieba | "
            "docpipe pipeline | pipeline / jieba (goal ≥ 0.5) | pipeline / python-docx |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows))


def _scaling(runs: Sequence[Mapping[str, Any]]) -> str:
    if not runs:
        return ""
    first = runs[0]["pipeline"]["wall_s"] / runs[0]["size"]
    rows = []
    for run in runs:
        pipe = run["pipeline"]
        per_doc = pipe["wall_s"] / run["size"]
        cpu = sum(r["cpu_s"] for r in pipe["stages"]) / run["size"]
        rows.append(f"| {run['size']:,} | {pipe['wall_s']:.1f} | {per_doc * 1000:.2f} | "
                    f"{cpu * 1000:.2f} | {per_doc / first:.2f} | {pipe['peak_rss_mib']:,.0f} |")
    return ("### Scaling (cost per document should stay flat)\n\n"
            "| docs | wall s | wall ms/doc | CPU ms/doc | ms/doc vs smallest | peak RSS MiB |\n"
            "|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows))


def _reruns(runs: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for run in runs:
        rerun, flow = run["rerun"], run.get("prefect")
        steps = ", ".join(f"{k} {v:.2f}" for k, v in rerun["steps"].items())
        full = flow.get("run") if flow else None
        flow_cells = (f"{full['wall_s']:.1f} | {full['peak_rss_mib']:,.0f} | " if full
                      else "– | – | ") + (f"{flow['rerun']['wall_s']:.1f} | "
                                          f"{flow['empty_flow']['wall_s']:.1f}" if flow
                                          else "– | –")
        rows.append(f"| {run['size']:,} | {rerun['own_work_s']:.2f} ({steps}) | "
                    f"{rerun['up_to_date']} | {flow_cells} |")
    return ("### `docpipe run` under Prefect, and the unchanged rerun\n\n"
            "| docs | rerun: docpipe's own work s (goal ≤ 1) | up to date | `docpipe run` s | "
            "its peak RSS MiB | rerun s | empty Prefect flow s |\n"
            "|---:|---|---|---:|---:|---:|---:|\n" + "\n".join(rows))


def _n(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"
