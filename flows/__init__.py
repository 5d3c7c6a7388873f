"""Prefect wiring for docpipe: thin tasks over the library (src/docpipe)."""
