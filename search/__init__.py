"""Ranked, faceted queries over the index, returning plain dataclasses.

``Engine`` (and with it Whoosh and numpy) is imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from search.errors import ArticleNotFoundError, InvalidArgumentError, QueryError, SearchError
from search.results import Hit, SearchResults

if TYPE_CHECKING:
    from search.engine import Engine


def __getattr__(name: str) -> Any:
    if name != "Engine":
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    engine = importlib.import_module("search.engine").Engine
    globals()["Engine"] = engine
    return engine


__all__ = [
    "ArticleNotFoundError",
    "Engine",
    "Hit",
    "InvalidArgumentError",
    "QueryError",
    "SearchError",
    "SearchResults",
]
