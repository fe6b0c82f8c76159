"""The rounds of a cluster search that do not depend on the engine's settings: the
collection's figures (statistics, cached per generation), the query round (with the
versions of a story in several shards counted once), pseudo-relevance feedback's second
query round, and the fetch of a page's hits -- each asking the shards at once and
reporting the ones that did not answer.  ``search.cluster.coordinator`` runs them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from whoosh import query as wq

from index.columns import VersionGroups
from search.cluster.merging import merge_ranked
from search.cluster.messages import (
    RankedEntry,
    ShardAnswer,
    ShardFigures,
    ShardQuery,
    TierAnswer,
    VersionScope,
)
from search.cluster.shards import Shards, everywhere
from search.lru import LruCache
from search.matching import feedback
from search.matching.statistics import (
    CollectionStatistics,
    StatisticKey,
    statistic_keys,
    term_key,
)
from search.matching.versions import Spanning, Versions, kept_versions
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
        if groups is not None:
            starts = [int(start) for start in self.offsets]
            offsets = dict(zip(folders, starts, strict=True))
            self.scope = VersionScope(name, self.base.doc_count_all, offsets)

    def story(self, number: int, entry: RankedEntry) -> tuple[int, int, int]:
        """Shard ``number``'s ranked ``entry``'s story, tier and place among the story's
        versions (``search.matching.feedback.best_stories``)."""
        docnum = int(self.offsets[number]) + entry[3]
        key, place = (-1 - docnum, 0) if self.versions is None else self.versions.story(docnum)
        return key, entry[0], place

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
class Matched:
    """The query round's answers, each story counted once across the shards."""

    #: The question asked last (with the versions kept of stories in several shards).
    question: ShardQuery
    answers: dict[int, ShardAnswer]
    #: Each shard's answer of the tier chosen (every word, or relaxed to any word).
    chosen: dict[int, TierAnswer]
    relaxed: bool
    #: Stories with every word.
    strict_total: int


def match(
    live: LiveCollection,
    shards: Shards,
    question: ShardQuery,
    missing: dict[int, str],
    relaxable: bool,
) -> Matched:
    """The query round.  A story with versions in several shards is matched in each of
    them; when two or more matched it, the shards that must not keep their version are
    asked again with the version the whole index keeps (``ShardQuery.kept``), so that
    totals, facet counts and pages count it once, as one process reading every shard
    does.  ``relaxable``: relax to any word when too few articles have every word."""
    gathered = shards.call("query", everywhere(live.folders, question, skip=missing))
    missing.update(gathered.missing)
    answers: dict[int, ShardAnswer] = gathered.answers
    _, beyond = kept_versions([answer.strict.spanning for answer in answers.values()])
    strict_total = sum(answer.strict.total for answer in answers.values()) - beyond
    relaxed = (
        relaxable
        and strict_total < question.relax_below
        and sum(answer.loose for answer in answers.values()) > 0
    )
    chosen = _chosen(answers, relaxed)
    kept: dict[str, dict[int, int]] = {}
    again: set[int] = set()
    for name in ("", *question.facet_restrictions):
        found = {n: tier.unpicked_spanning.get(name, Spanning()) if name else tier.spanning
                 for n, tier in chosen.items()}  # fmt: skip
        kept[name], _ = kept_versions(list(found.values()))
        again |= {n for n, spanning in found.items() if _keeps_another(spanning, kept[name])}
    if again:
        question = replace(question, kept={name: k for name, k in kept.items() if k})
        asked = shards.call("query", {n: (live.folders[n], question) for n in sorted(again)})
        missing.update(asked.missing)
        for number in asked.missing:
            answers.pop(number, None)
        answers.update(asked.answers)
        chosen = _chosen(answers, relaxed)
    return Matched(question, answers, chosen, relaxed, strict_total)


def _chosen(answers: Mapping[int, ShardAnswer], relaxed: bool) -> dict[int, TierAnswer]:
    chosen: dict[int, TierAnswer] = {}
    for number, answer in answers.items():
        tier = answer.relaxed if relaxed else answer.strict
        assert tier is not None  # (relaxed: every shard had too few to answer strictly)
        chosen[number] = tier
    return chosen


def _keeps_another(spanning: Spanning, kept: Mapping[int, int]) -> bool:
    """Whether a shard kept a version of a story whose kept version is another."""
    if not kept or not len(spanning.groups):
        return False
    groups = np.fromiter(kept.keys(), dtype=np.int64, count=len(kept))
    entries = np.fromiter(kept.values(), dtype=np.int64, count=len(kept))
    order = np.argsort(groups)
    groups, entries = groups[order], entries[order]
    at = np.searchsorted(groups, spanning.groups).clip(max=len(groups) - 1)
    return bool(np.any((groups[at] == spanning.groups) & (entries[at] != spanning.entries)))


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


def with_feedback(
    live: LiveCollection,
    shards: Shards,
    question: ShardQuery,
    ranked: list[tuple[int, RankedEntry]],
    relaxed: bool,
    missing: dict[int, str],
    field_boosts: Mapping[str, float],
) -> list[tuple[int, RankedEntry]]:
    """``ranked`` again with the words of its best articles added to the query
    (``search.matching.feedback``), as ``Engine`` ranks: their texts, the
    collection's figures for their words, then a second query round that ranks
    without counting facets.  Unchanged when a shard fails to answer (``missing``
    then says which)."""
    best = feedback.best_stories(
        ranked[: feedback.FEEDBACK_CANDIDATES], lambda entry: live.story(*entry)
    )
    wanted: dict[int, list[int]] = {}
    for number, (_, _, _, docnum) in best:
        wanted.setdefault(number, []).append(docnum)
    gathered = shards.call("texts", {n: (live.folders[n], d) for n, d in wanted.items()})
    missing.update(gathered.missing)
    if gathered.missing:
        return ranked
    texts = {n: iter(found) for n, found in gathered.answers.items()}
    articles = [(next(texts[number]), entry[1]) for number, entry in best]

    def doc_frequencies(words: Sequence[str]) -> dict[str, int]:
        keys = {word: term_key(feedback.FEEDBACK_FIELD, word) for word in words}
        known, lost = frequencies(live, shards, keys.values())
        missing.update(lost)
        return {word: known[key] for word, key in keys.items()}

    words = feedback.feedback_words(articles, doc_frequencies, live.base.doc_count_all)
    added = feedback.feedback_query(words, field_boosts)
    if added is None or missing:
        return ranked
    queries = (question.strict, question.relaxed, added)
    statistics, lost = collection_statistics(live, shards, queries)
    missing.update(lost)
    second = replace(question, statistics=statistics, facets=False, added=added)
    answered = shards.call("query", everywhere(live.folders, second, skip=missing))
    missing.update(answered.missing)
    if missing:
        return ranked
    return merge_ranked(_chosen(answered.answers, relaxed), question.sort, question.limit)


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
