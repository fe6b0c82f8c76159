"""``Generation``: everything the engine keeps for one index generation.

A generation's files never change, so whatever the engine learns from them -- the open
searcher, the segments' postings files, cached postings and field lengths, the facet
columns and display names, stored fields of recent hits, the vocabulary's stems and
real words, cached term scores -- is valid exactly as long as the generation is live.
This object owns all of it: the engine makes one when it opens a generation and drops
it (closing the searcher) when a newer one is published, so no cache outlives its data
and none lives in a module-global table.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from whoosh import query as wq
from whoosh.index import Index

from index.columns import GenerationColumns
from index.fields import ALL_FACETS
from index.segment_arrays import open_postings_files
from index.store import read_code_names
from index.whoosh_adapter import storage_folder
from search.deadline import Deadline
from search.matching.docsets import DocSets, QueryDocs
from search.matching.fastrank import FastRanker
from search.matching.postings import Postings
from search.matching.ranking import K1, B, make_weighting
from search.matching.tiers import Tier, by_date, tiers_as_searched
from search.matching.versions import Versions
from search.present.facets import FacetColumns
from search.present.hitcache import HitMaker, StoredFields
from search.results import Hit
from search.words.vocabulary import Vocabulary

#: ``warm()`` reads ahead the postings of terms in at least this many articles...
WARM_MIN_DOCS = 20
#: ... up to this many posting entries in all (16 bytes each).
WARM_POSTINGS = 3_000_000


class Generation:
    """One open index generation and every cache over it (thread-safe parts)."""

    def __init__(
        self, name: str, index: Index, *, expect_columns: bool, fast_ranking: bool
    ) -> None:
        self.name = name
        self.index = index
        self.searcher: Any = index.searcher(weighting=make_weighting())
        reader = self.searcher.reader()
        files = open_postings_files(reader)
        self.postings = Postings(reader, files)
        self.vocabulary = Vocabulary(reader, files, read_code_names(storage_folder(index.storage)))
        stored = StoredFields(self.searcher)
        columns = GenerationColumns.open(
            storage_folder(index.storage), reader, expected=expect_columns, files=files
        )
        self.facets = FacetColumns(columns, self.postings, stored)
        self.versions = Versions(columns.versions())
        self.hits = HitMaker(stored, self.facets.learn_names, self.versions.count)
        self.docsets = DocSets(self.searcher, self.postings, self.facets.raw_dates)
        self.ranker = FastRanker(self.searcher, K1, B, self.postings) if fast_ranking else None
        #: A second Whoosh searcher (own file handles) for slow background work.
        self._side: Any = None
        self._side_lock = threading.Lock()
        self._closed = False

    def warm(self, fields: Sequence[str]) -> None:
        """Fill the caches now: facet columns, date orders, the postings of ``fields``'
        common words, did-you-mean's stems (else each is read on first use)."""
        for name in ALL_FACETS:
            self.facets.column(name)
        self.facets.date_order(newest=True)
        self.facets.date_order(newest=False)
        self.postings.warm(fields, WARM_MIN_DOCS, WARM_POSTINGS)
        self.vocabulary.warm()

    def by_date(
        self,
        tiers: list[Tier],
        newest: bool,
        limit: int,
        ranker: FastRanker | None,
        docs: QueryDocs,
    ) -> list[tuple[int, int, float]]:
        """The first ``limit`` matches by date, undated ones by relevance
        (``search.matching.tiers.by_date``): (docnum, tier, score)."""
        order = self.facets.date_order(newest=newest)
        undated = self.facets.undated_docs()
        return by_date(tiers, order, undated, limit, ranker, self.searcher, docs)

    def unpicked(
        self,
        strict: wq.Query | None,
        relaxed: wq.Query | None,
        restriction: wq.Query | None,
        docs: QueryDocs,
        *,
        every_version: bool,
    ) -> list[Tier]:
        """The tiers of a search under another ``restriction`` (``relaxed``: its
        any-word query when it was relaxed), each story once unless ``every_version``:
        what a filtered facet counts (``search.query.filters.facet_restrictions``)."""
        tiers = tiers_as_searched(strict, relaxed, restriction, docs)
        return tiers if every_version else self.versions.fold(tiers)

    def version_hits(self, docnum: int, deadline: Deadline) -> list[Hit]:
        """Every version of the article's story, earliest first, each with the start
        of its text as snippet (the article alone when it has no other version)."""
        return [self.hits.hit(doc, 0.0, frozenset(), deadline) for doc in self.versions.of(docnum)]

    @contextmanager
    def side_searcher(self) -> Iterator[Any]:
        """A searcher of its own for slow, low-priority work (related stories), one
        user at a time, so that work never waits for the engine's queries nor holds
        them up; the caches above are shared (they are thread-safe)."""
        with self._side_lock:
            if self._side is None:
                self._side = self.index.searcher(weighting=make_weighting())
            try:
                yield self._side
            finally:
                if self._closed:  # the generation was dropped meanwhile
                    self._side.close()
                    self._side = None

    def close(self) -> None:
        self.searcher.close()
        self._closed = True
        if self._side_lock.acquire(blocking=False):  # else its user closes it
            try:
                if self._side is not None:
                    self._side.close()
                    self._side = None
            finally:
                self._side_lock.release()
