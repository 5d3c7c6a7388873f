"""The names ``docpipe`` exports lazily all resolve to what their modules define."""

from __future__ import annotations

import importlib

import docpipe


def test_every_export_resolves_to_its_module() -> None:
    for name, module in docpipe._EXPORTS.items():
        assert getattr(docpipe, name) is getattr(importlib.import_module(module), name)
