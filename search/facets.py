"""Facet counts from per-document value columns, cached once per searcher.

Whoosh's ``groupedby`` re-reads every matching document's values on each query, which is
what makes naive faceting slow on large result sets.  Here each facet field becomes a
column (docnum -> tuple of value ids) built once from the field's postings, and the date
becomes month/year columns read from the sortable ``date`` column; counting a query is
then one pass over its matching docnums per field.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Collection, Iterable
from datetime import datetime
from itertools import chain
from typing import Any

from whoosh.util.times import long_to_datetime

from index.schema import LIST_SEPARATOR
from search.expand import fold

#: Facets on article fields, in the order results list them.
FIELD_FACETS = ("source", "category", "topics", "places", "people", "organisations")
#: Date histograms, chronological.
DATE_FACETS = ("month", "year")
ALL_FACETS = FIELD_FACETS + DATE_FACETS

#: Raw ``date`` column value of an article without a date (Whoosh's sortable default).
MISSING_DATE = 2**64 - 1


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


class FacetColumns:
    """Per-document facet value ids for one reader (build lazily, reuse across queries)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._lock = threading.RLock()
        self._columns: dict[str, tuple[list[str], list[tuple[int, ...]]]] = {}
        self._raw_dates: list[int] | None = None
        self._orders: dict[str, list[int]] = {}
        self._totals: dict[str, Counter[int]] = {}
        self._live: frozenset[int] | None = None

    # -- building ------------------------------------------------------------------
    def column(self, name: str) -> tuple[list[str], list[tuple[int, ...]]]:
        """(display values, per-docnum value ids) for a facet name."""
        with self._lock:
            if name not in self._columns:
                if name in DATE_FACETS:
                    self._columns[name] = self._build_date_column(name)
                else:
                    self._columns[name] = self._build_field_column(name)
            return self._columns[name]

    def _build_field_column(self, fieldname: str) -> tuple[list[str], list[tuple[int, ...]]]:
        reader = self._reader
        per_doc: list[list[int]] = [[] for _ in range(reader.doc_count_all())]
        values: list[str] = []
        if fieldname in reader.schema:
            for value_id, term in enumerate(reader.lexicon(fieldname)):
                docnums = list(reader.postings(fieldname, term).all_ids())
                values.append(self._display_value(fieldname, _decode(term), docnums))
                for docnum in docnums:
                    per_doc[docnum].append(value_id)
        return values, [tuple(ids) for ids in per_doc]

    def _display_value(self, fieldname: str, term: str, docnums: list[int]) -> str:
        """The stored (display) spelling of an indexed, folded facet term."""
        for docnum in docnums[:1]:
            stored = self._reader.stored_fields(docnum).get(fieldname, "")
            for value in stored.split(LIST_SEPARATOR):
                if fold(value.strip()) == term:
                    return str(value).strip()
        return term

    def raw_dates(self) -> list[int]:
        """Sortable date value per docnum (MISSING_DATE when the article has none)."""
        with self._lock:
            if self._raw_dates is None:
                reader = self._reader
                count = reader.doc_count_all()
                if "date" in reader.schema and reader.has_column("date"):
                    column = reader.column_reader("date", translate=False)
                    self._raw_dates = [column[docnum] for docnum in range(count)]
                else:
                    self._raw_dates = [MISSING_DATE] * count
            return self._raw_dates

    def _build_date_column(self, name: str) -> tuple[list[str], list[tuple[int, ...]]]:
        width = 7 if name == "month" else 4  # "YYYY-MM" or "YYYY"
        values: list[str] = []
        ids: dict[str, int] = {}
        per_doc: list[tuple[int, ...]] = []
        for raw in self.raw_dates():
            when = date_of(raw)
            if when is None:
                per_doc.append(())
                continue
            key = when.strftime("%Y-%m")[:width]
            if key not in ids:
                ids[key] = len(values)
                values.append(key)
            per_doc.append((ids[key],))
        return values, per_doc

    # -- date order --------------------------------------------------------------
    def date_order(self, newest: bool) -> list[int]:
        """Every docnum by date (newest or oldest first), undated articles last."""
        key = "newest" if newest else "oldest"
        with self._lock:
            if key not in self._orders:
                raw = self.raw_dates()
                dated = [d for d in range(len(raw)) if raw[d] != MISSING_DATE]
                dated.sort(key=lambda d: (raw[d], d), reverse=newest)
                undated = [d for d in range(len(raw)) if raw[d] == MISSING_DATE]
                self._orders[key] = dated + undated
            return self._orders[key]

    # -- counting ------------------------------------------------------------------
    def _live_docs(self) -> frozenset[int]:
        if self._live is None:
            self._live = frozenset(self._reader.all_doc_ids())
        return self._live

    def _counter(self, name: str, docnums: Collection[int]) -> Counter[int]:
        """Value-id counts; a set larger than half the index is counted by complement
        against cached whole-index totals (browsing everything stays cheap)."""
        _, per_doc = self.column(name)
        live = self._live_docs()
        if len(docnums) * 2 <= len(live) or not isinstance(docnums, (set, frozenset)):
            return Counter(chain.from_iterable(map(per_doc.__getitem__, docnums)))
        with self._lock:
            if name not in self._totals:
                self._totals[name] = Counter(chain.from_iterable(map(per_doc.__getitem__, live)))
            totals = self._totals[name]
        missing = Counter(chain.from_iterable(map(per_doc.__getitem__, live - docnums)))
        return totals - missing

    def count(
        self, docnums: Collection[int], names: Iterable[str] = ALL_FACETS, limit: int = 20
    ) -> dict[str, list[tuple[str, int]]]:
        """Counts per facet over ``docnums``: fields most frequent first (ties by value,
        at most ``limit``), month/year complete and chronological."""
        counts: dict[str, list[tuple[str, int]]] = {}
        for name in names:
            values, _ = self.column(name)
            counter = self._counter(name, docnums)
            pairs = [(values[value_id], count) for value_id, count in counter.items()]
            if name in DATE_FACETS:
                counts[name] = sorted(pairs)
            else:
                pairs.sort(key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
                counts[name] = pairs[:limit] if limit > 0 else pairs
        return counts


def date_of(raw: int) -> datetime | None:
    """A raw sortable date column value as a datetime (None for "no date")."""
    if raw == MISSING_DATE:
        return None
    try:
        return long_to_datetime(raw)  # type: ignore[no-any-return]
    except (OverflowError, ValueError):
        return None
