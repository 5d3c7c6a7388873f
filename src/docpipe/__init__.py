"""docpipe: reads the Word files units submit, sorts their opinions into the 四风 categories and
drafts the campaign office's replies.

The stages, each a module: ingest (read .docx safely) → doctype/units (what it is, who sent it)
→ items (split into opinions and problems) → segment/classify (jieba + scikit-learn) →
summarise/review/drafts/progress/dashboard (what the office sends back); catalog and incremental
make reruns cheap and crash-safe; pipeline ties one document through the stages, outputs writes a
run's outputs from the catalog, and steps strings a whole run together (the Prefect flow calls
the same steps).  Imports are lazy so that `import docpipe` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "read_docx": "docpipe.reading.ingest",
    "read_docx_bytes": "docpipe.reading.ingest",
    "Limits": "docpipe.reading.ingest",
    "describe_document": "docpipe.understanding.doctype",
    "detect_doc_type": "docpipe.understanding.doctype",
    "resolve_unit": "docpipe.understanding.units",
    "split_items": "docpipe.understanding.items",
    "extract_rectifications": "docpipe.understanding.rectify",
    "Segmenter": "docpipe.classifying.segment",
    "tokenize": "docpipe.classifying.segment",
    "normalise": "docpipe.classifying.segment",
    "Classifier": "docpipe.classifying.predict",
    "load_classifier": "docpipe.classifying.predict",
    "classify_items": "docpipe.classifying.predict",
    "train_model": "docpipe.classifying.train",
    "evaluate_model": "docpipe.classifying.train",
    "summarise_unit": "docpipe.outputs.summarise",
    "write_unit_outputs": "docpipe.outputs.drafts",
    "write_region_outputs": "docpipe.outputs.drafts",
    "Catalog": "docpipe.storing.catalog",
    "scan_inbox": "docpipe.reading.inbox",
    "process_file": "docpipe.running.process",
    "process_files": "docpipe.running.process",
    "write_outputs": "docpipe.outputs.write",
    "run_local": "docpipe.running.batch",
    "load_taxonomy": "docpipe.taxonomy",
    "Taxonomy": "docpipe.taxonomy",
    "SourceDocument": "docpipe.records",
    "Paragraph": "docpipe.records",
    "Table": "docpipe.records",
    "Item": "docpipe.records",
    "Prediction": "docpipe.records",
    "ClassifiedItem": "docpipe.records",
    "DocumentResult": "docpipe.records",
    "UnitSummary": "docpipe.records",
    "RunReport": "docpipe.records",
    "DocStatus": "docpipe.records",
    "ErrorCode": "docpipe.records",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'docpipe' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
