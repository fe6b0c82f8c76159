"""Real words recovered from the index's stemmed vocabulary.

The full-text fields hold only stems ("govern", "economi"). Whoosh's ``spelling=True``
would keep every unstemmed word in extra fields, but those cost about 40% of indexing
time. The two features that need real words -- did-you-mean and prefix/wildcard
expansion -- instead map a stem back to the words it came from by re-reading a few
stored articles that contain it: a handful of documents per stem, only at query time.
"""

from __future__ import annotations

import fnmatch
import re
import threading
import weakref
from collections import Counter
from functools import lru_cache
from itertools import islice
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.segment_arrays import leaf_arrays
from index.whoosh_adapter import wildcard_terms
from search.expand import fold
from search.query import analyze_words

#: Fields whose vocabulary is searched, most useful first.
TEXT_SOURCES = ("body", "title")
#: Articles re-read to find the words behind a stem (the first ones in the postings).
SAMPLE_DOCS = 3
#: Articles re-read, at most, to confirm that a stem has a word matching a pattern.
CONFIRM_DOCS = 20


def edit_distance(first: str, second: str, limit: int | None = None) -> int:
    """Whoosh's ``damerau_levenshtein`` (optimal string alignment: adjacent swaps count
    one edit), computed in C by rapidfuzz; past ``limit`` any value above it is returned."""
    return int(OSA.distance(first, second, score_cutoff=limit))


def present_fields(reader: Any) -> list[str]:
    return [name for name in TEXT_SOURCES if name in reader.schema]


def decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


@lru_cache(maxsize=4096)
def stem_of(word: str) -> str | None:
    """The term ``word`` is indexed as, or None for stop words and non-words."""
    terms = analyze_words(word)
    return terms[0][0] if len(terms) == 1 else None


def doc_frequency(reader: Any, term: str) -> int:
    """Articles holding ``term`` in any full-text source field (an upper bound).

    Whoosh's document frequency is the number of postings (deleted documents count
    until segments merge), which each segment's postings file gives in one search.
    """
    encoded = term.encode("utf-8")
    fields = present_fields(reader)
    return sum(
        postings.doc_frequency(name, encoded) for postings in leaf_arrays(reader) for name in fields
    )


def _words_near(text: str, stem: str) -> list[str]:
    """Words in folded ``text`` that could stem to ``stem``.

    Porter stems keep all but at most the last two letters of the word's start
    ("happi" < "happy", "hope" < "hoping"), so a regex on that head is a cheap filter.
    """
    head = re.escape(stem[: max(1, len(stem) - 2)])
    return re.findall(rf"(?<!\w){head}\w*(?:\.\w+)*", text)


def _documents(reader: Any, field: str, term: str, limit: int) -> list[str]:
    """Folded stored text of up to ``limit`` live articles holding ``term``."""
    if not reader.doc_frequency(field, term):
        return []
    docnums = islice(reader.postings(field, term).all_ids(), limit)
    return [fold(str(reader.stored_fields(docnum).get(field) or "")) for docnum in docnums]


def surface_words(reader: Any, stem: str, limit: int = SAMPLE_DOCS) -> Counter[str]:
    """Lower-cased words indexed as ``stem``, counted in a few articles that hold it.

    Kept per reader: did-you-mean asks again for the same stems at its second distance.
    The result is shared: do not change it.
    """
    cache = _vocabulary(reader)
    key = (stem, limit)
    with cache.lock:
        found = cache.surface.get(key)
    if found is not None:
        return found
    counts: Counter[str] = Counter()
    for field in present_fields(reader):
        for text in _documents(reader, field, stem, limit):
            counts.update(word for word in _words_near(text, stem) if stem_of(word) == stem)
        if counts:
            break
    with cache.lock:
        if len(cache.surface) >= SURFACE_CACHE:
            cache.surface.clear()
        cache.surface[key] = counts
    return counts


def _has_word_matching(reader: Any, stem: str, pattern: str) -> bool:
    for field in present_fields(reader):
        for text in _documents(reader, field, stem, CONFIRM_DOCS):
            if any(
                fnmatch.fnmatchcase(word, pattern) and stem_of(word) == stem
                for word in set(_words_near(text, stem))
            ):
                return True
    return False


def _literal_prefix(pattern: str) -> str:
    return re.split(r"[*?]", pattern, maxsplit=1)[0]


def wildcard_stems(reader: Any, pattern: str, limit: int) -> set[str]:
    """Stems of the indexed words that match a folded ``*``/``?`` pattern.

    Stems matching the pattern themselves count directly ("hawi*" -> "hawija"). A stem
    that the pattern's start extends, give or take the stem's last letter ("offens"
    for "offensi*", "happi" for "happy*"), counts when one of its real words matches,
    checked in up to ``CONFIRM_DOCS`` articles. Stops early once
    more than ``limit`` stems match (the caller refuses such broad patterns).
    """
    prefix = _literal_prefix(pattern)
    stems: set[str] = set()
    for name in present_fields(reader):
        for term in wildcard_terms(reader, name, pattern):
            stems.add(decode(term))
            if len(stems) > limit:
                return stems
    if len(prefix) < 3:
        return stems
    near: set[str] = set()
    for name in present_fields(reader):
        for term in reader.expand_prefix(name, prefix[:3]):
            stem = decode(term)
            if len(stem) <= len(prefix) + 1 and prefix.startswith(stem[:-1]):
                near.add(stem)
    stems.update(stem for stem in near - stems if _has_word_matching(reader, stem, pattern))
    return stems


class _Vocabulary:
    """Stems of the full-text fields by first letter and length, for one reader, and
    the real words found behind stems.

    Walking Whoosh's term index costs microseconds per term in Python; did-you-mean
    and fuzzy words scan every stem sharing the typed word's first letter, so each
    letter's stems are read once per reader (searcher) and kept, grouped by length.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_letter: dict[str, dict[int, list[str]]] = {}
        self.surface: dict[tuple[str, int], Counter[str]] = {}


#: Stems whose real words are kept per reader (a few words each).
SURFACE_CACHE = 4096

_VOCABULARIES: weakref.WeakKeyDictionary[Any, _Vocabulary] = weakref.WeakKeyDictionary()
_VOCABULARIES_LOCK = threading.Lock()


def _vocabulary(reader: Any) -> _Vocabulary:
    with _VOCABULARIES_LOCK:
        cache = _VOCABULARIES.get(reader)
        if cache is None:
            cache = _VOCABULARIES[reader] = _Vocabulary()
        return cache


def _stems_starting(reader: Any, letter: str) -> dict[int, list[str]]:
    """Every stem starting with ``letter``, sorted, by length."""
    cache = _vocabulary(reader)
    with cache.lock:
        found = cache.by_letter.get(letter)
        if found is None:
            # Each segment's terms, unmerged (Whoosh's merge costs more): one slice of
            # each segment's postings file.
            raw: set[bytes] = set()
            for postings in leaf_arrays(reader):
                for name in present_fields(reader):
                    raw.update(postings.terms_starting(name, letter.encode()))
            found = {}
            for stem in sorted(term.decode("utf-8") for term in raw):
                found.setdefault(len(stem), []).append(stem)
            cache.by_letter[letter] = found
        return found


def warm_stems(reader: Any) -> None:
    """Read every letter's stems now (did-you-mean's first use of a letter is then fast)."""
    for letter in "abcdefghijklmnopqrstuvwxyz0123456789":
        _stems_starting(reader, letter)


def stem_distances(reader: Any, word: str, maxdist: int) -> dict[str, int]:
    """Stems sharing ``word``'s first letter within ``maxdist`` edits of it or its stem.

    One pass (in C, rapidfuzz) over that letter's stems of plausible lengths. (On a
    multi-segment index Whoosh's ``terms_within`` computes a full edit distance in
    Python for every term, once per field and distance.)
    """
    found: dict[str, int] = {}
    by_length = _stems_starting(reader, word[:1])
    for probe in dict.fromkeys((word, stem_of(word) or word)):
        lengths = range(len(probe) - maxdist, len(probe) + maxdist + 1)
        stems = [stem for length in lengths for stem in by_length.get(length, ())]
        near = process.extract(probe, stems, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        for stem, distance, _ in near:
            if distance < found.get(stem, maxdist + 1):
                found[stem] = int(distance)
    return found


def fuzzy_stems(reader: Any, word: str, distance: int) -> set[str]:
    """Stems within ``distance`` edits of the folded ``word`` or of its own stem."""
    return set(stem_distances(reader, word, distance))


def truncated_stems(reader: Any, word: str, head: int = 3) -> set[str]:
    """Stems (4+ letters) one edit away from a start of ``word``.

    A misspelt ending defeats the stemmer ("unemploymnet" keeps its whole tail), so
    the stems of the real word ("unemploy") are found by comparing each stem with the
    typed word cut to about the stem's length. Scans only stems sharing ``head`` letters
    (among the per-letter stems that ``stem_distances`` reads anyway).
    """
    found: set[str] = set()
    start = word[:head]
    by_length = _stems_starting(reader, word[:1])
    for length in range(4, len(word) + 2):
        for stem in by_length.get(length, ()):
            if not stem.startswith(start):
                continue
            cuts = (word[: length + shift] for shift in (-1, 0, 1))
            if any(OSA.distance(stem, cut, score_cutoff=1) <= 1 for cut in cuts):
                found.add(stem)
    return found
