"""Collecting the top hits of a query among allowed documents, within a time limit.

Whoosh's ``FilterCollector`` filters only in its own ``collect_matches`` loop, which a
wrapping ``TimeLimitCollector`` replaces with its own; so the allowed set is checked
here, in the innermost collector, where every loop ends up.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TimeLimitCollector, TopCollector
from whoosh.searching import TimeLimit

from search.deadline import Deadline


class AllowedTopCollector(TopCollector):  # type: ignore[misc]
    """TopCollector that ignores documents outside ``allowed`` (global docnums).

    Without Whoosh's pruning: once its heap is full, Whoosh drops the parts of a query
    whose greatest possible score is below the heap's least (``matcher.replace``,
    block quality), and its BM25F bounds are not bounds here -- with five hits asked
    for, "(oil OR gold) prices" lost its two best articles to that.  Every match is
    scored instead (this collector serves only the shapes ``FastRanker`` does not)."""

    def __init__(self, allowed: Collection[int], limit: int) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)
        self._allowed = allowed

    def collect(self, sub_docnum: int) -> Any:
        if self.offset + sub_docnum in self._allowed:
            return super().collect(sub_docnum)
        return None


def top_hits(
    searcher: Any, query: wq.Query, allowed: Collection[int], limit: int, deadline: Deadline
) -> list[tuple[int, float]]:
    """(docnum, score) best first, collected until the deadline (which then records
    that the ranking was cut short)."""
    if not allowed or limit <= 0 or deadline.exceeded():
        return []
    child = AllowedTopCollector(allowed, limit)
    timed = TimeLimitCollector(child, deadline.remaining(), use_alarm=False)
    try:
        searcher.search_with_collector(query, timed)
    except TimeLimit:
        deadline.cut_short = True
    return [(hit.docnum, float(hit.score or 0.0)) for hit in timed.results()]
