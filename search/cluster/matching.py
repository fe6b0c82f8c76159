"""The query rounds of a cluster search: the query, each story counted once across the
shards, and pseudo-relevance feedback's second round.

A shard folds the versions of a story (near-duplicates) with its part of the whole
index's groups (``search.matching.versions``).  A story with versions in several shards
is matched in each of them: every shard reports the stories it kept that have versions
elsewhere (``TierAnswer.spanning``), the coordinator picks the version the whole index
keeps -- in the first tier the story matches, its earliest version -- and asks the
shards that kept another again with those picks (``ShardQuery.kept``), so totals, facet
counts (a filtered facet's too) and pages count the story once, as one process reading
every shard does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from search.cluster.merging import chosen_tiers, merge_ranked
from search.cluster.messages import RankedEntry, ShardAnswer, ShardQuery, TierAnswer
from search.cluster.rounds import LiveCollection, collection_statistics, frequencies
from search.cluster.shards import Shards, everywhere
from search.matching import feedback
from search.matching.statistics import term_key
from search.matching.versions import Spanning, kept_versions


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
    #: The slowest shard's milliseconds, summed over the rounds asked.
    slowest_ms: float


def match(
    live: LiveCollection,
    shards: Shards,
    question: ShardQuery,
    missing: dict[int, str],
    relaxable: bool,
) -> Matched:
    """The query round (``relaxable``: relax to any word when fewer than
    ``relax_below`` articles of the collection have every word -- articles, as one
    process counts them, not stories)."""
    began = time.perf_counter()
    gathered = shards.call("query", everywhere(live.folders, question, skip=missing))
    missing.update(gathered.missing)
    answers: dict[int, ShardAnswer] = gathered.answers
    slowest = max((answer.took_ms for answer in answers.values()), default=0.0)
    articles = sum(answer.strict.total + answer.strict.folded for answer in answers.values())
    relaxed = (
        relaxable
        and articles < question.relax_below
        and sum(answer.loose for answer in answers.values()) > 0
    )
    _, beyond = kept_versions([answer.strict.spanning for answer in answers.values()])
    strict_total = sum(answer.strict.total for answer in answers.values()) - beyond
    chosen = chosen_tiers(answers, relaxed)
    kept: dict[str, dict[int, int]] = {}
    again: set[int] = set()
    for name in ("", *question.facet_restrictions):
        found = {n: tier.unpicked_spanning.get(name, Spanning()) if name else tier.spanning
                 for n, tier in chosen.items()}  # fmt: skip
        kept[name], _ = kept_versions(list(found.values()))
        again |= {n for n, spanning in found.items() if _keeps_another(spanning, kept[name])}
    if again:
        left = max(0.0, question.time_limit - (time.perf_counter() - began))
        kept = {name: picks for name, picks in kept.items() if picks}
        question = replace(question, kept=kept, time_limit=left)
        asked = shards.call("query", {n: (live.folders[n], question) for n in sorted(again)})
        missing.update(asked.missing)
        for number in asked.missing:
            answers.pop(number, None)
        answers.update(asked.answers)
        slowest += max((answer.took_ms for answer in asked.answers.values()), default=0.0)
        chosen = chosen_tiers(answers, relaxed)
    return Matched(question, answers, chosen, relaxed, strict_total, slowest)


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
    without counting facets.  With every version listed, the best articles are those
    of the search with each story once (a third round), as on one index: listing every
    version moves no other story.  Unchanged when a shard fails to answer
    (``missing`` then says which)."""
    best = ranked[: feedback.FEEDBACK_DOCS]
    if question.every_version:
        once = replace(question, every_version=False, facets=False,
                       facet_restrictions={}, limit=feedback.FEEDBACK_DOCS)  # fmt: skip
        folded = match(live, shards, once, missing, relaxed).chosen
        best = merge_ranked(folded, question.sort, feedback.FEEDBACK_DOCS)
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
    return merge_ranked(chosen_tiers(answered.answers, relaxed), question.sort, question.limit)
