"""``SearchApi``: the public methods every engine shares, written once.

``Engine`` (one index, in this process) and ``ClusterEngine`` (its shards, each searched
by its own searcher) differ in how they run a search and where their vocabulary lives;
the arguments users pass, how they are checked, and how a query is parsed and
highlighted are the same, so they live here.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from search.explain import Explanation

from search.arguments import SearchRequest, checked_text, search_request
from search.errors import InvalidArgumentError
from search.present.highlight import match_spans
from search.query.parser import ParsedQuery, parse_query
from search.results import Hit, SearchResults, Span
from search.words.resolve import resolve_query
from search.words.vocabulary import Vocabulary

#: The first page size ``search_all`` asks for (then the whole result at once).
ALL_PAGE_SIZE = 500


class SearchApi(ABC):
    """What ``Engine`` and ``ClusterEngine`` offer; each supplies the abstract parts."""

    #: Boost of each field a plain word is searched in (the query parser's).
    field_boosts: dict[str, float]

    @abstractmethod
    def _run(self, request: SearchRequest, started: float) -> SearchResults:
        """Run a checked search (``started``: when the call began, for ``took_ms``)."""

    @abstractmethod
    def _vocabulary(self) -> AbstractContextManager[Vocabulary]:
        """The live vocabulary, held while the block runs."""

    @abstractmethod
    def close(self) -> None: ...

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        date_from: date | datetime | None = None,
        date_to: date | datetime | None = None,
        facets: bool = True,
        facet_limit: int = 20,
        sort: str = "relevance",
        page: int = 1,
        page_size: int = 10,
        snippets: bool = True,
        as_you_type: bool = False,
        every_version: bool = False,
    ) -> SearchResults:
        """One page of results plus facet counts over the whole (filtered) result set.

        A story in several versions (near-duplicates: ``index.near_duplicates``) is one
        result, its earliest matching version, and counts once in totals and facets
        (``Hit.versions`` says how many it has, ``versions`` lists them);
        ``every_version=True`` lists and counts every version.

        ``snippets=False`` skips snippet making (evaluation runs that only need ids).
        ``as_you_type=True`` (a search box searching while the user types): the query's
        last word, unless a space follows it, also finds the words it begins ("greensp"
        finds Greenspan), ranked below the word itself when that is a word.
        Arguments are checked first (``InvalidArgumentError``); the query's own work
        then stops at ``time_limit`` seconds and the results say so (``partial``; on a
        cluster also when shards did not answer, named in ``missing_shards``).
        """
        request = search_request(
            query,
            filters=filters,
            date_from=date_from,
            date_to=date_to,
            facets=facets,
            facet_limit=facet_limit,
            sort=sort,
            page=page,
            page_size=page_size,
            snippets=snippets,
            as_you_type=as_you_type,
            every_version=every_version,
        )
        return self._run(request, time.perf_counter())

    def search_all(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        date_from: date | datetime | None = None,
        date_to: date | datetime | None = None,
        sort: str = "relevance",
        limit: int | None = None,
        every_version: bool = False,
    ) -> SearchResults:
        """Every matching story (or the first ``limit``) as one page, without facets:
        what an export of a whole result set needs.  One search of the index as it is
        (a page as large as the result), so a write publishing meanwhile can never mix
        two versions of the index into it; asked again, larger, if the index grew."""
        started = time.perf_counter()
        size = ALL_PAGE_SIZE if limit is None else limit
        while True:
            results = self.search(
                query, filters=filters, date_from=date_from, date_to=date_to, sort=sort,
                facets=False, page=1, page_size=size, every_version=every_version,
            )  # fmt: skip
            wanted = results.total if limit is None else min(limit, results.total)
            if len(results.hits) >= wanted or size >= wanted or results.partial:
                break
            size = wanted
        took_ms = (time.perf_counter() - started) * 1000
        return replace(results, page_size=max(1, len(results.hits)), took_ms=took_ms)

    def parse(self, query: str, *, as_you_type: bool = False) -> ParsedQuery:
        """Parse ``query`` against this index's vocabulary (raises QueryError)."""
        text = checked_text(query, "query")
        with self._vocabulary() as vocabulary:
            parsed = parse_query(text, field_boosts=self.field_boosts, as_you_type=as_you_type)
            return resolve_query(parsed, vocabulary)

    @abstractmethod
    def versions(self, article_id: str) -> list[Hit]:
        """Every version of the article's story (its near-duplicates: a republished
        wire story, a correction), earliest first, the article among them; the article
        alone when it has no other version.  Raises ``ArticleNotFoundError``."""

    def explain(
        self, query: str, hits: Sequence[Hit], *, as_you_type: bool = False
    ) -> list[Explanation]:
        """Why each of ``hits`` (found for ``query``, read as ``search`` reads it with the
        same ``as_you_type``) matched: its words' score parts field by field
        (``search.explain``).  Not on a cluster: there every shard holds
        its stories' postings."""
        raise InvalidArgumentError("explain", "is not available on a cluster (use one index)")

    def match_spans(self, query: str, text: str, *, as_you_type: bool = False) -> tuple[Span, ...]:
        """Spans of the words in ``text`` that match the query's terms (stemming-aware),
        in its first ``SPAN_TEXT_CHARS`` characters."""
        parsed = self.parse(query, as_you_type=as_you_type)
        if not isinstance(text, str):
            raise InvalidArgumentError("text", f"must be a string, not {type(text).__name__}")
        return match_spans(text, parsed.highlight_terms)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
