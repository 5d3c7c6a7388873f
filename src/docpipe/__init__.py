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
    "read_docx": "docpipe.ingest",
    "read_docx_bytes": "docpipe.ingest",
    "Limits": "docpipe.ingest",
    "describe_document": "docpipe.doctype",
    "detect_doc_type": "docpipe.doctype",
    "resolve_unit": "docpipe.units",
    "split_items": "docpipe.items",
    "extract_rectifications": "docpipe.rectify",
    "Segmenter": "docpipe.segment",
    "tokenize": "docpipe.segment",
    "normalise": "docpipe.segment",
    "Classifier": "docpipe.classify",
    "load_classifier": "docpipe.classify",
    "classify_items": "docpipe.classify",
    "train_model": "docpipe.model",
    "evaluate_model": "docpipe.model",
    "summarise_unit": "docpipe.summarise",
    "write_unit_outputs": "docpipe.drafts",
    "write_region_outputs": "docpipe.drafts",
    "Catalog": "docpipe.catalog",
    "scan_inbox": "docpipe.inbox",
    "process_file": "docpipe.pipeline",
    "process_files": "docpipe.pipeline",
    "write_outputs": "docpipe.outputs",
    "run_local": "docpipe.steps",
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
