"""Facet filters and date bounds as one Whoosh query: OR within a field, AND across."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time

from whoosh import query as wq

from index.fields import DATE_FACETS, FIELD_ALIASES, FIELD_FACETS, KEYWORD_FIELDS
from search.errors import QueryError
from search.query.analysis import fold
from search.query.dates import date_bounds
from search.query.fields import CodeNames, coded_value, place_value

#: Keyword fields a filter may name (facets plus the other keyword fields).
FILTERABLE = KEYWORD_FIELDS


def filter_field(name: str) -> str:
    """The schema field (or "month"/"year") a filter key names; QueryError if none."""
    key = name.strip().lower()
    if key in DATE_FACETS:
        return key
    target = FIELD_ALIASES.get(key)
    if target not in FILTERABLE:
        known = ", ".join((*FILTERABLE, *DATE_FACETS))
        raise QueryError(f"cannot filter on {name!r}; filter fields are: {known}")
    return target


def _value_query(fieldname: str, value: str, code_names: CodeNames) -> wq.Query:
    if fieldname in DATE_FACETS:  # a period, or a run of them: "1987-02..1987-04"
        first, _, last = value.partition("..")
        start, end = date_bounds(first, 0)[0], date_bounds(last or first, 0)[1]
        if start > end:
            raise QueryError(f"{value!r} ends before it starts")
        return wq.DateRange("date", start, end)
    if fieldname == "places":
        value = place_value(value)
    term = wq.Term(fieldname, fold(value.strip()))
    named = coded_value(code_names, fieldname, value)
    return term if named is None else wq.Or([term, wq.Term(fieldname, fold(named))])


def _naive(when: datetime) -> datetime:
    """Index dates are naive UTC; an aware bound is converted, not rejected."""
    if when.tzinfo is None:
        return when
    return when.astimezone(UTC).replace(tzinfo=None)


def as_start(when: date | datetime) -> datetime:
    return _naive(when) if isinstance(when, datetime) else datetime.combine(when, time.min)


def as_end(when: date | datetime) -> datetime:
    return _naive(when) if isinstance(when, datetime) else datetime.combine(when, time.max)


def picked_terms(
    filters: Mapping[str, Sequence[str]] | None, code_names: CodeNames | None = None
) -> dict[str, list[str]]:
    """The indexed terms of the values ``filters`` picks, facet field by facet field
    (month and year are periods, not values): the values a facet lists even when they
    fall outside its top ones, so a pick never vanishes from its list."""
    picked: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        field = filter_field(name)
        if field not in FIELD_FACETS or field in DATE_FACETS:
            continue
        for value in [values] if isinstance(values, str) else values:
            if value.strip():
                option = _value_query(field, value, code_names or {})
                picked.setdefault(field, []).extend(
                    str(term.text) for term in (option, *option.children()) if type(term) is wq.Term
                )
    return picked


def facet_restrictions(
    filters: Mapping[str, Sequence[str]] | None,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    code_names: CodeNames | None = None,
) -> dict[str, wq.Query | None]:
    """For each facet field the ``filters`` filter, the restriction of every filter but
    its own: a facet's values are counted as if none of them were picked, so picking a
    second value (OR-ed with the first) stays possible -- Elasticsearch's post_filter,
    Solr's tagged exclusions.  The timeline's month and year count what is shown."""
    filtered = {filter_field(name) for name, values in (filters or {}).items() if values}
    return {
        field: filter_query(
            {
                name: values
                for name, values in (filters or {}).items()
                if filter_field(name) != field
            },
            date_from,
            date_to,
            code_names,
        )
        for field in sorted(filtered & set(FIELD_FACETS))
    }


def filter_query(
    filters: Mapping[str, Sequence[str]] | None,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    code_names: CodeNames | None = None,
) -> wq.Query | None:
    """The restriction for ``engine.search`` (None when nothing is filtered); a value
    may be a code of ``code_names`` (``topics=acq`` finds "Mergers/Acquisitions")."""
    clauses: list[wq.Query] = []
    by_field: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if isinstance(values, str):
            values = [values]
        by_field.setdefault(filter_field(name), []).extend(v for v in values if v.strip())
    for fieldname, values in by_field.items():
        if not values:
            continue
        try:
            options = [_value_query(fieldname, value, code_names or {}) for value in values]
        except QueryError as error:
            raise QueryError(f"filter {fieldname}: {error.problem}") from None
        clauses.append(options[0] if len(options) == 1 else wq.Or(options))
    if date_from is not None or date_to is not None:
        start = as_start(date_from) if date_from is not None else None
        end = as_end(date_to) if date_to is not None else None
        clauses.append(wq.DateRange("date", start, end))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)
