"""What the coordinator and the shards send each other (plain, picklable records).

A search takes up to three rounds, as Elasticsearch's ``dfs_query_then_fetch`` does:

1. **statistics** (only for terms and phrases the coordinator has not seen in this
   generation): each shard says how many of its documents hold each one; the sums are
   the collection's figures (``search.matching.statistics``) and are cached.
2. **query**: each shard matches the query, ranks its best ``limit`` hits with the
   collection's figures and counts every facet value of its matches (``ShardAnswer``).
   Whether a query is relaxed to any word depends on how many articles of the whole
   collection have every word, which no shard knows: a shard with fewer than
   ``relax_below`` such articles answers both ways and the coordinator picks one.
3. **fetch**: the shards holding the page's hits make them (stored fields, snippets);
   and, when a facet value that makes the merged cut was not spelled by the first shard
   holding it, that shard spells it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from search.matching.statistics import CollectionStatistics
from search.matching.versions import Spanning

#: One ranked hit of a shard: (tier, score, sort key, docnum in the shard).  The tier
#: is 0 for articles with every word, 1 for the relaxed ones; the sort key is the raw
#: date for sorts by date (0 for relevance).
RankedEntry = tuple[int, float, int, int]


@dataclass(frozen=True, slots=True)
class ShardFigures:
    """A shard's own figures: documents (deleted included, as Whoosh counts them),
    live articles, the total length of each scorable field, and its schema's fields."""

    doc_count_all: int
    articles: int
    field_lengths: dict[str, int]
    fieldnames: tuple[str, ...]
    #: What the collection's codes stand for (``index.store.GenerationMeta.code_names``).
    code_names: dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class VersionScope:
    """Where the whole index's groups of versions of one story are: its generation
    folder and number of documents, and the first docnum of each shard (by folder) in
    it.  A shard folds its matches with its part of those groups."""

    generation: str
    doc_count: int
    offsets: dict[str, int]


@dataclass(frozen=True, slots=True)
class ShardQuery:
    """Round 2's question, the same for every shard."""

    strict: wq.Query | None
    relaxed: wq.Query | None
    restriction: wq.Query | None
    statistics: CollectionStatistics
    relax_below: int
    limit: int
    sort: str
    facets: bool
    #: Values per facet shown: a shard spells only the values that make its own cut.
    facet_limit: int
    time_limit: float
    #: Feedback words OR-ed to each tier's query when ranking (a second query round,
    #: ``search.matching.feedback``): they reorder the matches, never add to them.
    added: wq.Query | None = None
    #: List and count every version of a story (else each story once).
    every_version: bool = False
    #: Facet fields filtered, each with the restriction of the other filters: its
    #: values are counted as if none was picked (``search.query.filters``).
    facet_restrictions: dict[str, wq.Query | None] = field(default_factory=dict)
    #: The whole index's groups of versions (None: each shard folds with its own).
    versions: VersionScope | None = None
    #: Stories matched in several shards (a second query round's, from the first
    #: round's ``spanning``): for each set of matches counted -- "" the search's, or a
    #: filtered facet's name -- the version the whole index keeps of each story
    #: (group -> entry); a shard keeps no version of a story kept by another shard.
    kept: dict[str, dict[int, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TierAnswer:
    """A shard's matches one way (every word, or relaxed to any word)."""

    total: int
    ranked: list[RankedEntry]
    #: Every value of every facet: (indexed term, display spelling or "" where the value
    #: misses this shard's own cut, count), summed by term and cut by the coordinator.
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    undated: int = 0
    #: Matching articles folded into an earlier version of their story.
    folded: int = 0
    #: Stories with versions in other shards among the matches (``Versions.spanning``),
    #: and among each filtered facet's (by name).
    spanning: Spanning = field(default_factory=Spanning)
    unpicked_spanning: dict[str, Spanning] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShardAnswer:
    """Round 2's answer: articles with every word, and, when this shard has fewer than
    ``relax_below`` of them, the answer relaxed to any word (None when the query has no
    relaxed form)."""

    strict: TierAnswer
    relaxed: TierAnswer | None
    #: Articles the relaxed query adds (any word, not every word).
    loose: int
    partial: bool
    took_ms: float
