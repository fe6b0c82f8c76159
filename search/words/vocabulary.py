"""The index's own words, for one generation: the stems of the full-text fields, the
real words behind them, and the values of the facet fields.

The full-text fields hold only stems ("govern", "economi"). Whoosh's ``spelling=True``
would keep every unstemmed word in extra fields, but those cost about 40% of indexing
time. The features that need real words -- did-you-mean and prefix/wildcard/fuzzy
expansion -- instead map a stem back to the words it came from by re-reading a few
stored articles that contain it: a handful of documents per stem, only at query time.
Every term list comes from the segments' postings files (``index.postings_file``).
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import islice
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.postings_file import PostingsFile
from search.lru import LruCache
from search.query.analysis import analyze_words, fold
from search.query.fields import CodeNames, coded_value

#: Fields whose vocabulary is searched, most useful first (every field plain words
#: search: a word only in a caption or its photo credit is a known word).
TEXT_SOURCES = ("body", "title", "subheads", "captions")
#: Articles re-read to find the words behind a stem (the first ones in the postings).
SAMPLE_DOCS = 3
#: Articles re-read, at most, to confirm that a stem has a word matching a pattern.
CONFIRM_DOCS = 20
#: Bytes of stems kept per generation for did-you-mean and fuzzy words: each first
#: letter's stems, the least recently used letters dropped first.
STEMS_BYTES = 64 << 20
#: Bytes of facet values kept per generation, by the words in them (``person:baker``).
VALUE_WORDS_BYTES = 32 << 20
#: Bytes of real words kept per generation for the stems they were found behind.
SURFACE_BYTES = 4 << 20
#: What a short ``str`` costs in a list or dict beyond its characters (CPython 3.11).
_STR_BYTES = 57
#: Splits a facet value into the words ``person:baker`` may match.
_VALUE_WORDS = re.compile(r"[\s\-/.]+")


def edit_distance(first: str, second: str, limit: int | None = None) -> int:
    """Whoosh's ``damerau_levenshtein`` (optimal string alignment: adjacent swaps count
    one edit), computed in C by rapidfuzz; past ``limit`` any value above it is returned."""
    return int(OSA.distance(first, second, score_cutoff=limit))


@lru_cache(maxsize=4096)
def stem_of(word: str) -> str | None:
    """The term ``word`` is indexed as, or None for stop words and non-words."""
    terms = analyze_words(word)
    return terms[0][0] if len(terms) == 1 else None


def _words_near(text: str, stem: str) -> list[str]:
    """Words in folded ``text`` that could stem to ``stem``.

    Porter stems keep all but at most the last two letters of the word's start
    ("happi" < "happy", "hope" < "hoping"), so a regex on that head is a cheap filter.
    """
    head = re.escape(stem[: max(1, len(stem) - 2)])
    return re.findall(rf"(?<!\w){head}\w*(?:\.\w+)*", text)


def _stems_bytes(by_length: dict[int, list[str]]) -> int:
    return sum((_STR_BYTES + length) * len(stems) for length, stems in by_length.items())


def _words_bytes(counts: Counter[str]) -> int:
    return sum(2 * _STR_BYTES + len(word) for word in counts)


def _value_words_bytes(words: dict[str, list[str]]) -> int:
    return sum(2 * _STR_BYTES + len(word) + 8 * len(values) for word, values in words.items())


def _literal_prefix(pattern: str) -> str:
    return re.split(r"[*?]", pattern, maxsplit=1)[0]


class Vocabulary:
    """The words of one index generation (thread-safe; its caches die with it)."""

    def __init__(
        self, reader: Any, files: Sequence[PostingsFile], code_names: CodeNames | None = None
    ) -> None:
        self._reader = reader
        self._files = files
        self._init_caches(reader.schema.names(), code_names)

    def _init_caches(self, fieldnames: Sequence[str], code_names: CodeNames | None) -> None:
        #: What the collection's codes stand for (``topic:acq``).
        self.code_names: CodeNames = code_names or {}
        self._fieldnames = frozenset(fieldnames)
        self._fields = [name for name in TEXT_SOURCES if name in self._fieldnames]
        #: Each letter's stems, sorted, by length: did-you-mean and fuzzy words scan
        #: every stem sharing the typed word's first letter.
        self._by_letter: LruCache[str, dict[int, list[str]]] = LruCache(STEMS_BYTES, _stems_bytes)
        self._surface: LruCache[tuple[str, int], Counter[str]] = LruCache(
            SURFACE_BYTES, _words_bytes
        )
        self._value_words: LruCache[str, dict[str, list[str]]] = LruCache(
            VALUE_WORDS_BYTES, _value_words_bytes
        )

    # -- what the index holds (the three things the rest is built on; a collection
    # -- of shards, ``search.cluster.vocabulary``, asks its shards for them) -------------
    def terms_starting(self, fieldname: str, prefix: str) -> list[str]:
        """The field's terms (any segment) that start with ``prefix``, sorted."""
        found: set[bytes] = set()
        for postings in self._files:
            found.update(postings.terms_starting(fieldname, prefix.encode("utf-8")))
        return sorted(term.decode("utf-8") for term in found)

    def field_frequency(self, fieldname: str, term: str) -> int:
        """Articles whose ``fieldname`` holds ``term`` (an upper bound: deleted
        documents count until segments merge, as in Whoosh's own figure)."""
        encoded = term.encode("utf-8")
        return sum(postings.doc_frequency(fieldname, encoded) for postings in self._files)

    def documents(self, field: str, term: str, limit: int) -> list[str]:
        """Folded stored text of up to ``limit`` articles holding ``term`` (the first
        ones in the postings)."""
        reader = self._reader
        if not reader.doc_frequency(field, term):
            return []
        docnums = islice(reader.postings(field, term).all_ids(), limit)
        return [fold(str(reader.stored_fields(docnum).get(field) or "")) for docnum in docnums]

    # -- terms -----------------------------------------------------------------------
    def doc_frequency(self, stem: str) -> int:
        """Articles holding ``stem`` in any full-text source field (summed by field)."""
        return sum(self.field_frequency(name, stem) for name in self._fields)

    # -- facet values ----------------------------------------------------------------
    def matching_values(self, fieldname: str, value: str) -> list[str]:
        """Values of a facet field equal to ``value``, named by it as a code
        (``topic:acq`` -> "mergers/acquisitions") or holding it as a word
        (``credit:kilic`` -> "bulent kilic"); ``[value]`` when none does."""
        if fieldname not in self._fieldnames:
            return [value]
        if self.field_frequency(fieldname, value):
            return [value]
        named = coded_value(self.code_names, fieldname, value)
        if named is not None and self.field_frequency(fieldname, fold(named)):
            return [fold(named)]
        words = [word for word in _VALUE_WORDS.split(value) if word]
        if len(words) != 1:
            return [value]
        return sorted(self._words_of_values(fieldname).get(words[0], [])) or [value]

    def _words_of_values(self, fieldname: str) -> dict[str, list[str]]:
        found = self._value_words.get(fieldname)
        if found is None:
            found = {}
            for value in self.terms_starting(fieldname, ""):
                for word in {w for w in _VALUE_WORDS.split(value) if w}:
                    found.setdefault(word, []).append(value)
            self._value_words.put(fieldname, found)
        return found

    # -- stems and their real words ----------------------------------------------------
    def surface_words(self, stem: str, limit: int = SAMPLE_DOCS) -> Counter[str]:
        """Lower-cased words indexed as ``stem``, counted in a few articles that hold it.
        The result is shared: do not change it."""
        key = (stem, limit)
        found = self._surface.get(key)
        if found is not None:
            return found
        counts: Counter[str] = Counter()
        for field in self._fields:
            for text in self.documents(field, stem, limit):
                counts.update(word for word in _words_near(text, stem) if stem_of(word) == stem)
            if counts:
                break
        self._surface.put(key, counts)
        return counts

    def _has_word_matching(self, stem: str, pattern: str) -> bool:
        for field in self._fields:
            for text in self.documents(field, stem, CONFIRM_DOCS):
                if any(
                    fnmatch.fnmatchcase(word, pattern) and stem_of(word) == stem
                    for word in set(_words_near(text, stem))
                ):
                    return True
        return False

    def wildcard_stems(self, pattern: str, limit: int) -> set[str]:
        """Stems of the indexed words that match a folded ``*``/``?`` pattern.

        Stems matching the pattern themselves count directly ("hawi*" -> "hawija"). A
        stem that the pattern's start extends, give or take the stem's last letter
        ("offens" for "offensi*", "happi" for "happy*"), counts when one of its real
        words matches, checked in up to ``CONFIRM_DOCS`` articles. Stops early once
        more than ``limit`` stems match (the caller refuses such broad patterns).
        """
        prefix = _literal_prefix(pattern)
        stems: set[str] = set()
        for name in self._fields:
            for stem in self.terms_starting(name, prefix):
                if fnmatch.fnmatchcase(stem, pattern):
                    stems.add(stem)
                    if len(stems) > limit:
                        return stems
        if len(prefix) < 3:
            return stems
        near = {
            stem
            for name in self._fields
            for stem in self.terms_starting(name, prefix[:3])
            if len(stem) <= len(prefix) + 1 and prefix.startswith(stem[:-1])
        }
        stems.update(stem for stem in near - stems if self._has_word_matching(stem, pattern))
        return stems

    def commonest(self, stems: Iterable[str]) -> list[str]:
        """``stems``, the commonest (most articles) first, then alphabetically."""
        return sorted(stems, key=lambda stem: (-self.doc_frequency(stem), stem))

    def completions(self, prefix: str, most: int) -> list[str]:
        """Stems of the indexed words that ``prefix`` (folded) begins, commonest first;
        none when it begins more than ``most`` (too short to mean one word yet)."""
        stems = self.wildcard_stems(prefix + "*", most)
        return self.commonest(stems) if len(stems) <= most else []

    def _stems_starting(self, letter: str) -> dict[int, list[str]]:
        """Every stem starting with ``letter``, sorted, by length."""
        found = self._by_letter.get(letter)
        if found is None:
            stems = {stem for name in self._fields for stem in self.terms_starting(name, letter)}
            found = {}
            for stem in sorted(stems):
                found.setdefault(len(stem), []).append(stem)
            self._by_letter.put(letter, found)
        return found

    def warm(self) -> None:
        """Read every letter's stems now (did-you-mean's first use of a letter is then fast)."""
        for letter in "abcdefghijklmnopqrstuvwxyz0123456789":
            self._stems_starting(letter)

    def stem_distances(self, word: str, maxdist: int) -> dict[str, int]:
        """Stems sharing ``word``'s first letter within ``maxdist`` edits of it or its
        stem: one pass (in C, rapidfuzz) over that letter's stems of plausible lengths."""
        found: dict[str, int] = {}
        by_length = self._stems_starting(word[:1])
        for probe in dict.fromkeys((word, stem_of(word) or word)):
            lengths = range(len(probe) - maxdist, len(probe) + maxdist + 1)
            stems = [stem for length in lengths for stem in by_length.get(length, ())]
            near = process.extract(
                probe, stems, scorer=OSA.distance, score_cutoff=maxdist, limit=None
            )
            for stem, distance, _ in near:
                if distance < found.get(stem, maxdist + 1):
                    found[stem] = int(distance)
        return found

    def fuzzy_stems(self, word: str, distance: int) -> set[str]:
        """Stems within ``distance`` edits of the folded ``word`` or of its own stem."""
        return set(self.stem_distances(word, distance))

    def truncated_stems(self, word: str, head: int = 3) -> set[str]:
        """Stems (4+ letters) one edit away from a start of ``word``.

        A misspelt ending defeats the stemmer ("unemploymnet" keeps its whole tail), so
        the stems of the real word ("unemploy") are found by comparing each stem with
        the typed word cut to about the stem's length. Scans only stems sharing
        ``head`` letters (among the per-letter stems ``stem_distances`` reads anyway).
        """
        found: set[str] = set()
        start = word[:head]
        by_length = self._stems_starting(word[:1])
        for length in range(4, len(word) + 2):
            for stem in by_length.get(length, ()):
                if not stem.startswith(start):
                    continue
                cuts = (word[: length + shift] for shift in (-1, 0, 1))
                if any(OSA.distance(stem, cut, score_cutoff=1) <= 1 for cut in cuts):
                    found.add(stem)
        return found
