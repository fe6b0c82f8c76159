"""Query words analysed as the index analyses text, and the checks on patterns.

``analyze_words`` runs the full-text fields' own analyzer (``index.schema``), so a
query word becomes exactly the term the index holds; ``fold`` is the facet fields' rule.
"""

from __future__ import annotations

import re

from whoosh.support.charset import accent_map

from index.schema import build_schema
from search.errors import QueryError

#: Longest word ``~`` accepts (edit-distance automata grow with the word).
MAX_FUZZY_WORD = 30

_TEXT_ANALYZER = build_schema()["body"].analyzer


def fold(text: str) -> str:
    """Lower-case and strip accents, as the analyzers do."""
    return text.lower().translate(accent_map)


def analyze_words(text: str) -> list[tuple[str, int]]:
    """(stemmed term, position) pairs as the full-text fields index them."""
    return [(token.text, token.pos) for token in _TEXT_ANALYZER(text, positions=True)]


def check_pattern(word: str, fuzzy: int | None, position: int) -> str:
    """The folded prefix/wildcard (``fuzzy`` None) or fuzzy word, checked: a
    ``QueryError`` at ``position`` for a pattern no index could answer."""
    pattern = fold(word)
    if fuzzy is not None and ("*" in pattern or "?" in pattern):
        raise QueryError(f"{word!r} mixes a wildcard and '~'; use one or the other", position)
    if fuzzy is not None and len(pattern) > MAX_FUZZY_WORD:
        raise QueryError(f"fuzzy words are limited to {MAX_FUZZY_WORD} letters", position)
    if fuzzy is not None and fuzzy > 2:
        raise QueryError(f"fuzzy distance {fuzzy} is too large; use ~1 or ~2", position)
    if fuzzy is None and not re.sub(r"[*?]", "", pattern):
        raise QueryError(f"{word!r} has no letters to match", position)
    return pattern
