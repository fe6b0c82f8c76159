"""Collection statistics a score depends on, when they come from elsewhere.

A BM25 score depends on three numbers beyond the document itself: how many documents
the collection holds, the average length of the field, and how many documents hold
the term.  A searcher over one index reads them from that index.  A shard searched on
its own (``search.cluster``) must score with the numbers of the whole collection, or
the same article would score differently in a sharded and a one-shard index: the
coordinator sums every shard's figures first -- Elasticsearch's ``dfs_query_then_fetch``
global-statistics phase -- and hands them to each shard's ranker as a
``CollectionStatistics``.

A phrase, too, has a figure that matters beyond its shard: whether it occurs at all
(Whoosh's coordination bonus counts only the parts of a query that the index holds).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from whoosh import query as wq

#: What a figure is kept for: ("term", field, text) or ("phrase", field, slop, words...)
#: (the slop as digits: "rate cut" and "rate cut"~3 are different phrases).
StatisticKey = tuple[str, ...]


def term_key(fieldname: str, text: str) -> StatisticKey:
    return ("term", fieldname, text)


def phrase_key(query: wq.Phrase) -> StatisticKey:
    return ("phrase", query.fieldname, str(query.slop), *query.words)


def statistic_keys(query: wq.Query | None) -> Iterator[StatisticKey]:
    """The keys of every term and phrase a query's score depends on (the words of a
    phrase are scored as terms too)."""
    if query is None:
        return
    if type(query) is wq.Term and isinstance(query.text, str):
        yield term_key(query.fieldname, query.text)
    elif isinstance(query, wq.Phrase):
        yield phrase_key(query)
        for word in query.words:
            yield term_key(query.fieldname, word)
    elif isinstance(query, wq.Not):
        yield from statistic_keys(query.query)
    elif isinstance(query, wq.AndMaybe):
        yield from statistic_keys(query.a)
        yield from statistic_keys(query.b)
    elif isinstance(query, (wq.And, wq.Or)):
        for sub in query.subqueries:
            yield from statistic_keys(sub)


@dataclass(slots=True)
class CollectionStatistics:
    """Figures of a whole collection.  ``frequencies``: documents holding each term
    (postings, deleted documents included until segments merge, as Whoosh counts them)
    and documents holding each phrase; a key it lacks is taken as 0."""

    doc_count_all: int
    field_lengths: Mapping[str, int]
    #: The index generation the figures are of (a cache of scores is valid within it).
    generation: str = ""
    frequencies: dict[StatisticKey, int] = field(default_factory=dict)
    #: False when some shards did not report theirs: scores made with these figures
    #: serve one (partial) search and are not kept.
    complete: bool = True

    def avg_field_length(self, fieldname: str) -> float:
        """Whoosh's ``Searcher.avg_field_length``: total length over documents."""
        return self.field_lengths.get(fieldname, 0) / (self.doc_count_all or 1)

    def frequency(self, key: StatisticKey) -> int:
        return self.frequencies.get(key, 0)
