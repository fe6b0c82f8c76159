"""Ranked, faceted queries over the index, returning plain dataclasses."""
