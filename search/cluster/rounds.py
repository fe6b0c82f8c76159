"""The rounds of a cluster search around its query rounds (``search.cluster.matching``):
the collection's figures (statistics, cached per generation) and the fetch of a page's
hits -- each asking the shards at once and reporting the ones that did not answer.
``search.cluster.coordinator`` runs them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np
from whoosh import query as wq

from index.columns import VersionGroups
from search.cluster.messages import (
    RankedEntry,
    ShardFigures,
    VersionScope,
)
from search.cluster.shards import Shards, everywhere
from search.lru import LruCache
from search.matching.statistics import (
    CollectionStatistics,
    StatisticKey,
    statistic_keys,
)
from search.matching.versions import Versions
from search.results import Hit

#: Term and phrase figures of the collection kept by the coordinator per generation.
CACHE_FIGURES = 1_000_000


class LiveCollection:
    """One generation of the index as the coordinator sees it."""

    def __init__(
        self,
        name: str,
        folders: Sequence[str],
        figures: Sequence[ShardFigures],
        groups: VersionGroups | None,
    ) -> None:
        """``groups``: the whole index's groups of versions (None when unreadable: each
        shard then folds with its own)."""
        self.name = name
        self.folders = list(folders)
        self.articles = sum(f.articles for f in figures)
        lengths: dict[str, int] = {}
        for shard in figures:
            for field, length in shard.field_lengths.items():
                lengths[field] = lengths.get(field, 0) + length
        self.base = CollectionStatistics(sum(f.doc_count_all for f in figures), lengths, name)
        self.frequencies: LruCache[StatisticKey, int] = LruCache(CACHE_FIGURES, lambda _: 1)
        #: Each shard's first docnum in the whole index (Whoosh's multi-reader order).
        self.offsets = np.cumsum([0] + [f.doc_count_all for f in figures])[:-1]
        self.versions = Versions(groups) if groups is not None else None
        self.scope = None
        if groups is not None and len(folders) > 1:  # (one shard: its own groups)
            starts = [int(start) for start in self.offsets]
            offsets = dict(zip(folders, starts, strict=True))
            self.scope = VersionScope(name, self.base.doc_count_all, offsets)

    def versions_of(self, number: int, docnum: int) -> list[tuple[int, int]]:
        """Every version of the story of shard ``number``'s article ``docnum``, earliest
        first, as (shard, docnum in the shard)."""
        if self.versions is None:
            return [(number, docnum)]
        docnums = np.asarray(self.versions.of(int(self.offsets[number]) + docnum))
        shards = np.searchsorted(self.offsets, docnums, side="right") - 1
        return [(int(n), int(d - self.offsets[n])) for n, d in zip(shards, docnums, strict=True)]

    def version_count(self, number: int, docnum: int) -> int | None:
        """How many versions the story of shard ``number``'s article has (None: as
        the shard says)."""
        if self.versions is None:
            return None
        return self.versions.count(int(self.offsets[number]) + docnum)


@dataclass(frozen=True, slots=True)
class Fetched:
    hits: list[Hit]
    missing: dict[int, str]
    cut_short: bool
    slowest_ms: float


def collection_statistics(
    live: LiveCollection, shards: Shards, queries: Sequence[wq.Query | None]
) -> tuple[CollectionStatistics, dict[int, str]]:
    """The statistics round: the collection's figures for every term and phrase of the queries
    (asked of the shards only for those not cached)."""
    keys = {key for query in queries for key in statistic_keys(query)}
    known, missing = frequencies(live, shards, keys)
    base = live.base
    figures = CollectionStatistics(
        base.doc_count_all, base.field_lengths, base.generation, known, not missing
    )
    return figures, missing


def frequencies(
    live: LiveCollection, shards: Shards, keys: Collection[StatisticKey]
) -> tuple[dict[StatisticKey, int], dict[int, str]]:
    """The collection's figure for each key: cached, or summed over the shards."""
    known: dict[StatisticKey, int] = {}
    unknown = []
    for key in keys:
        value = live.frequencies.get(key)
        if value is None:
            unknown.append(key)
        else:
            known[key] = value
    missing: dict[int, str] = {}
    if unknown:
        gathered = shards.call("frequencies", everywhere(live.folders, unknown))
        missing = gathered.missing
        for key in unknown:
            known[key] = sum(answer[key] for answer in gathered.answers.values())
            if not missing:  # (a sum without every shard is not the collection's)
                live.frequencies.put(key, known[key])
    return known, missing


def fetch(
    live: LiveCollection,
    shards: Shards,
    entries: Sequence[tuple[int, RankedEntry]],
    terms: frozenset[str] | None,
    remaining: float,
    skip_hash: str = "",
) -> Fetched:
    """The fetch round: the hits of ``entries`` (shard, entry), in their order, from the
    shards that hold them."""
    wanted: dict[int, list[tuple[int, float]]] = {}
    for number, (_, score, _, docnum) in entries:
        wanted.setdefault(number, []).append((docnum, score))
    gathered = shards.call(
        "fetch",
        {n: (live.folders[n], hits, terms, remaining, skip_hash) for n, hits in wanted.items()},
    )
    made = {n: iter(hits) for n, (hits, _, _) in gathered.answers.items()}
    hits = []
    for number, (_, _, _, docnum) in entries:
        if number in made:
            hit = next(made[number])
            if hit is not None:
                versions = live.version_count(number, docnum)
                hits.append(hit if versions is None else replace(hit, versions=versions))
    answers = gathered.answers.values()
    return Fetched(
        hits,
        gathered.missing,
        any(cut for _, cut, _ in answers),
        max((ms for _, _, ms in answers), default=0.0),
    )
