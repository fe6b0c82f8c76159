"""Matching one word inside multi-word facet values (``credit:kilic`` -> "Bulent Kilic").

Facet fields index each whole value as one term, which is right for filters but means a
typed ``person:baker`` would only match a person literally named "baker".  A word ->
terms map per reader (built lazily from the field's small lexicon) lets a field query
match values by any of their words too.
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

_SPLIT = re.compile(r"[\s\-/.]+")
_LOCK = threading.Lock()
_CACHE: weakref.WeakKeyDictionary[Any, dict[str, dict[str, list[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _word_map(reader: Any, fieldname: str) -> dict[str, list[str]]:
    with _LOCK:
        per_reader = _CACHE.setdefault(reader, {})
        if fieldname not in per_reader:
            words: dict[str, list[str]] = {}
            for raw in reader.lexicon(fieldname):
                term = _decode(raw)
                for word in {w for w in _SPLIT.split(term) if w}:
                    words.setdefault(word, []).append(term)
            per_reader[fieldname] = words
        return per_reader[fieldname]


def matching_values(reader: Any, fieldname: str, value: str) -> list[str]:
    """Indexed terms of ``fieldname`` equal to ``value`` or containing it as a word."""
    if reader is None or fieldname not in reader.schema:
        return [value]
    if reader.doc_frequency(fieldname, value):
        return [value]
    words = [w for w in _SPLIT.split(value) if w]
    if len(words) != 1:
        return [value]
    return sorted(_word_map(reader, fieldname).get(words[0], [])) or [value]
