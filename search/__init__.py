"""Ranked, faceted queries over the index, returning plain dataclasses."""

from search.engine import Engine
from search.errors import ArticleNotFoundError, InvalidArgumentError, QueryError, SearchError
from search.results import FacetCount, Hit, SearchResults

__all__ = [
    "ArticleNotFoundError",
    "Engine",
    "FacetCount",
    "Hit",
    "InvalidArgumentError",
    "QueryError",
    "SearchError",
    "SearchResults",
]
