"""Round trips between every record and JSON, and the errors bad data gets."""

from __future__ import annotations

import dataclasses
import inspect
import json
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docpipe import records
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
    Rejection,
    RunReport,
    SourceDocument,
    Table,
    UnitInfo,
    UnitSummary,
)
from docpipe.serialize import SerializeError, dumps, dumps_value, from_dict, loads, to_dict

# Text as the pipeline meets it: any character, plus the lone surrogates os.fsdecode makes of
# file-name bytes that are not UTF-8 (a GBK name copied from Windows).
_fs_bytes = st.sampled_from([chr(c) for c in range(0xDC80, 0xDD00)])
text = st.text(
    st.one_of(st.characters(), st.sampled_from("中文，、（）\\\"'\n\t"), _fs_bytes), max_size=12
)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)  # what SQLite can hold
floats = st.floats(allow_nan=False)  # NaN is never equal to itself; infinities round-trip


def tuples(strategy: st.SearchStrategy, max_size: int = 3) -> st.SearchStrategy:
    return st.lists(strategy, max_size=max_size).map(tuple)


paragraphs = st.builds(
    Paragraph,
    text=text,
    style=text,
    numbering=text,
    level=st.none() | ints,
    table=st.none() | st.tuples(ints, ints, ints),
)
tables = st.builds(Table, index=ints, rows=tuples(tuples(text)), depth=ints)
source_documents = st.builds(
    SourceDocument,
    path=text,
    sha256=text,
    status=st.sampled_from(DocStatus),
    paragraphs=tuples(paragraphs),
    tables=tuples(tables),
    error_code=st.none() | st.sampled_from(ErrorCode),
    message=text,
    text_hash=text,
    size=ints,
    headers=tuples(text),
    footers=tuples(text),
    footnotes=tuples(text),
    endnotes=tuples(text),
    comments=tuples(text),
    flags=tuples(text),
    duplicate_of=text,
)
unit_infos = st.builds(
    UnitInfo, name=text, group=text, batch=text, aliases=tuples(text), known=st.booleans()
)
inbox_files = st.builds(InboxFile, path=text, relpath=text, unit=text)
doc_infos = st.builds(
    DocInfo,
    doc_type=text,
    doc_type_confidence=floats,
    unit=text,
    unit_source=text,
    unit_known=st.booleans(),
    title=text,
)
items = st.builds(
    Item,
    path=text,
    unit=text,
    doc_type=text,
    index=ints,
    text=text,
    heading_path=tuples(text),
    locator=text,
    fields=st.dictionaries(text, text, max_size=3),
    hint=text,
)
predictions = st.builds(
    Prediction,
    label=text,
    probabilities=st.dictionaries(text, floats, max_size=5),
    merged_label=text,
    needs_review=st.booleans(),
    secondary=text,
    terms=tuples(text),
)
classified_items = st.builds(ClassifiedItem, item=items, prediction=predictions)
document_results = st.builds(
    DocumentResult,
    source=inbox_files,
    document=source_documents,
    info=st.none() | doc_infos,
    items=tuples(classified_items),
)
counts = st.dictionaries(text, ints, max_size=4)
unit_summaries = st.builds(
    UnitSummary,
    unit=text,
    group=text,
    batch=text,
    known=st.booleans(),
    documents=ints,
    rejected=ints,
    doc_types=counts,
    items=ints,
    counts=counts,
    merged_counts=counts,
    needs_review=ints,
)
rejections = st.builds(Rejection, path=text, unit=text, error_code=text, message=text)
run_reports = st.builds(
    RunReport,
    inbox=text,
    out_dir=text,
    model_version=text,
    documents=ints,
    processed=ints,
    rejected=tuples(rejections),
    duplicates=tuples(st.tuples(text, text)),
    units=tuples(unit_summaries, max_size=2),
    outputs=st.dictionaries(text, text, max_size=3),
)

STRATEGIES: dict[type, st.SearchStrategy] = {
    Paragraph: paragraphs,
    Table: tables,
    SourceDocument: source_documents,
    UnitInfo: unit_infos,
    InboxFile: inbox_files,
    DocInfo: doc_infos,
    Item: items,
    Prediction: predictions,
    ClassifiedItem: classified_items,
    DocumentResult: document_results,
    UnitSummary: unit_summaries,
    Rejection: rejections,
    RunReport: run_reports,
}


def test_every_record_has_a_round_trip_strategy() -> None:
    record_types = {
        obj
        for _, obj in inspect.getmembers(records, inspect.isclass)
        if dataclasses.is_dataclass(obj) and obj.__module__ == records.__name__
    }
    assert record_types == set(STRATEGIES)


@pytest.mark.parametrize("cls", list(STRATEGIES), ids=lambda c: c.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_round_trip(cls: type, data: st.DataObject) -> None:
    record = data.draw(STRATEGIES[cls])
    assert from_dict(cls, to_dict(record)) == record
    text_form = dumps(record)
    text_form.encode("utf-8")  # valid UTF-8 even with lone surrogates in file names
    assert loads(cls, text_form) == record
    assert loads(cls, text_form.encode("utf-8")) == record
    assert dumps(loads(cls, text_form)) == text_form  # stable


@settings(max_examples=40, deadline=None)
@given(record=document_results)
def test_to_dict_output_is_plain_json(record: DocumentResult) -> None:
    plain = to_dict(record)
    assert json.loads(json.dumps(plain)) == plain


def test_enums_by_value_tuples_as_lists_and_sorted_readable_json() -> None:
    doc = SourceDocument(
        path="单位/意见.docx",
        sha256="00",
        status=DocStatus.REJECTED,
        error_code=ErrorCode.LEGACY_DOC,
        paragraphs=(Paragraph("一、形式主义", table=(1, 2, 3)),),
    )
    plain = to_dict(doc)
    assert plain["status"] == "rejected"
    assert type(plain["status"]) is str
    assert plain["error_code"] == "legacy_doc"
    assert plain["paragraphs"][0]["table"] == [1, 2, 3]
    text_form = dumps(doc)
    assert "一、形式主义" in text_form  # not \\u escapes
    keys = list(json.loads(text_form))
    assert keys == sorted(keys)
    assert "\n" in dumps(doc, indent=2)


def test_lone_surrogates_are_escaped_not_dropped() -> None:
    source = InboxFile(path="收文/\udcb9\udcab.docx", relpath="\udcb9\udcab.docx", unit="")
    text_form = dumps(source)
    assert "\\udcb9\\udcab" in text_form
    assert loads(InboxFile, text_form) == source
    assert dumps_value(["a\udcff", "中"]) == '["a\\udcff","中"]'


def test_missing_keys_take_the_defaults() -> None:
    assert from_dict(Paragraph, {"text": "意见"}) == Paragraph("意见")
    item = from_dict(
        Item, {"path": "a.docx", "unit": "甲", "doc_type": "opinions", "index": 0, "text": "x"}
    )
    assert item.fields == {}
    assert item.heading_path == ()


def test_whole_numbers_are_accepted_for_floats() -> None:
    prediction = from_dict(
        Prediction,
        {
            "label": "其他",
            "probabilities": {"其他": 1},
            "merged_label": "其他",
            "needs_review": False,
        },
    )
    assert prediction.probabilities == {"其他": 1.0}
    assert type(prediction.probabilities["其他"]) is float


def test_mappings_of_any_kind_serialise() -> None:
    item = Item("a", "u", "t", 0, "x", fields=MappingProxyType({"提出方式": "座谈会"}))
    assert to_dict(item)["fields"] == {"提出方式": "座谈会"}


@pytest.mark.parametrize(
    ("cls", "data", "message"),
    [
        (Paragraph, {"text": "x", "colour": "red"}, "unknown field(s) colour"),
        (Paragraph, {"text": 3}, "Paragraph.text: expected a string, got int"),
        (Paragraph, {"text": "x", "level": True}, "Paragraph.level: expected an integer"),
        (Paragraph, {"text": "x", "table": [1, 2]}, "Paragraph.table"),
        (Paragraph, {}, "Paragraph: "),
        (Paragraph, ["x"], "expected an object, got list"),
        (SourceDocument, {"path": "a", "sha256": "b", "status": "lost"}, "is not a DocStatus"),
        (DocInfo, {"doc_type": "x", "doc_type_confidence": "high"}, "expected a number"),
        (ClassifiedItem, {"item": {"path": "a"}, "prediction": {}}, "ClassifiedItem.item: Item"),
        (RunReport, {"duplicates": [["a"]]}, "RunReport.duplicates"),
    ],
)
def test_bad_data_names_the_field(cls: type, data: object, message: str) -> None:
    with pytest.raises(SerializeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_dict(cls, data)  # type: ignore[arg-type]


def test_numpy_scalars_become_plain_numbers() -> None:
    np = pytest.importorskip("numpy")
    prediction = Prediction(
        label="其他",
        probabilities={"其他": np.float32(0.5), "形式主义": np.float64(0.5)},
        merged_label="其他",
        needs_review=np.bool_(True),  # type: ignore[arg-type]
    )
    plain = to_dict(prediction)
    assert plain["probabilities"] == {"其他": 0.5, "形式主义": 0.5}
    assert type(plain["needs_review"]) is bool
    assert all(type(p) is float for p in plain["probabilities"].values())
    assert loads(Prediction, dumps(prediction)) == prediction
    assert to_dict(Item("a", "u", "t", np.int64(3), "x"))["index"] == 3  # type: ignore[arg-type]


def test_bad_json_is_a_serialize_error() -> None:
    with pytest.raises(SerializeError, match="not JSON"):
        loads(Paragraph, "{")


def test_only_record_instances_and_classes_are_accepted() -> None:
    with pytest.raises(TypeError):
        to_dict(Paragraph)
    with pytest.raises(TypeError):
        to_dict({"text": "x"})
    with pytest.raises(TypeError):
        from_dict(dict, {})  # type: ignore[type-var]
    with pytest.raises(TypeError, match="cannot serialise"):
        to_dict(Item("a", "u", "t", 0, "x", fields={"k": object()}))  # type: ignore[dict-item]
