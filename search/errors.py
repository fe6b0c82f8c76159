"""Errors the search layer raises on purpose (subclasses of the project's NewsdeskError)."""

from __future__ import annotations

from corpus.errors import NewsdeskError
from index.errors import ClusterError


class SearchError(NewsdeskError):
    """Base of the search layer's errors."""

    title = "Search failed"


class QueryError(SearchError):
    """The query text cannot be read; ``position`` is the 0-based offset of the problem."""

    title = "Bad query"
    exit_status = 2

    def __init__(self, message: str, position: int | None = None) -> None:
        where = f" (at position {position})" if position is not None else ""
        super().__init__(f"{message}{where}")
        self.problem = message
        self.position = position


class ArticleNotFoundError(SearchError):
    """No article with the requested id is in the index."""

    title = "Article not found"

    def __init__(self, article_id: str) -> None:
        super().__init__(
            f"no article with id {article_id!r} in the index; "
            "search for it or check the id (ids are shown by `newsdesk search`)"
        )
        self.article_id = article_id


class InvalidArgumentError(SearchError, ValueError):
    """An argument of the Python API has the wrong type or value (``Engine.search``'s
    ``page=0``, an unknown ``sort``, a filter value that is not a string...).

    ``argument`` names the parameter; the message says what is allowed.  Also a
    ``ValueError``, so code catching that keeps working.
    """

    title = "Bad argument"

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument


class ExportError(SearchError):
    """An export could not be written where it was asked to go."""

    title = "Export failed"

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}; choose another file or folder")
        self.path = path


__all__ = [
    "ArticleNotFoundError",
    "ClusterError",
    "ExportError",
    "InvalidArgumentError",
    "QueryError",
    "SearchError",
]
