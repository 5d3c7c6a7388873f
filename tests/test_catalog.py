"""The SQLite catalog: what it stores comes back equal, reruns are cheap, crashes leave it whole."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docpipe.records import (
    ClassifiedItem,
    DocInfo,
    DocStatus,
    DocumentResult,
    ErrorCode,
    InboxFile,
    Item,
    Paragraph,
    Prediction,
    SourceDocument,
    Table,
)
from docpipe.storing.catalog import (
    DEFAULT_FILENAME,
    SCHEMA_VERSION,
    Catalog,
    CatalogError,
    catalog_path,
    parse_catalog_url,
)
from docpipe.storing.codec import COVERED_FIELDS, PARAGRAPH_FIELDS
from test_serialize import classified_items, doc_infos, source_documents, text

MODEL = "model-2024-01"


def prediction(label: str = "形式主义", p: float = 0.8) -> Prediction:
    return Prediction(
        label=label,
        probabilities={label: p, "其他": round(1 - p, 6)},
        merged_label=label,
        needs_review=p < 0.5,
        secondary="其他",
        terms=("会议", "文件"),
    )


def make_result(
    path: str,
    sha256: str = "a" * 64,
    *,
    texts: tuple[str, ...] = ("会议太多，文件太多。", "办事难，门难进。"),
    unit: str = "市交通局",
    text_hash: str = "",
    status: DocStatus = DocStatus.OK,
) -> DocumentResult:
    """A processed opinion table, built by hand: one item per text."""
    source = InboxFile(path=path, relpath=os.path.basename(path), unit=unit)
    if status is not DocStatus.OK:
        document = SourceDocument(
            path=path,
            sha256=sha256,
            status=status,
            error_code=ErrorCode.LEGACY_DOC if status is DocStatus.REJECTED else None,
            message="这是旧版 .doc 文件，请另存为 .docx 后重新提交。",
            size=2048,
            duplicate_of="其他/原件.docx" if status is DocStatus.DUPLICATE else "",
        )
        return DocumentResult(source=source, document=document, info=None)
    document = SourceDocument(
        path=path,
        sha256=sha256,
        status=DocStatus.OK,
        paragraphs=(
            Paragraph("意见建议汇总表", style="Title"),
            Paragraph("一、形式主义方面", style="Heading 1", numbering="一、", level=0),
            *(Paragraph(t, table=(0, i + 1, 1)) for i, t in enumerate(texts)),
        ),
        tables=(Table(0, (("序号", "意见内容"), *((str(i + 1), t) for i, t in enumerate(texts)))),),
        text_hash=text_hash or f"text-{sha256[:8]}",
        size=4096,
        headers=("市交通局",),
        footnotes=("注：按收到先后排列。",),
        flags=("tracked_changes",),
    )
    info = DocInfo("opinion_collection", 0.93, unit, "folder", True, "意见建议汇总表")
    items = tuple(
        ClassifiedItem(
            Item(
                path=path,
                unit=unit,
                doc_type="opinion_collection",
                index=i,
                text=t,
                heading_path=("一、形式主义方面",),
                locator=f"t0r{i + 1}",
                fields={"提出方式": "座谈会"} if i == 0 else {},
                hint="形式主义",
            ),
            prediction(p=0.9 - 0.3 * i),
        )
        for i, t in enumerate(texts)
    )
    return DocumentResult(source=source, document=document, info=info, items=items)


@pytest.fixture
def catalog(tmp_path: Path):
    with Catalog(tmp_path / "out" / DEFAULT_FILENAME) as cat:
        yield cat


def item_rows(cat: Catalog) -> int:
    return cat._db.execute("SELECT count(*) FROM items").fetchone()[0]


def store(cat: Catalog, result: DocumentResult, model: str, *, mtime_ns: int | None = None) -> None:
    mtimes = None if mtime_ns is None else {result.source.path: mtime_ns}
    cat.store_many([result], model, mtimes=mtimes)


def stored(cat: Catalog, path: str, sha256: str) -> DocumentResult | None:
    """The current stored result of ``path`` if it holds these bytes."""
    found = [r for r in cat.results([path]) if r.document.sha256 == sha256]
    return found[0] if found else None


def missing(cat: Catalog) -> list[str]:
    rows = cat._db.execute(
        "SELECT path FROM documents WHERE missing_since IS NOT NULL ORDER BY path"
    )
    return [r[0] for r in rows]


# -- storing and reading back ------------------------------------------------------------------


def test_results_return_exactly_what_was_stored(catalog: Catalog) -> None:
    result = make_result("/inbox/市交通局/意见汇总.docx")
    store(catalog, result, MODEL, mtime_ns=1)
    assert stored(catalog, result.source.path, result.document.sha256) == result


# Any result at all, with file names made of arbitrary bytes, as os.fsdecode presents them.
any_results = st.builds(
    DocumentResult,
    source=st.builds(
        InboxFile, path=st.binary(min_size=1, max_size=12).map(os.fsdecode), relpath=text, unit=text
    ),
    document=source_documents,
    info=st.none() | doc_infos,
    items=st.lists(classified_items, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(result=any_results)
def test_any_result_round_trips(result: DocumentResult) -> None:
    with Catalog(":memory:") as cat:
        store(cat, result, MODEL, mtime_ns=1)
        assert stored(cat, result.source.path, result.document.sha256) == result
        assert cat.results() == [result]
        assert cat.stale_paths("other") == [result.source.path]
        assert cat.stale_paths(MODEL) == []


@pytest.mark.parametrize("status", [DocStatus.REJECTED, DocStatus.DUPLICATE])
def test_rejected_and_duplicate_files_round_trip(catalog: Catalog, status: DocStatus) -> None:
    result = make_result("/inbox/市交通局/旧文件.doc", status=status)
    store(catalog, result, MODEL, mtime_ns=1)
    assert stored(catalog, result.source.path, result.document.sha256) == result


def test_a_result_is_found_by_its_path_and_bytes(catalog: Catalog) -> None:
    result = make_result("/inbox/a.docx", "1" * 64)
    store(catalog, result, MODEL, mtime_ns=1)
    assert stored(catalog, "/inbox/a.docx", "2" * 64) is None
    assert stored(catalog, "/inbox/b.docx", "1" * 64) is None


def test_odd_file_names_and_text_round_trip(catalog: Catalog) -> None:
    # A GBK file name decoded with os.fsdecode carries lone surrogates; so may messages about it.
    gbk = os.fsdecode("/inbox/县委/意见".encode() + "汇总".encode("gbk") + b".docx")
    literal = gbk.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    odd = make_result(gbk, "1" * 64, texts=(f"见 {gbk}", "正常"), unit="县\udcff委")
    lookalike = make_result(literal, "2" * 64)  # a real name spelling the escape literally
    catalog.store_many([odd, lookalike], MODEL)
    assert stored(catalog, gbk, "1" * 64) == odd
    assert stored(catalog, literal, "2" * 64) == lookalike
    # Ordered by the readable form, then by the raw bytes (none for the ordinary name).
    assert catalog.results() == [lookalike, odd]
    assert set(catalog.fingerprints()) == {gbk, literal}
    # The readable column is valid UTF-8 for anyone opening the file with sqlite3.
    texts = [r[0] for r in catalog._db.execute("SELECT path FROM documents")]
    assert all(isinstance(t, str) for t in texts)
    assert literal in texts


def test_names_that_no_file_system_makes_are_refused_cleanly(catalog: Catalog) -> None:
    weird = "/inbox/\ud800.docx"  # a lone high surrogate: os.fsdecode never produces one
    with pytest.raises(ValueError, match="not a file-system path"):
        store(catalog, make_result(weird), MODEL, mtime_ns=1)
    assert stored(catalog, weird, "a" * 64) is None
    assert catalog.forget_missing([weird]) == []
    assert catalog.results() == []


def test_a_changed_file_replaces_its_items(catalog: Catalog) -> None:
    path = "/inbox/a.docx"
    store(catalog, make_result(path, "1" * 64, texts=("一", "二", "三")), MODEL, mtime_ns=1)
    newer = make_result(path, "2" * 64, texts=("四",))
    store(catalog, newer, MODEL, mtime_ns=2)
    assert item_rows(catalog) == 1
    assert stored(catalog, path, "1" * 64) is None
    assert stored(catalog, path, "2" * 64) == newer
    assert catalog.results() == [newer]
    assert catalog.fingerprints() == {path: (4096, 2, "2" * 64)}


def test_results_are_current_documents_ordered_by_path(catalog: Catalog) -> None:
    results = [make_result(f"/inbox/{name}.docx", name * 64) for name in "cab"]
    catalog.store_many(results, MODEL)
    assert [r.source.path for r in catalog.results()] == [f"/inbox/{n}.docx" for n in "abc"]


def test_results_of_given_paths_come_in_their_order(catalog: Catalog) -> None:
    names = [f"{n:04d}" for n in range(1000)]  # more than one IN (...) list
    catalog.store_many([make_result(f"/inbox/{n}.docx", f"{n:0>64}") for n in names], MODEL)
    catalog.forget_missing(f"/inbox/{n}.docx" for n in names[1:])
    wanted = ["/inbox/0999.docx", "/inbox/0000.docx", "/inbox/nowhere.docx", "/inbox/0500.docx"]
    got = catalog.results(wanted)
    assert [r.source.path for r in got] == ["/inbox/0999.docx", "/inbox/0500.docx"]  # 0000 gone
    assert got == [r for r in catalog.results() if r.source.path in wanted][::-1]
    assert len(catalog.results([f"/inbox/{n}.docx" for n in names])) == 999
    (bare,) = catalog.results(["/inbox/0999.docx"], with_text=False, with_items=False)
    assert bare.items == () and bare.document.paragraphs == () and bare.info == got[0].info


def test_results_without_text_keep_items_and_info(catalog: Catalog) -> None:
    result = make_result("/inbox/a.docx")
    store(catalog, result, MODEL, mtime_ns=1)
    (light,) = catalog.results(with_text=False)
    assert light.items == result.items
    assert light.info == result.info
    assert light.document.paragraphs == ()
    assert light.document == dataclasses.replace(
        result.document, paragraphs=(), tables=(), headers=(), footnotes=()
    )


def test_the_catalog_survives_reopening(tmp_path: Path) -> None:
    result = make_result("/inbox/a.docx")
    with Catalog(tmp_path / "c.sqlite") as cat:
        store(cat, result, MODEL, mtime_ns=7)
    with Catalog(tmp_path / "c.sqlite") as cat:
        assert cat.results() == [result]
        assert cat.fingerprints()["/inbox/a.docx"] == (4096, 7, "a" * 64)


def test_every_record_field_has_a_place_in_the_schema() -> None:
    # Adding a field to a record needs a column (and a schema version) here, or it is lost.
    for cls, covered in COVERED_FIELDS.items():
        assert {f.name for f in dataclasses.fields(cls)} == covered, cls.__name__
    assert {f.name for f in dataclasses.fields(Paragraph)} == set(PARAGRAPH_FIELDS)


def test_numpy_numbers_from_the_classifier_are_stored_as_plain_numbers(catalog: Catalog) -> None:
    np = pytest.importorskip("numpy")
    result = make_result("/inbox/a.docx", texts=("会多",))
    (ci,) = result.items
    noisy = dataclasses.replace(
        ci,
        item=dataclasses.replace(ci.item, index=np.int64(0)),
        prediction=dataclasses.replace(
            ci.prediction,
            probabilities={k: np.float64(v) for k, v in ci.prediction.probabilities.items()},
            needs_review=np.bool_(False),
        ),
    )
    store(catalog, dataclasses.replace(result, items=(noisy,)), MODEL, mtime_ns=1)
    assert catalog.results() == [result]


def test_probabilities_keep_every_float_exactly(catalog: Catalog) -> None:
    result = make_result("/inbox/a.docx", texts=("会多",))
    (ci,) = result.items
    odd_numbers = {"甲": 0.1 + 0.2, "乙": 1e-300, "丙": float("inf"), "丁": -0.0, "戊": 1 / 3}
    exact = dataclasses.replace(
        ci, prediction=dataclasses.replace(ci.prediction, probabilities=odd_numbers)
    )
    empty = dataclasses.replace(ci, prediction=dataclasses.replace(ci.prediction, probabilities={}))
    result = dataclasses.replace(result, items=(exact, empty))
    store(catalog, result, MODEL, mtime_ns=1)
    (back,) = catalog.results()
    assert back == result
    assert list(back.items[0].prediction.probabilities) == list(odd_numbers)  # order kept


def test_revision_moves_with_every_change_and_only_then(catalog: Catalog) -> None:
    first = catalog.revision()
    a = make_result("/inbox/a.docx")
    store(catalog, a, MODEL, mtime_ns=1)
    second = catalog.revision()
    assert second != first
    catalog.forget_missing(["/inbox/a.docx"])  # nothing changed
    catalog.results()
    assert catalog.revision() == second
    catalog.forget_missing([])
    third = catalog.revision()
    assert third != second
    catalog.update_predictions_many({"/inbox/a.docx": [ci.prediction for ci in a.items]}, "new")
    assert catalog.revision() not in (first, second, third)


# -- fast reruns: fingerprints and mtimes ------------------------------------------------------


def test_mtime_comes_from_the_file_when_not_given(tmp_path: Path, catalog: Catalog) -> None:
    real = tmp_path / "inbox" / "a.docx"
    real.parent.mkdir()
    real.write_bytes(b"x" * 4096)  # the size make_result records
    changed = tmp_path / "inbox" / "b.docx"
    changed.write_bytes(b"x" * 10)  # the file changed since it was read
    catalog.store_many(
        [make_result(str(real)), make_result(str(changed)), make_result(str(tmp_path / "gone"))],
        MODEL,
    )
    prints = catalog.fingerprints()
    assert prints[str(real)] == (4096, real.stat().st_mtime_ns, "a" * 64)
    assert prints[str(changed)][1] == -1  # never matches: the next run hashes it again
    assert prints[str(tmp_path / "gone")][1] == -1


def test_store_many_takes_mtimes_by_path(catalog: Catalog) -> None:
    results = [make_result(f"/inbox/{n}.docx", n * 64) for n in "ab"]
    catalog.store_many(results, MODEL, mtimes={"/inbox/a.docx": 11, "/inbox/b.docx": 12})
    assert catalog.fingerprints() == {
        "/inbox/a.docx": (4096, 11, "a" * 64),
        "/inbox/b.docx": (4096, 12, "b" * 64),
    }


def test_a_large_catalog_answers_quickly(catalog: Catalog) -> None:
    results = [
        make_result(f"/inbox/单位{i % 50}/意见{i}.docx", f"{i:064x}", texts=("会多",) * 3)
        for i in range(1000)
    ]
    start = time.perf_counter()
    catalog.store_many(results, MODEL, mtimes={r.source.path: i for i, r in enumerate(results)})
    stored = time.perf_counter() - start
    start = time.perf_counter()
    prints = catalog.fingerprints()
    fingerprinted = time.perf_counter() - start
    assert len(prints) == 1000
    assert fingerprinted < 0.5, fingerprinted  # measured ~0.005 s
    assert stored < 10, stored  # measured ~0.3 s



# -- files leaving the inbox -------------------------------------------------------------------


def test_forget_missing_marks_but_keeps(catalog: Catalog) -> None:
    a, b = make_result("/inbox/a.docx", "1" * 64), make_result("/inbox/b.docx", "2" * 64)
    catalog.store_many([a, b], MODEL)
    assert catalog.forget_missing(["/inbox/b.docx"]) == ["/inbox/a.docx"]
    assert catalog.forget_missing(["/inbox/b.docx"]) == []  # only newly gone files
    assert catalog.results() == [b]
    assert missing(catalog) == ["/inbox/a.docx"]
    assert "/inbox/a.docx" in catalog.fingerprints()  # the row is kept
    assert catalog.stale_paths("other-model") == ["/inbox/b.docx"]
    catalog.forget_missing(["/inbox/a.docx", "/inbox/b.docx"])  # it came back
    assert catalog.results() == [a, b]
    assert missing(catalog) == []


def test_storing_a_file_again_clears_its_missing_mark(catalog: Catalog) -> None:
    a = make_result("/inbox/a.docx")
    store(catalog, a, MODEL, mtime_ns=1)
    catalog.forget_missing([])
    store(catalog, a, MODEL, mtime_ns=1)
    assert catalog.results() == [a]


# -- reclassifying with a new model ------------------------------------------------------------


def test_stale_items_are_reclassified_in_place(catalog: Catalog) -> None:
    a, b = make_result("/inbox/a.docx", "1" * 64), make_result("/inbox/b.docx", "2" * 64)
    store(catalog, a, "old", mtime_ns=1)
    store(catalog, b, "new", mtime_ns=1)
    assert catalog.stale_paths("new") == ["/inbox/a.docx"]
    fresh = [prediction("官僚主义", 0.7), prediction("其他", 0.4)]
    catalog.update_predictions_many({"/inbox/a.docx": fresh}, "new")
    assert catalog.stale_paths("new") == []
    (updated, _) = catalog.results()
    assert [ci.prediction for ci in updated.items] == fresh
    assert [ci.item for ci in updated.items] == [ci.item for ci in a.items]
    row = catalog._db.execute(
        "SELECT model_version FROM documents WHERE path = ?", (a.source.path,)
    )
    assert row.fetchone()[0] == "new"


def test_update_predictions_many_checks_its_input(catalog: Catalog) -> None:
    a = make_result("/inbox/a.docx")
    store(catalog, a, "old", mtime_ns=1)
    with pytest.raises(ValueError, match="2 stored items but 1 predictions"):
        catalog.update_predictions_many({"/inbox/a.docx": [prediction()]}, "new")
    with pytest.raises(KeyError):
        catalog.update_predictions_many({"/inbox/nope.docx": []}, "new")
    b = make_result("/inbox/b.docx", "b" * 64)
    store(catalog, b, "old", mtime_ns=1)
    with pytest.raises(ValueError):  # one bad file: the other one is not updated either
        catalog.update_predictions_many(
            {"/inbox/b.docx": [ci.prediction for ci in b.items], "/inbox/a.docx": []}, "new"
        )
    assert stored(catalog, "/inbox/a.docx", "a" * 64) == a
    assert stored(catalog, "/inbox/b.docx", "b" * 64) == b
    assert catalog.stale_paths("new") == ["/inbox/a.docx", "/inbox/b.docx"]


# -- crash safety ------------------------------------------------------------------------------


def _unserialisable(result: DocumentResult) -> DocumentResult:
    """The same result with a last item that fails half-way through the write."""
    bad = dataclasses.replace(result.items[-1].item, fields={"x": object()})
    return dataclasses.replace(
        result, items=(*result.items[:-1], dataclasses.replace(result.items[-1], item=bad))
    )


def test_an_interrupted_store_leaves_the_previous_state(catalog: Catalog) -> None:
    old = make_result("/inbox/a.docx", "1" * 64)
    store(catalog, old, MODEL, mtime_ns=1)
    new = _unserialisable(make_result("/inbox/a.docx", "2" * 64, texts=("一", "二", "三")))
    with pytest.raises(TypeError):
        store(catalog, new, MODEL, mtime_ns=2)
    assert catalog.results() == [old]
    assert catalog.fingerprints() == {"/inbox/a.docx": (4096, 1, "1" * 64)}
    assert item_rows(catalog) == 2


def test_store_many_is_all_or_nothing(catalog: Catalog) -> None:
    good = make_result("/inbox/a.docx", "1" * 64)
    bad = _unserialisable(make_result("/inbox/b.docx", "2" * 64))
    with pytest.raises(TypeError):
        catalog.store_many([good, bad], MODEL)
    assert catalog.results() == []
    store(catalog, good, MODEL, mtime_ns=1)  # the catalog is still usable
    assert catalog.results() == [good]


_WRITER = """
import sys
from docpipe.storing.catalog import Catalog
sys.path.insert(0, {tests!r})
from test_catalog import make_result

with Catalog({db!r}) as cat:
    for n in range(1, 100000):
        texts = tuple(f"第{{n}}轮第{{i}}条意见" for i in range(1 + n % 7))
        cat.store_many(
            [make_result(f"/inbox/{{k}}.docx", f"{{n:064x}}", texts=texts) for k in range(20)],
            "m",
        )
        if n == 3:
            print("ready", flush=True)
"""


def test_sigkill_mid_write_leaves_a_consistent_catalog(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    code = _WRITER.format(tests=str(Path(__file__).parent), db=str(db))
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(0.3)  # well inside the write loop
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Catalog(db) as cat:
        assert cat._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        results = cat.results()
    assert len(results) == 20
    rounds = {int(r.document.sha256, 16) for r in results}
    assert len(rounds) == 1  # every file from the same committed round, never a mix
    (n,) = rounds
    assert all(len(r.items) == 1 + n % 7 for r in results)


# -- opening: paths, URLs, versions ------------------------------------------------------------


def test_catalog_path_defaults_to_the_output_folder(tmp_path: Path) -> None:
    assert catalog_path(None, tmp_path) == tmp_path / "catalog.sqlite"
    assert catalog_path("", tmp_path) == tmp_path / "catalog.sqlite"
    assert catalog_path("elsewhere/c.db", tmp_path) == Path("elsewhere/c.db")
    assert catalog_path("sqlite:////var/docpipe/c.db", tmp_path) == Path("/var/docpipe/c.db")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///out/catalog.sqlite", Path("out/catalog.sqlite")),
        ("sqlite:////srv/docpipe/catalog.sqlite", Path("/srv/docpipe/catalog.sqlite")),
        ("SQLite:///c.db", Path("c.db")),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test_sqlite_urls(url: str, expected: Path | str) -> None:
    assert parse_catalog_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://db.example/docpipe", "unsupported catalog URL scheme 'postgresql'"),
        ("mysql://x/y", "embedded SQLite file"),
        ("sqlite://", "names no file"),
        ("sqlite:///", "names no file"),
        ("sqlite://host/c.db", "names no file"),
        ("catalog.sqlite", "not a catalog URL"),
    ],
)
def test_other_urls_are_rejected(url: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog_url(url)


def test_catalog_opens_a_url_and_rejects_other_schemes(tmp_path: Path) -> None:
    with Catalog(f"sqlite:///{tmp_path}/sub/c.sqlite") as cat:
        store(cat, make_result("/inbox/a.docx"), MODEL, mtime_ns=1)
    assert (tmp_path / "sub" / "c.sqlite").exists()
    with pytest.raises(CatalogError, match="unsupported"):
        Catalog("postgresql://localhost/docpipe")


def test_a_plain_string_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Catalog("out/catalog.sqlite") as cat:
        assert cat.path == Path("out/catalog.sqlite")
    assert (tmp_path / "out" / "catalog.sqlite").exists()


def test_an_unwritable_place_is_a_catalog_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CatalogError, match="cannot open catalog"):
        Catalog(tmp_path / "file" / "catalog.sqlite")


def test_schema_is_versioned_and_journalled(tmp_path: Path) -> None:
    with Catalog(tmp_path / "c.sqlite") as cat:
        assert cat._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert cat._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_catalog_is_refused(tmp_path: Path) -> None:
    Catalog(tmp_path / "c.sqlite").close()
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(CatalogError, match="newer than this docpipe"):
        Catalog(tmp_path / "c.sqlite")


def test_files_that_are_not_catalogs_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(CatalogError, match="not a docpipe catalog"):
        Catalog(other)
    text = tmp_path / "notes.sqlite"
    text.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(CatalogError, match="not a docpipe catalog"):
        Catalog(text)


def test_a_closed_catalog_says_so(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.sqlite")
    cat.close()
    cat.close()  # closing twice is harmless
    with pytest.raises(CatalogError, match="closed"):
        cat.results()


def test_threads_can_share_a_catalog(catalog: Catalog) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for k in range(10):
                store(catalog, make_result(f"/inbox/{n}-{k}.docx", f"{n}{k}" * 32), MODEL)
                catalog.fingerprints()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(catalog.results()) == 40
