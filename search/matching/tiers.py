"""Which articles a parsed query matches, in ranking tiers, and the best of them.

Articles with every word come first.  When fewer than ``relax_below`` have them all,
articles with any of the words follow, ranked by BM25F with a coordination bonus (long
natural-language questions rarely match every word).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import query as wq

from search.matching.collecting import top_hits
from search.matching.docsets import QueryDocs, count
from search.matching.fastrank import FastRanker
from search.matching.postings import Mask
from search.query.parser import ParsedQuery

#: (query ranking the tier, the tier's documents), best tier first.
Tier = tuple[wq.Query | None, Mask]
Ranked = list[tuple[int, float]]


def matching_docs(query: wq.Query | None, restriction: wq.Query | None, docs: QueryDocs) -> Mask:
    """The live documents matching ``query`` (None: every one) and ``restriction``."""
    matched = docs(query) if query is not None else docs(wq.Every())
    if restriction is not None and matched.any():
        matched &= docs(restriction)
    return matched


def match_tiers(
    parsed: ParsedQuery, restriction: wq.Query | None, docs: QueryDocs, relax_below: int
) -> tuple[list[Tier], Mask, bool]:
    """(ranking tiers, all matching docnums, relaxed?)."""
    strict = matching_docs(parsed.strict, restriction, docs)
    if count(strict) >= relax_below or parsed.relaxed is None:
        return [(parsed.strict, strict)], strict, False
    loose = matching_docs(parsed.relaxed, restriction, docs) & ~strict
    if not loose.any():
        return [(parsed.strict, strict)], strict, False
    # The all-words tier stays first even when empty: ``all_words_total`` reads it.
    return [(parsed.strict, strict), (parsed.relaxed, loose)], strict | loose, True


def tiers_as_searched(
    strict: wq.Query | None,
    relaxed: wq.Query | None,
    restriction: wq.Query | None,
    docs: QueryDocs,
) -> list[Tier]:
    """The tiers of a search under another ``restriction``: ``relaxed`` is the any-word
    query when the search was relaxed, else None (a facet's counts without its own
    filter: ``search.query.filters.facet_restrictions``)."""
    every_word = matching_docs(strict, restriction, docs)
    if relaxed is None:
        return [(strict, every_word)]
    any_word = matching_docs(relaxed, restriction, docs) & ~every_word
    return [(strict, every_word), (relaxed, any_word)]


def by_date(
    tiers: list[Tier],
    order: npt.NDArray[np.integer[Any]],
    undated: Mask,
    limit: int,
    ranker: FastRanker | None,
    searcher: Any,
    docs: QueryDocs,
) -> list[tuple[int, int, float]]:
    """The first ``limit`` matches of ``tiers`` as (docnum, tier, score): the dated ones
    in ``order`` (every docnum by date), then the undated, which no date can order,
    by relevance (``rank_tiers``, tier by tier) -- else a newest-first list of an undated
    archive came in index order, its best match anywhere.  Browsing ranks nothing."""
    matched = union(tiers)
    listed = order[matched[order]]
    chosen = [(int(doc), 0, 0.0) for doc in listed[~undated[listed]][:limit].tolist()]
    if tiers[0][0] is None:  # (the empty query: every article, by date, undated last)
        rest = listed[undated[listed]][: limit - len(chosen)].tolist()
        return chosen + [(int(doc), 0, 0.0) for doc in rest]
    for number, (query, tier_docs) in enumerate(tiers):
        wanted = limit - len(chosen)
        if wanted <= 0:
            break
        hits = rank_tiers([(query, tier_docs & undated)], wanted, ranker, searcher, docs)
        chosen.extend((docnum, number, score) for docnum, score in hits)
    return chosen


def union(tiers: list[Tier]) -> Mask:
    """Every document of the tiers."""
    return tiers[0][1] if len(tiers) == 1 else tiers[0][1] | tiers[1][1]


def rank_tiers(
    tiers: list[Tier],
    limit: int,
    ranker: FastRanker | None,
    searcher: Any,
    docs: QueryDocs,
    added: wq.Query | None = None,
) -> Ranked:
    """The best ``limit`` hits, tier after tier; ``added`` (feedback words,
    ``search.matching.feedback``) is OR-ed to each tier's query: it adds to the scores
    of the tier's articles, never articles to the tier.

    Supported shapes are scored with numpy (``FastRanker``); any other by Whoosh, until
    the query's deadline (which then records the cut).
    """
    ranked: Ranked = []
    for tier_query, tier_docs in tiers:
        wanted = limit - len(ranked)
        if wanted <= 0 or tier_query is None:
            break
        if not tier_docs.any():
            continue
        if added is not None:
            tier_query = wq.Or([tier_query, added])
        fast = ranker.rank(tier_query, tier_docs, wanted, docs) if ranker else None
        if fast is not None:
            ranked.extend(fast)
            continue
        allowed = frozenset(np.flatnonzero(tier_docs).tolist())
        ranked.extend(top_hits(searcher, tier_query, allowed, wanted, docs.deadline))
    return ranked
