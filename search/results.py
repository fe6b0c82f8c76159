"""Plain dataclasses that ``search`` returns: no Whoosh object ever leaves the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: (start, end) character offsets into a snippet, end exclusive.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result, copied out of the index before the searcher moves on."""

    id: str
    title: str
    date: datetime | None
    source: str
    category: str
    places: tuple[str, ...]
    score: float
    snippet: str
    highlights: tuple[Span, ...] = ()
    #: True when ``date`` was taken from the text, not from the article's metadata.
    date_inferred: bool = False
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    url: str = ""
    path: str = ""
    #: The article's content hash (``corpus.Article.content_hash``): saved searches tell
    #: a story changed since their last look by it.
    content_hash: str = ""
    #: How many versions the story has in the index (``Engine.versions`` lists them):
    #: 1 for an article without near-duplicates.
    versions: int = 1


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits plus whole-result-set facet counts and query diagnostics."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False
    #: How many articles have every word (equals ``total`` unless ``relaxed``).
    all_words_total: int = 0
    #: True when the time limit cut the work short: hits, total and facet counts may be
    #: incomplete (never shown as if complete).
    partial: bool = False
    took_ms: float = 0.0
    page: int = 1
    page_size: int = 10
    #: How many matching articles have no date (the month/year facets leave them out).
    undated: int = 0
    #: Shards of a cluster that did not answer (then ``partial`` is set too).
    missing_shards: tuple[int, ...] = ()
    #: The query's words are all too common to be indexed (stop words such as "the"):
    #: nothing was searched, which is why nothing matches.
    only_stop_words: bool = False
    #: Matching articles folded into an earlier version of their story (each story is
    #: counted once; 0 when the search asked for ``every_version``).
    folded: int = 0
    #: The order of the hits: the sort asked for, but "newest" for a search without
    #: words asked by relevance (every story matches alike: newest first).
    sort: str = "relevance"
