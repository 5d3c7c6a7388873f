"""Helpers for reading Office Open XML packages safely; ``docpipe.ingest`` is the public entry."""
