"""The sample inbox generator (samples/generate.py): structure, planted defects, determinism."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
sys.path.insert(0, str(SAMPLES))

import generate  # noqa: E402  (samples/ is a folder of scripts, not a package)

from docpipe.settings import config_path  # noqa: E402


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.generate_samples(tmp_path_factory.mktemp("s") / "INBOX")


@pytest.fixture(scope="module")
def manifest(inbox: Path) -> dict:
    return json.loads((inbox / ".manifest.json").read_text(encoding="utf-8"))


def _files(manifest: dict, **match: object) -> list[dict]:
    return [f for f in manifest["files"] if all(f.get(k) == v for k, v in match.items())]


def _texts(path: Path) -> list[str]:
    """Paragraph texts then table cell texts, as python-docx reads them."""
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return [p.text for p in d.paragraphs] + cells


def test_units_csv_lists_groups_and_aliases(inbox: Path, manifest: dict) -> None:
    rows = list(csv.DictReader(io.StringIO((inbox / "units.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["unit", "group", "batch", "aliases"]
    assert len(rows) >= 12
    assert {r["group"] for r in rows} == {"第一督导组", "第二督导组", "第三督导组"}
    assert all(";" in r["aliases"] for r in rows)
    listed = {r["unit"] for r in rows}
    folders = {p.name for p in inbox.iterdir() if p.is_dir()}
    assert folders - listed == set(manifest["expected"]["folders_not_listed"]) == {"自治区统计局"}
    assert listed - folders == set(manifest["expected"]["listed_without_files"]) == {"自治区审计厅"}


def test_manifest_matches_files_on_disk(inbox: Path, manifest: dict) -> None:
    on_disk = {p.relative_to(inbox).as_posix() for p in inbox.rglob("*.docx")}
    assert on_disk == {f["path"] for f in manifest["files"]}
    loose = [f["path"] for f in manifest["files"] if "/" not in f["path"]]
    assert loose == manifest["expected"]["files_outside_unit_folders"]
    assert _files(manifest, path=loose[0])[0]["unit_source"] == "document"


def test_every_unit_type_mix_leaves_some_units_behind(manifest: dict) -> None:
    types_per_unit: dict[str, set[str]] = {}
    for f in manifest["files"]:
        types_per_unit.setdefault(f["unit"], set()).add(f["doc_type"])
    all_types = set(generate.ALL_TYPES)
    complete = [u for u, t in types_per_unit.items() if all_types <= t]
    assert 2 <= len(complete) < len(types_per_unit) - 3


def test_at_least_300_items_across_all_five_categories(manifest: dict) -> None:
    counts = Counter(i["category"] for f in manifest["files"] for i in f["items"])
    assert set(counts) == {"形式主义", "官僚主义", "享乐主义", "奢靡之风", "其他"}
    assert sum(counts.values()) >= 300
    assert min(counts.values()) >= 40
    assert manifest["totals"]["items_by_category"] == dict(counts)


def test_bad_file_is_text_not_a_zip(inbox: Path, manifest: dict) -> None:
    (bad,) = manifest["expected"]["bad_files"]
    assert not zipfile.is_zipfile(inbox / bad)
    assert (inbox / bad).read_bytes().decode("utf-8").startswith("关于")
    assert _files(manifest, path=bad)[0]["expected_error"] == "not_word"


def test_every_item_is_in_its_document_as_written(inbox: Path, manifest: dict) -> None:
    for f in manifest["files"]:
        if f.get("bad"):
            continue
        body = "\n".join(_texts(inbox / f["path"]))
        for item in f["items"]:
            assert item["text"] in body, (f["path"], item["text"])


def test_opinion_tables_rarely_carry_the_category(inbox: Path, manifest: dict) -> None:
    docs = _files(manifest, doc_type="征求意见汇总")
    tables = [docx.Document(str(inbox / f["path"])).tables[0] for f in docs]
    headers = [[c.text for c in t.rows[0].cells] for t in tables]
    assert all(h[0] in ("序号", "序號") for h in headers)
    with_category = sum("类别" in h for h in headers)
    assert 1 <= with_category <= len(headers) // 3


def test_self_examination_points_sit_under_category_headings(inbox: Path, manifest: dict) -> None:
    for f in _files(manifest, doc_type="对照检查材料"):
        texts = _texts(inbox / f["path"])
        for label in ("形式主义", "官僚主义", "享乐主义", "奢靡之风"):
            assert any(label in t and "方面" in t and len(t) < 20 for t in texts)
        assert all(i["where"] == "point" and i["hint"] == i["category"] for i in f["items"])


def test_forum_notes_have_numbered_and_inline_items(manifest: dict) -> None:
    for f in _files(manifest, doc_type="座谈会记录"):
        wheres = Counter(i["where"] for i in f["items"])
        assert wheres["list"] >= 3 and wheres["inline"] >= 4


def test_some_text_is_in_traditional_script(inbox: Path, manifest: dict) -> None:
    texts = [i["text"] for f in manifest["files"] for i in f["items"]]
    assert sum(any(ch in t for ch in "們這會為對見") for t in texts) >= 20
    assert sum(" " in t or "\u3000" in t for t in texts) >= 20  # stray spaces
    assert sum("," in t for t in texts) >= 20  # half-width commas among full-width text


@pytest.fixture(scope="module")
def campaign() -> dict:
    path = config_path("campaign.toml")
    if not path.exists():
        pytest.skip("no campaign.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_plan_gaps_leave_no_cue_behind(inbox: Path, manifest: dict, campaign: dict) -> None:
    elements = {e["name"]: e for e in campaign["approval"]["element"]}
    date = re.compile(campaign["approval"]["date_pattern"])
    window = campaign["approval"]["date_window"]
    plans = _files(manifest, doc_type="实施方案")
    assert sorted(len(p["checks"]["plan_missing"]) > 0 for p in plans).count(True) == 2
    for plan in plans:
        texts = [t for t in _texts(inbox / plan["path"]) if t]
        for name, element in elements.items():
            hits = [i for i, t in enumerate(texts) if any(c in t for c in element["cues"])]
            if element.get("dated"):
                dated = any(date.search(t) for i in hits for t in texts[i : i + window + 1])
                found = bool(hits) and dated
            else:
                found = bool(hits)
            assert found == (name not in plan["checks"]["plan_missing"]), (plan["path"], name)


def test_study_gaps_leave_no_cue_behind(inbox: Path, manifest: dict, campaign: dict) -> None:
    points = campaign["study"]["point"]
    docs = _files(manifest, doc_type="学习计划") + _files(manifest, doc_type="学习记录")
    assert any(d["checks"]["study_missing"] for d in docs)
    for d in docs:
        body = "\n".join(_texts(inbox / d["path"]))
        for point in points:
            found = any(c in body for c in point["cues"]) or bool(
                point.get("pattern") and re.search(point["pattern"], body)
            )
            assert found == (point["name"] not in d["checks"]["study_missing"]), (
                d["path"],
                point["name"],
            )


def test_rectification_rows_missing_owner_or_deadline(inbox: Path, manifest: dict) -> None:
    plans = _files(manifest, doc_type="整改方案")
    assert plans
    for f in plans:
        rows = docx.Document(str(inbox / f["path"])).tables[0].rows
        assert [c.text for c in rows[0].cells][1:] == ["整改措施", "责任人", "完成时限"]
        assert len(rows) - 1 == f["checks"]["rows"]
        empty_owner = [i for i, r in enumerate(rows) if i and not r.cells[2].text]
        empty_deadline = [i for i, r in enumerate(rows) if i and not r.cells[3].text]
        assert empty_owner == f["checks"]["missing_owner"] != []
        assert empty_deadline == f["checks"]["missing_deadline"] != []


def test_bulletin_tally_matches_the_units_opinions(manifest: dict) -> None:
    for f in _files(manifest, doc_type="进展报告"):
        counts = f["checks"]["opinion_counts"]
        if not counts:
            continue
        items = [
            i["category"]
            for g in manifest["files"]
            if g["unit"] == f["unit"] and g["doc_type"] in generate.OPINION_TYPES
            for i in g["items"]
        ]
        assert counts == {k: Counter(items)[k] for k in counts}


def test_generation_is_byte_deterministic(inbox: Path, tmp_path: Path) -> None:
    again = generate.generate_samples(tmp_path / "again")
    files = sorted(p.relative_to(inbox) for p in inbox.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (inbox / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_committed_inbox_is_current(inbox: Path) -> None:
    committed = SAMPLES / "inbox"
    if not (committed / ".manifest.json").exists():
        pytest.skip("samples/inbox not generated")
    for path in inbox.rglob("*"):
        if path.is_file():
            rel = path.relative_to(inbox)
            assert (committed / rel).read_bytes() == path.read_bytes(), (
                f"{rel} differs: run python samples/generate.py"
            )


def test_regenerating_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate.generate_samples(tmp_path)


def test_scale_mode_spreads_files_over_units_and_groups(tmp_path: Path) -> None:
    out = generate.generate_inbox(tmp_path / "big", units=9, groups=3, documents=40, seed=3)
    m = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))
    assert len(list(out.rglob("*.docx"))) == 40 == m["totals"]["files"]
    rows = list(csv.DictReader(io.StringIO((out / "units.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 9 and len({r["group"] for r in rows}) == 3
    chars = [f["chars"] for f in m["files"]]
    assert min(chars) >= 600 and max(chars) <= 20 * 600 * 1.2
    assert 1800 <= sum(chars) / len(chars) <= 4500
    assert len(set(m["totals"]["files_by_type"])) >= 6
    assert all(m["totals"]["items_by_category"].values())
    first = next(iter(out.rglob("*.docx")))
    assert _texts(first)
    again = generate.generate_inbox(tmp_path / "again", units=9, groups=3, documents=40, seed=3)
    assert (again / ".manifest.json").read_bytes() == (out / ".manifest.json").read_bytes()
