"""What the UI needs from the search layer, as a Protocol.

``search.Engine`` satisfies it; tests may wrap an Engine (e.g. to slow one query down) and
still pass the wrapper to :func:`tui.app.create_app`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from corpus.model import Article
from search.errors import InvalidArgumentError, QueryError
from search.results import Hit, SearchResults, Span

if TYPE_CHECKING:
    from search.explain import Explanation


class SearchBackend(Protocol):
    """The subset of ``search.Engine`` the app calls (from worker threads)."""

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        facets: bool = True,
        facet_limit: int = 20,
        sort: str = "relevance",
        page: int = 1,
        page_size: int = 10,
        as_you_type: bool = False,
        every_version: bool = False,
    ) -> SearchResults: ...

    def search_all(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        date_from: date | datetime | None = None,
        date_to: date | datetime | None = None,
        sort: str = "relevance",
        every_version: bool = False,
    ) -> SearchResults: ...

    def get(self, article_id: str) -> Article: ...

    def versions(self, article_id: str) -> list[Hit]: ...

    def related(self, article_id: str, limit: int = 5) -> list[Hit]: ...

    def match_spans(
        self, query: str, text: str, *, as_you_type: bool = False
    ) -> tuple[Span, ...]: ...

    def explain(
        self, query: str, hits: Sequence[Hit], *, as_you_type: bool = False
    ) -> list[Explanation]: ...

    def refresh(self) -> bool: ...

    def close(self) -> None: ...


def why_line(engine: SearchBackend, query: str, hit: Hit, *, as_you_type: bool = False) -> str:
    """Why ``hit`` matched ``query`` ("oil in headline (4.25), body ×3 (3.20)"), or ""
    when there is no query or it cannot be told (a cluster; a query that cannot be read);
    ``as_you_type``: the query is being typed (its last word a prefix, as searched)."""
    if not query.strip():
        return ""
    try:
        return engine.explain(query, [hit], as_you_type=as_you_type)[0].text()
    except (QueryError, InvalidArgumentError):
        return ""


def query_spans(
    engine: SearchBackend, query: str, text: str, *, as_you_type: bool = False
) -> tuple[Span, ...]:
    """Where ``query`` matches in ``text``, for highlighting; none for a blank query or one
    that cannot be parsed (highlighting is a help: a bad query never hides the story)."""
    if not query.strip():
        return ()
    try:
        return engine.match_spans(query, text, as_you_type=as_you_type)
    except QueryError:
        return ()
