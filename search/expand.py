"""Expanding prefix, wildcard and fuzzy words against the index's own vocabulary.

Full-text fields hold stemmed terms, so ``offensi*`` would miss "offens". Instead the
pattern is matched against the unstemmed spelling fields (``spell_body``,
``spell_title``) and each matching word is stemmed, which also bounds the expansion.
"""

from __future__ import annotations

import re
from typing import Any

from whoosh import query as wq
from whoosh.support.charset import accent_map

from search.errors import QueryError

#: Most words one prefix/wildcard/fuzzy word may expand to.
MAX_EXPANSIONS = 1000
#: Longest word ``~`` accepts (edit-distance automata grow with the word).
MAX_FUZZY_WORD = 30
_SPELLING_FIELDS = ("spell_body", "spell_title")


def fold(text: str) -> str:
    """Lower-case and strip accents, as the analyzers do."""
    return text.lower().translate(accent_map)


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _vocabulary_fields(reader: Any) -> list[str]:
    present = [name for name in _SPELLING_FIELDS if name in reader.schema]
    return present or ["body"]


def expand_words(reader: Any, word: str, fuzzy: int | None, position: int) -> list[str]:
    """Stemmed index terms for a prefix/wildcard (``fuzzy`` None) or fuzzy word."""
    from search.query import analyze_words  # the one analyzer; avoids an import cycle

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
    words: set[str] = set()
    for name in _vocabulary_fields(reader):
        if fuzzy is not None:
            distance = fuzzy or (1 if len(pattern) < 5 else 2)
            found = reader.terms_within(name, pattern, distance, prefix=1)
        else:
            found = wq.Wildcard(name, pattern)._btexts(reader)
        for term in found:
            words.add(_decode(term))
            if len(words) > MAX_EXPANSIONS:
                raise QueryError(
                    f"{word!r} matches more than {MAX_EXPANSIONS} words; type more letters",
                    position,
                )
    terms: set[str] = set()
    for found_word in words:
        terms.update(term for term, _ in analyze_words(found_word))
    return sorted(terms)
