"""Did-you-mean: respell unknown query words from the index's own vocabulary.

Only words the index has never seen (as a stem) are corrected. Candidates are stems
within one, then two, edits of the typed word or of its stem, sharing its first letter
(edit distances computed in C by rapidfuzz over that letter's cached stems). Each
stem is shown as the
real word behind it closest to what was typed ("government", never the stem "govern").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from search.expand import fold
from search.query import QueryWord
from search.vocabulary import (
    doc_frequency,
    edit_distance,
    stem_distances,
    stem_of,
    surface_words,
    truncated_stems,
)

#: Longer words are not respelled (edit-distance search grows with word length).
MAX_WORD = 30
#: Most edits between the typed word and the real word suggested for it.
MAX_EDITS = 2
#: Commonest candidate stems mapped back to real words before choosing one.
CANDIDATES = 5


def is_known(reader: Any, word: str) -> bool:
    """True when the index holds the word's stem (stop words count as known)."""
    stem = stem_of(word)
    return stem is None or doc_frequency(reader, stem) > 0


def best_correction(reader: Any, word: str) -> str | None:
    """The real word closest to ``word`` (at most two edits), commoner stems first."""
    own_stem = stem_of(word)
    truncated = truncated_stems(reader, word)
    distances = stem_distances(reader, word, 2)
    for distance in (1, 2):
        near = {stem for stem, found in distances.items() if found <= distance}
        stems = (near | truncated) - {own_stem}
        ranked = sorted(stems, key=lambda stem: (-doc_frequency(reader, stem), stem))
        choices = [
            (edit_distance(real, word), rank, -count, real)
            for rank, stem in enumerate(ranked[:CANDIDATES])
            for real, count in surface_words(reader, stem).items()
            if real != word
        ]
        close = [choice for choice in choices if choice[0] <= MAX_EDITS]
        if close:
            return min(close)[3]
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
