"""The fields a query may name, their aliases, and the full-text field weights: all
from the field registry (``index.fields``), plus how a typed place is spelt."""

from __future__ import annotations

from collections.abc import Mapping

from corpus.extract.places import canonical_place
from index.fields import DEFAULT_FIELD_BOOSTS, FIELD_ALIASES

__all__ = ["DEFAULT_FIELD_BOOSTS", "FIELD_ALIASES", "CodeNames", "coded_value", "place_value"]

#: The names a collection's codes stand for in the index (field -> code -> name), as
#: its generation records them (``index.store.GenerationMeta.code_names``).
CodeNames = Mapping[str, Mapping[str, str]]


def place_value(text: str) -> str:
    """A place as the corpus names it ("usa", "Raqqa" -> "United States", "Raqa")."""
    stripped = text.strip()
    if "*" in stripped or "?" in stripped:
        return stripped
    return canonical_place(stripped) or stripped


def coded_value(code_names: CodeNames, fieldname: str, value: str) -> str | None:
    """The name the index shows for a code typed as a value (``topic:acq`` ->
    "Mergers/Acquisitions"), or None when ``value`` is no code of the field."""
    return code_names.get(fieldname, {}).get(value.strip().lower())
