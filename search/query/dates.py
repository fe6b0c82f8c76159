"""The date syntax of queries: ``2017``, ``2017-09``, ``[A to B]``, ``>2017-09-20``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from whoosh import query as wq

from search.errors import QueryError

_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_RANGE = re.compile(r"^\[\s*(\S*)\s+to\s+(\S*)\s*\]$", re.IGNORECASE)
_COMPARISON = re.compile(r"^(>=|<=|>|<)(.*)$")


def date_bounds(value: str, position: int) -> tuple[datetime, datetime]:
    """The first and last instant of a year, month or day (raises QueryError)."""
    match = _DATE.match(value.strip())
    if not match:
        raise QueryError(f"cannot read date {value!r}; use YYYY, YYYY-MM or YYYY-MM-DD", position)
    year = int(match.group(1))
    month = int(match.group(2) or 1)
    day = int(match.group(3) or 1)
    try:
        start = datetime(year, month, day)
    except ValueError as error:
        raise QueryError(f"impossible date {value!r} ({error})", position) from None
    following: datetime | None
    if match.group(3):
        following = start + timedelta(days=1) if start.date() < datetime.max.date() else None
    elif match.group(2):
        following = _first_of_next(year, month) if month < 12 else _first_of_next(year + 1, 0)
    else:
        following = _first_of_next(year + 1, 0)
    end = following - timedelta(microseconds=1) if following else datetime.max
    return start, end


def _first_of_next(year: int, month: int) -> datetime | None:
    """The 1st of month+1 (month 0 = January of ``year``), None past year 9999."""
    return datetime(year, month + 1, 1) if year <= 9999 else None


def date_query(value: str, position: int) -> wq.Query:
    """A DateRange query for a ``date:`` value."""
    text = value.strip()
    if text.startswith("["):
        match = _RANGE.match(text)
        if not match:
            raise QueryError(
                f"cannot read date range {text!r}; use [2017-09-01 to 2017-09-30]", position
            )
        low, high = (part if part not in ("", "*") else None for part in match.groups())
        start = date_bounds(low, position + 1)[0] if low else None
        end = date_bounds(high, position + 1)[1] if high else None
        if start and end and start > end:
            raise QueryError(f"date range {text!r} ends before it starts", position)
        return wq.DateRange("date", start, end)
    comparison = _COMPARISON.match(text)
    if comparison:
        operator, rest = comparison.groups()
        first, last = date_bounds(rest, position + len(operator))
        if operator == ">":
            return wq.DateRange("date", last, None, startexcl=True)
        if operator == ">=":
            return wq.DateRange("date", first, None)
        if operator == "<":
            return wq.DateRange("date", None, first, endexcl=True)
        return wq.DateRange("date", None, last)
    first, last = date_bounds(text, position)
    return wq.DateRange("date", first, last)
