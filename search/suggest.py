"""Did-you-mean: respell unknown query words from the index's own vocabulary.

Only words the index has never seen (neither as typed nor as a stem) are corrected,
and candidates must share the first letter: that keeps Whoosh's edit-distance search
fast (milliseconds rather than a scan of the whole vocabulary) and suggestions sane.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from search.expand import fold
from search.query import QueryWord, analyze_words

#: Longer words are not respelled (edit-distance search grows with word length).
MAX_WORD = 30
#: Fields whose (unstemmed) vocabulary corrections come from, most useful first.
_SPELLING_SOURCES = ("body", "title")


def _spelling_fields(reader: Any) -> list[str]:
    return [name for name in _SPELLING_SOURCES if f"spell_{name}" in reader.schema]


def _frequency(reader: Any, word: str) -> int:
    return sum(reader.doc_frequency(f"spell_{name}", word) for name in _spelling_fields(reader))


def is_known(reader: Any, word: str) -> bool:
    """True when the index holds the word as typed or any word with the same stem."""
    if _frequency(reader, word):
        return True
    stems = [term for term, _ in analyze_words(word)]
    return any(reader.doc_frequency(name, stem) for stem in stems for name in _SPELLING_SOURCES)


def best_correction(reader: Any, word: str) -> str | None:
    """The closest, then most frequent, indexed word within two edits of ``word``."""
    for distance in (1, 2):
        candidates: set[str] = set()
        for name in _spelling_fields(reader):
            found = reader.terms_within(f"spell_{name}", word, distance, prefix=1)
            candidates.update(c.decode("utf-8") if isinstance(c, bytes) else c for c in found)
        candidates.discard(word)
        if candidates:
            return max(sorted(candidates), key=lambda c: _frequency(reader, c))
    return None


def suggest(reader: Any, query: str, words: Sequence[QueryWord]) -> str | None:
    """The query with misspelled words replaced, or None when nothing needs fixing."""
    corrected = query
    changed = False
    for word in sorted(words, key=lambda w: w.start, reverse=True):
        folded = fold(word.text)
        if not 3 <= len(folded) <= MAX_WORD or not folded.isalpha() or is_known(reader, folded):
            continue
        replacement = best_correction(reader, folded)
        if replacement is None:
            continue
        corrected = corrected[: word.start] + replacement + corrected[word.end :]
        changed = True
    return corrected if changed else None
