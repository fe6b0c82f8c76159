"""Checking what callers hand the engine, at the boundary, with one error per kind.

A wrong type or value (``page=0``, ``sort="sideways"``, ``date_from="2017"``) raises
``InvalidArgumentError`` naming the argument and what it accepts, instead of whatever
``ValueError`` or ``AttributeError`` it would cause deep inside.  Text that is not
valid Unicode -- a lone surrogate, which is how Python keeps an undecodable byte of the
command line (``newsdesk search $'\\xff'``) -- raises ``QueryError`` naming its
position: it could never be encoded, indexed or printed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from whoosh import query as wq

from search.errors import InvalidArgumentError, QueryError
from search.query.fields import CodeNames
from search.query.filters import as_end, as_start, facet_restrictions, picked_terms

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """``Engine.search``'s arguments, checked."""

    query: str
    filters: dict[str, list[str]]
    date_from: date | None
    date_to: date | None
    facets: bool
    facet_limit: int
    sort: str
    page: int
    page_size: int
    snippets: bool
    as_you_type: bool = False
    every_version: bool = False

    def facet_restrictions(self, code_names: CodeNames) -> dict[str, wq.Query | None]:
        """Each filtered facet's restriction without its own filter (none without
        facets): ``search.query.filters.facet_restrictions``."""
        if not self.facets:
            return {}
        return facet_restrictions(self.filters, self.date_from, self.date_to, code_names)

    def picked_terms(self, code_names: CodeNames) -> dict[str, list[str]]:
        """The terms of the facet values picked (listed even outside the top values):
        ``search.query.filters.picked_terms``."""
        return picked_terms(self.filters, code_names)


def search_request(
    query: object,
    *,
    filters: object,
    date_from: object,
    date_to: object,
    facets: object,
    facet_limit: object,
    sort: object,
    page: object,
    page_size: object,
    snippets: object,
    as_you_type: object = False,
    every_version: object = False,
) -> SearchRequest:
    """The checked arguments (raises InvalidArgumentError or QueryError)."""
    if sort not in SORTS:
        raise InvalidArgumentError("sort", f"must be one of {', '.join(SORTS)}, not {sort!r}")
    first, last = checked_date(date_from, "date_from"), checked_date(date_to, "date_to")
    if first is not None and last is not None and as_start(first) > as_end(last):
        raise InvalidArgumentError(
            "date_from", f"{first:%Y-%m-%d} is after date_to {last:%Y-%m-%d} (--from after "
            "--to): no story can match; swap them"
        )  # fmt: skip
    return SearchRequest(
        query=checked_text(query, "query"),
        filters=checked_filters(filters),
        date_from=first,
        date_to=last,
        facets=checked_flag(facets, "facets"),
        facet_limit=checked_count(facet_limit, "facet_limit", minimum=0),
        sort=str(sort),
        page=checked_count(page, "page", minimum=1),
        page_size=checked_count(page_size, "page_size", minimum=1),
        snippets=checked_flag(snippets, "snippets"),
        as_you_type=checked_flag(as_you_type, "as_you_type"),
        every_version=checked_flag(every_version, "every_version"),
    )


def checked_text(value: object, argument: str) -> str:
    """``value`` if it is a string of valid Unicode text."""
    if not isinstance(value, str):
        raise InvalidArgumentError(argument, f"must be a string, not {_kind(value)}")
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        what = "the query" if argument == "query" else f"{argument} {value!r}"
        raise QueryError(
            f"{what} holds an undecodable byte ({value[error.start]!r}), not text; "
            "check the terminal's or file's encoding (newsdesk expects UTF-8)",
            error.start,
        ) from None
    return value


def checked_filters(filters: object) -> dict[str, list[str]]:
    """``{field: [values]}`` from a mapping of field names to a value or a list (tuple,
    set) of values."""
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise InvalidArgumentError(
            "filters", f"must be a mapping of field name to values, not {_kind(filters)}"
        )
    checked: dict[str, list[str]] = {}
    for name, values in filters.items():
        field = checked_text(name, "filter name")
        if isinstance(values, str):
            values = [values]
        listed = isinstance(values, Collection) and not isinstance(values, Mapping)
        if not listed or not all(isinstance(v, str) for v in values):
            raise InvalidArgumentError(
                f"filters[{field!r}]",
                f"must be a string or a list of strings, not {_kind(values)}",
            )
        checked[field] = [checked_text(value, f"filter {field}") for value in values]
    return checked


def checked_date(value: object, argument: str) -> date | None:
    """A date or datetime (aware ones are converted to UTC later), or None."""
    if value is None or isinstance(value, date):
        return value
    raise InvalidArgumentError(
        argument,
        f"must be a datetime.date or datetime.datetime (or None), not {_kind(value)}; "
        "e.g. date(2017, 9, 1)",
    )


def checked_count(value: object, argument: str, *, minimum: int) -> int:
    """An int of at least ``minimum`` (bools are refused: ``page=True`` is a slip)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(argument, f"must be an int, not {_kind(value)}")
    if value < minimum:
        raise InvalidArgumentError(argument, f"must be at least {minimum}, not {value}")
    return value


def checked_flag(value: object, argument: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgumentError(argument, f"must be True or False, not {_kind(value)}")
    return value


def _kind(value: object) -> str:
    """How an error names a wrong value: its type, and the value when short."""
    shown = repr(value)
    return type(value).__name__ + (f" {shown}" if len(shown) <= 40 else "")
