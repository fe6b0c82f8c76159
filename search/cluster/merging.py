"""Merging the shards' answers into one result, as a one-shard index would give it.

Pure functions of the answers (``search.cluster.coordinator`` runs the rounds): the
ranked hits by ``TopDocs.merge``'s order, facet counts summed value by value before
the cut, and ``related``'s key terms by Whoosh's Bo1 model with the collection's
figures.  Each repeats a rule of the one-index engine, which ``tests/test_cluster.py``
holds them to: ``FacetColumns.count``'s cut and order, ``index.columns``' date orders,
and Whoosh's ``Expander.expanded_terms``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Mapping

from whoosh import classify

from index.fields import DATE_FACETS
from index.reading import MISSING_DATE
from search.cluster.messages import RankedEntry, ShardAnswer, TierAnswer
from search.cluster.shards import Gathered
from search.errors import ClusterError
from search.present.facets import cut_keeping

#: ``related``'s number of key terms (Whoosh's more-like-this default).
KEY_TERMS = 5


def require_all(gathered: Gathered) -> None:
    if gathered.missing:
        raise ClusterError(
            "; ".join(f"shard {n}: {why}" for n, why in sorted(gathered.missing.items()))
        )


def merge_ranked(
    answers: Mapping[int, TierAnswer], sort: str, limit: int
) -> list[tuple[int, RankedEntry]]:
    """The best ``limit`` entries of all shards, in the order of a one-shard index whose
    documents come shard after shard: by tier, then score, then position; or by date
    (``index.columns``: newest first is oldest first reversed; undated last, by tier
    and score)."""
    entries = [(n, entry) for n, answer in answers.items() for entry in answer.ranked]
    if sort == "relevance":
        entries.sort(key=lambda item: (item[1][0], -item[1][1], item[0], item[1][3]))
        return entries[:limit]
    newest = sort != "oldest"

    def by_date(item: tuple[int, RankedEntry]) -> tuple[bool, int, float, int, int, int]:
        number, (tier, score, raw, docnum) = item
        if raw == MISSING_DATE:  # by relevance (``search.matching.tiers.by_date``)
            return True, tier, -score, 0, number, docnum
        if newest:
            return False, 0, 0.0, -raw, -number, -docnum
        return False, 0, 0.0, raw, number, docnum

    entries.sort(key=by_date)
    return entries[:limit]


def merge_facets(
    answers: Mapping[int, TierAnswer],
    limit: int,
    spell: Callable[[dict[int, dict[str, list[str]]]], dict[int, dict[str, dict[str, str]]]],
    keep: Mapping[str, Collection[str]] | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Every facet's counts summed over the shards, then cut as ``FacetColumns.count``
    cuts them (most frequent first, ties by value; month/year whole, chronological;
    then the values of ``keep`` that missed the cut).

    A value is spelled as the first shard holding it spells it (the article a one-shard
    index would read it from).  Shards spell only the values that make their own cut;
    ``spell`` asks a shard (shard -> facet -> terms) for the others that make the
    merged cut."""
    names: list[str] = []
    for number in sorted(answers):
        names.extend(name for name in answers[number].facets if name not in names)
    merged: dict[str, dict[str, int]] = {}
    spellings: dict[str, dict[str, str]] = {}
    holders: dict[str, dict[str, int]] = {}
    for name in names:
        counts: dict[str, int] = {}
        spelled: dict[str, str] = {}
        holder: dict[str, int] = {}
        for number in sorted(answers):
            for term, spelling, found in answers[number].facets.get(name, []):
                if term not in holder:
                    holder[term] = number
                    if spelling:
                        spelled[term] = spelling
                counts[term] = counts.get(term, 0) + found
        if name not in DATE_FACETS and 0 < limit < len(counts):
            # only values that can make the cut, ties included
            least = heapq.nlargest(limit, counts.values())[-1]
            kept = set((keep or {}).get(name, ()))
            counts = {
                term: found for term, found in counts.items() if found >= least or term in kept
            }
        merged[name], spellings[name], holders[name] = counts, spelled, holder
    unspelled: dict[int, dict[str, list[str]]] = {}
    for name, counts in merged.items():
        for term in counts:
            if term not in spellings[name]:
                unspelled.setdefault(holders[name][term], {}).setdefault(name, []).append(term)
    if unspelled:
        for by_facet in spell(unspelled).values():
            for name, spelled_now in by_facet.items():
                spellings[name].update(spelled_now)
    result: dict[str, list[tuple[str, int]]] = {}
    for name, counts in merged.items():
        pairs = [(spellings[name].get(term, term), found) for term, found in counts.items()]
        if name in DATE_FACETS:
            result[name] = sorted(pairs)
            continue
        pairs.sort(key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
        picked = {spellings[name].get(term, term) for term in (keep or {}).get(name, ())}
        result[name] = cut_keeping(pairs, limit, picked)
    return result


def key_terms(
    weights: Mapping[str, float],
    top_total: float,
    totals: Mapping[str, float],
    doc_count: int,
    field_length: int,
) -> list[tuple[str, float]]:
    """Whoosh's ``Expander.expanded_terms(KEY_TERMS, normalize=False)`` with Bo1: the
    article's ``weights`` scored against each word's collection frequency (``totals``;
    words absent from the collection are skipped), divided by the top score."""
    model = classify.Bo1Model(doc_count, field_length)
    scored = [
        (model.score(weight, totals[word], top_total), word)
        for word, weight in weights.items()
        if word in totals
    ]
    norm = max((score for score, _ in scored), default=0.0)
    if norm <= 0:
        return []
    ranked = sorted(((score / norm, word) for score, word in scored), key=lambda x: (-x[0], x[1]))
    return [(word, weight) for weight, word in ranked[:KEY_TERMS]]


def chosen_tiers(answers: Mapping[int, ShardAnswer], relaxed: bool) -> dict[int, TierAnswer]:
    """Each shard's answer every word, or relaxed to any word."""
    chosen: dict[int, TierAnswer] = {}
    for number, answer in answers.items():
        tier = answer.relaxed if relaxed else answer.strict
        assert tier is not None  # (relaxed: every shard had too few articles to answer strictly)
        chosen[number] = tier
    return chosen
