"""Did-you-mean: respell unknown query words from the index's own vocabulary.

Only words the index has never seen (as a stem) are corrected. Candidates are stems
within one, then two, edits of the typed word or of its stem, sharing its first letter
(edit distances computed in C by rapidfuzz over that letter's cached stems). Each
stem is shown as the
real word behind it closest to what was typed ("government", never the stem "govern").
"""

from __future__ import annotations

from collections.abc import Sequence

from search.query.analysis import fold
from search.query.parser import QueryWord
from search.words.vocabulary import Vocabulary, edit_distance, stem_of

#: Longer words are not respelled (edit-distance search grows with word length).
MAX_WORD = 30
#: Most edits between the typed word and the real word suggested for it.
MAX_EDITS = 2
#: Commonest candidate stems mapped back to real words before choosing one.
CANDIDATES = 5


def is_known(vocabulary: Vocabulary, word: str) -> bool:
    """True when the index holds the word's stem (stop words count as known)."""
    stem = stem_of(word)
    return stem is None or vocabulary.doc_frequency(stem) > 0


def best_correction(vocabulary: Vocabulary, word: str) -> str | None:
    """The real word closest to ``word`` (at most two edits), commoner stems first."""
    own_stem = stem_of(word)
    truncated = vocabulary.truncated_stems(word)
    distances = vocabulary.stem_distances(word, 2)
    for distance in (1, 2):
        near = {stem for stem, found in distances.items() if found <= distance}
        stems = (near | truncated) - {own_stem}
        ranked = sorted(stems, key=lambda stem: (-vocabulary.doc_frequency(stem), stem))
        choices = [
            (edit_distance(real, word), rank, -count, real)
            for rank, stem in enumerate(ranked[:CANDIDATES])
            for real, count in vocabulary.surface_words(stem).items()
            if real != word
        ]
        close = [choice for choice in choices if choice[0] <= MAX_EDITS]
        if close:
            return min(close)[3]
    return None


def suggest(vocabulary: Vocabulary, query: str, words: Sequence[QueryWord]) -> str | None:
    """The query with misspelled words replaced, or None when nothing needs fixing."""
    corrected = query
    changed = False
    for word in sorted(words, key=lambda w: w.start, reverse=True):
        folded = fold(word.text)
        if not 3 <= len(folded) <= MAX_WORD or not folded.isalpha() or is_known(vocabulary, folded):
            continue
        replacement = best_correction(vocabulary, folded)
        if replacement is None:
            continue
        corrected = corrected[: word.start] + replacement + corrected[word.end :]
        changed = True
    return corrected if changed else None
