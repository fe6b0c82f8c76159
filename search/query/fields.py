"""The fields a query may name, their aliases, and the full-text field weights: all
from the field registry (``index.fields``), plus how a typed place is spelt."""

from __future__ import annotations

from corpus.extract.places import canonical_place
from index.fields import DEFAULT_FIELD_BOOSTS, FIELD_ALIASES

__all__ = ["DEFAULT_FIELD_BOOSTS", "FIELD_ALIASES", "place_value"]


def place_value(text: str) -> str:
    """A place as the corpus names it ("usa", "Raqqa" -> "United States", "Raqa")."""
    stripped = text.strip()
    if "*" in stripped or "?" in stripped:
        return stripped
    return canonical_place(stripped) or stripped
