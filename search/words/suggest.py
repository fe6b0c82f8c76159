"""Did-you-mean: respell unknown query words from the index's own vocabulary.

Words the index has never seen (as a stem) are corrected, and so are words it holds only
in a few articles (``RARE_DOCS``) beside a close word ``COMMONER`` times as common: a
typo that made it into the archive ("goverment", in 9 Reuters stories beside
"government" in thousands) is still a typo. Candidates are stems
within one, then two, edits of the typed word or of its stem, sharing its first letter
(edit distances computed in C by rapidfuzz over that letter's cached stems). Each
stem is shown as the
real word behind it closest to what was typed ("government", never the stem "govern").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from whoosh import query as wq

from search.query.analysis import fold
from search.query.parser import QueryWord, any_field
from search.words.vocabulary import Vocabulary, edit_distance, stem_of

#: Longer words are not respelled (edit-distance search grows with word length).
MAX_WORD = 30
#: Most edits between the typed word and the real word suggested for it.
MAX_EDITS = 2
#: Commonest candidate stems mapped back to real words before choosing one.
CANDIDATES = 5
#: A word in at most this many articles is respelled when a word one edit away is ...
RARE_DOCS = 10
#: ... at least this many times as common (on BBC, 50 with two edits respelled 4% of
#: rare real words, "tired" -> "time"; one edit and 200 times, 0.3%).
COMMONER = 200


#: An unknown word that begins at most this many indexed words is read as unfinished.
COMPLETIONS = 50


def completion(vocabulary: Vocabulary, word: str) -> str | None:
    """The commonest real word that ``word`` (unknown) begins: a word left unfinished
    ("greensp" -> "greenspan", where the nearest spelling would be "green")."""
    for stem in vocabulary.completions(word, COMPLETIONS):
        words = [real for real in vocabulary.surface_words(stem) if real.startswith(word)]
        if words:
            return max(words, key=lambda real: (vocabulary.surface_words(stem)[real], real))
    return None


def respelling(vocabulary: Vocabulary, word: str, frequency: int) -> str | None:
    """The word to suggest instead of ``word`` (folded; its stem is in ``frequency``
    articles), or None to keep it."""
    if frequency > RARE_DOCS:
        return None
    if frequency == 0 and (completed := completion(vocabulary, word)) is not None:
        return completed
    replacement = best_correction(vocabulary, word)
    if replacement is None or frequency == 0:
        return replacement
    if edit_distance(replacement, word) > 1:
        return None
    other = stem_of(replacement)
    if other is not None and vocabulary.doc_frequency(other) >= COMMONER * frequency:
        return replacement
    return None


def best_correction(vocabulary: Vocabulary, word: str) -> str | None:
    """The real word closest to ``word`` (at most two edits), commoner stems first."""
    own_stem = stem_of(word)
    truncated = vocabulary.truncated_stems(word)
    distances = vocabulary.stem_distances(word, 2)
    for distance in (1, 2):
        near = {stem for stem, found in distances.items() if found <= distance}
        stems = (near | truncated) - {own_stem}
        ranked = vocabulary.commonest(stems)
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


#: Articles holding every one of some stems, in any searched field.
ArticlesWith = Callable[[Sequence[str]], int]


def suggest(
    vocabulary: Vocabulary,
    query: str,
    words: Sequence[QueryWord],
    articles_with: ArticlesWith | None = None,
    article_count: int = 0,
) -> str | None:
    """The query with misspelled words replaced, or None when nothing needs fixing.

    With ``articles_with`` (and the collection's ``article_count``), a respelling must
    also go with the query's other words: the articles holding it hold them at least
    ``TOGETHER`` times as often as articles at large do ("wheat exports" is not "what
    exports", nor "comet landing" "come landing"; "intrest rates" is "interest rates").
    """
    values = [word for word in words if word.field]
    words = [word for word in words if not word.field]
    folded_words = {word: fold(word.text) for word in words}
    stems = {word: stem_of(folded) for word, folded in folded_words.items()}
    # (stop words, with no stem, are neither respelled nor weighed against)
    frequencies = {
        word: vocabulary.doc_frequency(stem) for word, stem in stems.items() if stem is not None
    }
    known = {
        word: stem for word, stem in stems.items() if stem is not None and frequencies[word] > 0
    }
    corrected = query
    changed = False
    for word in sorted([*words, *values], key=lambda w: w.start, reverse=True):
        if word.field:
            if query[word.start : word.end] != word.text:  # (never a value written otherwise)
                continue
            replacement = closest_value(vocabulary, word.field, fold(word.text))
        else:
            folded = folded_words[word]
            if word not in frequencies or not 3 <= len(folded) <= MAX_WORD or not folded.isalpha():
                continue
            replacement = respelling(vocabulary, folded, frequencies[word])
            others = sorted({stem for other, stem in known.items() if other is not word})
            if (
                replacement is not None
                and articles_with is not None
                and not _goes_with(replacement, others, articles_with, article_count)
            ):
                continue
        if replacement is None:
            continue
        corrected = corrected[: word.start] + replacement + corrected[word.end :]
        changed = True
    return corrected if changed else None


def closest_value(vocabulary: Vocabulary, field: str, typed: str) -> str | None:
    """The value of facet ``field`` closest to ``typed`` (which no article holds): at most
    one edit for a short value, two for a longer one, the same first letter; ties go to
    the commoner value ("brazill" -> "brazil", "james bker" -> "james baker")."""
    if not 3 <= len(typed) <= MAX_WORD * 2:
        return None
    most = 1 if len(typed) <= 5 else MAX_EDITS
    near = [
        (distance, value)
        for value in vocabulary.terms_starting(field, typed[0])
        if abs(len(value) - len(typed)) <= most
        and (distance := edit_distance(value, typed)) <= most
    ]
    if not near:
        return None
    return min(near, key=lambda n: (n[0], -vocabulary.field_frequency(field, n[1]), n[1]))[1]


#: How much likelier the other words must be beside a respelling than anywhere.
TOGETHER = 1.5


def _goes_with(
    replacement: str, others: list[str], articles_with: ArticlesWith, article_count: int
) -> bool:
    stem = stem_of(replacement)
    if stem is None or not others or article_count <= 0:
        return True  # nothing to weigh it against
    with_others = articles_with(others)
    with_it = articles_with([stem])
    if not with_others or not with_it:
        return True
    both = articles_with([stem, *others])
    return both * article_count > TOGETHER * with_it * with_others


def holding_all(stems: Sequence[str], fields: Sequence[tuple[str, float]]) -> wq.Query:
    """Articles holding every one of ``stems``, each in any of ``fields``."""
    return wq.And([any_field(fields, [(stem, 0)], single=True) for stem in stems])
