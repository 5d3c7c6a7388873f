"""Helpers for reading Office Open XML packages safely; ``reading.ingest`` is the public entry."""
