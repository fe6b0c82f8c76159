"""Expanding prefix, wildcard and fuzzy words against the index's own vocabulary.

Full-text fields hold stemmed terms, so ``offensi*`` would miss "offens". Instead
``search.vocabulary`` matches the pattern against the stems and against the real words
behind stems that begin like it.
"""

from __future__ import annotations

import re
from typing import Any

from whoosh.support.charset import accent_map

from search.errors import QueryError

#: Most words one prefix/wildcard/fuzzy word may expand to.
MAX_EXPANSIONS = 1000
#: Longest word ``~`` accepts (edit-distance automata grow with the word).
MAX_FUZZY_WORD = 30


def fold(text: str) -> str:
    """Lower-case and strip accents, as the analyzers do."""
    return text.lower().translate(accent_map)


def expand_words(reader: Any, word: str, fuzzy: int | None, position: int) -> list[str]:
    """Stemmed index terms for a prefix/wildcard (``fuzzy`` None) or fuzzy word."""
    pattern = fold(word)
    if fuzzy is not None and ("*" in pattern or "?" in pattern):
        raise QueryError(f"{word!r} mixes a wildcard and '~'; use one or the other", position)
    if fuzzy is not None and len(pattern) > MAX_FUZZY_WORD:
        raise QueryError(f"fuzzy words are limited to {MAX_FUZZY_WORD} letters", position)
    if fuzzy is not None and fuzzy > 2:
        raise QueryError(f"fuzzy distance {fuzzy} is too large; use ~1 or ~2", position)
    if fuzzy is None and not re.sub(r"[*?]", "", pattern):
        raise QueryError(f"{word!r} has no letters to match", position)
    if reader is None:
        return []
    from search.vocabulary import fuzzy_stems, wildcard_stems  # imports this module

    if fuzzy is not None:
        terms = fuzzy_stems(reader, pattern, fuzzy or (1 if len(pattern) < 5 else 2))
    else:
        terms = wildcard_stems(reader, pattern, MAX_EXPANSIONS)
    if len(terms) > MAX_EXPANSIONS:
        raise QueryError(
            f"{word!r} matches more than {MAX_EXPANSIONS} words; type more letters", position
        )
    return sorted(terms)
