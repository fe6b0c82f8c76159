"""Facet counts from per-document value columns, cached once per searcher.

Whoosh's ``groupedby`` re-reads every matching document's values on each query, which is
what makes naive faceting slow on large result sets.  Here each facet becomes a column
built once per searcher from the field's postings: two parallel numpy arrays holding one
entry per (document, value) pair.  The date becomes month/year columns read from the
sortable ``date`` column.  Counting a query's matches is then one vectorised
``bincount`` per facet over the entries whose document is in the query's mask.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from index.reading import MISSING_DATE, raw_date_column
from index.schema import LIST_SEPARATOR, facet_term
from index.segment_arrays import sorted_unique
from search.postings import Mask, Postings

#: Facets on article fields, in the order results list them.
FIELD_FACETS = ("source", "category", "topics", "places", "people", "organisations")
#: Facets are counted from the matching docnums alone when fewer than one document in
#: this many matches (else in one pass over every entry of the column).
SPARSE_SHARE = 16
#: Date histograms, chronological.
DATE_FACETS = ("month", "year")
ALL_FACETS = FIELD_FACETS + DATE_FACETS

_DAY_MICROSECONDS = 86_400_000_000
#: Days from 0001-01-01 (Whoosh's date origin) to 1970-01-01 (numpy's).
_DAYS_BEFORE_1970 = 719_162

IntArray = npt.NDArray[np.int64]


def _decode(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


@dataclass(slots=True)
class Column:
    """One facet's (document, value id) pairs, grouped by value."""

    #: Indexed values (folded terms; "YYYY-MM"/"YYYY" for dates).
    values: list[str]
    docs: IntArray
    value_ids: IntArray
    #: Where each value's entries start in ``docs`` (one more item than ``values``).
    starts: IntArray
    #: Display spellings, looked up on first use (None until then).
    names: list[str | None]
    #: Value id of each indexed value (to file the spellings of a stored article).
    ids: dict[str, int]
    #: When no document has two values (source, category, month, year): the value id
    #: of each docnum, -1 for none.  Counting then reads only the matching docnums.
    per_doc: IntArray | None
    #: How many values still lack their display spelling.
    unnamed: int
    #: Multi-valued columns, for counting a few documents: where each docnum's value
    #: ids start in ``doc_values`` (built on first use).
    doc_starts: IntArray | None = None
    doc_values: IntArray | None = None

    def tally(self, mask: Mask) -> IntArray:
        """How many documents in ``mask`` hold each value id (a pass over every entry)."""
        if self.per_doc is not None:
            ids = self.per_doc[mask]
            return np.bincount(ids[ids >= 0], minlength=len(self.values))
        return np.bincount(self.value_ids[mask[self.docs]], minlength=len(self.values))

    def tally_docs(self, docnums: IntArray) -> IntArray:
        """The same counts from the matching ``docnums`` alone: cost follows the result,
        not the archive (for queries matching a small share of it)."""
        if self.per_doc is not None:
            ids = self.per_doc[docnums]
            return np.bincount(ids[ids >= 0], minlength=len(self.values))
        if self.doc_starts is None or self.doc_values is None:
            by_doc = np.argsort(self.docs, kind="stable")
            size = int(self.docs.max(initial=-1)) + 1
            self.doc_values = self.value_ids[by_doc]
            self.doc_starts = np.searchsorted(self.docs[by_doc], np.arange(size + 1))
        inside = docnums[docnums < len(self.doc_starts) - 1]
        starts = self.doc_starts[inside]
        lengths = self.doc_starts[inside + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(self.values), dtype=np.int64)
        first = np.cumsum(lengths) - lengths  # where each document's run begins
        positions = np.repeat(starts - first, lengths) + np.arange(total)
        return np.bincount(self.doc_values[positions], minlength=len(self.values))


def _column(
    values: list[str], docs: IntArray, value_ids: IntArray, size: int, dates: bool
) -> Column:
    by_value = np.argsort(value_ids, kind="stable")
    docs, value_ids = docs[by_value], value_ids[by_value]
    starts = np.searchsorted(value_ids, np.arange(len(values) + 1))
    per_doc = None
    if not len(docs) or np.bincount(docs, minlength=size).max() <= 1:  # one value a doc
        per_doc = np.full(size, -1, dtype=np.int64)
        per_doc[docs] = value_ids
    names: list[str | None] = list(values) if dates else [None] * len(values)
    ids = {value: number for number, value in enumerate(values)}
    unnamed = 0 if dates else len(values)
    return Column(values, docs, value_ids, starts, names, ids, per_doc, unnamed)


class FacetColumns:
    """Per-document facet values for one reader (built lazily, reused across queries)."""

    def __init__(
        self,
        reader: Any,
        postings: Postings | None = None,
        stored_fields: Callable[[int], Mapping[str, Any]] | None = None,
    ) -> None:
        self._reader = reader
        self._stored_fields = stored_fields or reader.stored_fields
        self._learned: set[int] = set()  # docnums whose facet spellings are filed
        self._postings = postings or Postings(reader)
        self._lock = threading.RLock()
        self._columns: dict[str, Column] = {}
        self._raw_dates: npt.NDArray[np.uint64] | None = None
        self._orders: dict[str, IntArray] = {}

    # -- building ------------------------------------------------------------------
    def column(self, name: str) -> Column:
        """The column of a facet name (built on first use)."""
        with self._lock:
            if name not in self._columns:
                if name in DATE_FACETS:
                    self._columns[name] = self._build_date_column(name)
                else:
                    self._columns[name] = self._build_field_column(name)
                    self._learned.clear()  # articles read so far did not file this one
            return self._columns[name]

    def _build_field_column(self, fieldname: str) -> Column:
        table = self._postings.field_table(fieldname)
        if table is not None:  # every segment's arrays file lists the field's terms
            values, docs, ids = table
            return _column(values, docs, ids, self._postings.doc_count_all, dates=False)
        reader = self._reader
        values = []
        doc_parts: list[IntArray] = [np.zeros(0, dtype=np.int64)]
        id_parts: list[IntArray] = [np.zeros(0, dtype=np.int64)]
        if fieldname in reader.schema:
            for value_id, term in enumerate(reader.lexicon(fieldname)):
                docs, _ = self._postings.read_term(fieldname, term)
                values.append(_decode(term))
                doc_parts.append(docs)
                id_parts.append(np.full(len(docs), value_id, dtype=np.int64))
        docs, ids = np.concatenate(doc_parts), np.concatenate(id_parts)
        return _column(values, docs, ids, self._postings.doc_count_all, dates=False)

    def _name(self, fieldname: str, column: Column, value_id: int) -> str:
        """The stored (display) spelling of an indexed, folded facet term, read from
        one article that has it the first time it is shown (reading all spellings up
        front would make the first query of a session slow)."""
        name = column.names[value_id]
        if name is not None:
            return name
        docnums = column.docs[column.starts[value_id] : column.starts[value_id + 1]]
        live = self._postings.live()
        for docnum in docnums[live[docnums]][:1]:
            self.learn_names(int(docnum), self._stored_fields(int(docnum)))
        name = column.names[value_id]
        if name is None:  # no live article spells it (never seen): show the term
            name = column.names[value_id] = column.values[value_id]
            column.unnamed -= 1
        return name

    def learn_names(self, docnum: int, stored: Mapping[str, Any]) -> None:
        """File the display spellings of every facet value of one stored article.

        One stored article names several facets' values at once (its source, places,
        topics...), and hits' articles are read anyway: filing them all makes most
        values' spellings known before a facet list first needs them.
        """
        with self._lock:
            if docnum in self._learned:
                return
            self._learned.add(docnum)
            for fieldname, column in self._columns.items():
                if fieldname in DATE_FACETS or column.unnamed == 0:
                    continue
                text = stored.get(fieldname)
                if not text:
                    continue
                for value in str(text).split(LIST_SEPARATOR):
                    spelled = value.strip()
                    value_id = column.ids.get(facet_term(spelled))
                    if value_id is not None and column.names[value_id] is None:
                        column.names[value_id] = spelled
                        column.unnamed -= 1

    def raw_dates(self) -> npt.NDArray[np.uint64]:
        """Sortable date value per docnum (MISSING_DATE when the article has none)."""
        with self._lock:
            if self._raw_dates is None:
                self._raw_dates = raw_date_column(self._reader)
            return self._raw_dates

    def undated(self, mask: Mask) -> int:
        """How many documents in ``mask`` have no date."""
        return int(np.count_nonzero(mask & (self.raw_dates() == MISSING_DATE)))

    def _build_date_column(self, name: str) -> Column:
        """Month ("YYYY-MM") or year ("YYYY") of every dated document, vectorised:
        Whoosh's sortable dates are microseconds since 0001-01-01, which numpy's
        calendar turns into months or years without a Python call per date."""
        unit: Literal["M", "Y"] = "M" if name == "month" else "Y"
        raw = self.raw_dates()
        dated = np.flatnonzero(raw != MISSING_DATE)
        days = (raw[dated] // _DAY_MICROSECONDS).astype(np.int64) - _DAYS_BEFORE_1970
        periods = days.astype("datetime64[D]").astype(f"datetime64[{unit}]").astype(np.int64)
        years = 1970 + (periods // 12 if unit == "M" else periods)
        keep = (years >= 1) & (years <= 9999)  # what a datetime can hold
        dated, periods = dated[keep], periods[keep]
        distinct = sorted_unique(periods)
        stamps: npt.NDArray[np.datetime64] = distinct.astype(f"datetime64[{unit}]")
        values = np.datetime_as_string(stamps, unit=unit)
        value_ids = np.searchsorted(distinct, periods).astype(np.int64)
        return _column(values.tolist(), dated, value_ids, len(raw), dates=True)

    # -- date order --------------------------------------------------------------
    def date_order(self, newest: bool) -> IntArray:
        """Every docnum by date (newest or oldest first), undated articles last."""
        key = "newest" if newest else "oldest"
        with self._lock:
            if key not in self._orders:
                raw = self.raw_dates()
                docs = np.arange(len(raw), dtype=np.int64)
                dated = raw != MISSING_DATE
                by_date = np.lexsort((docs[dated], raw[dated]))  # date, then docnum
                ordered = docs[dated][by_date[::-1] if newest else by_date]
                self._orders[key] = np.concatenate((ordered, docs[~dated]))
            return self._orders[key]

    # -- counting ------------------------------------------------------------------
    def count(
        self,
        docnums: Mask | Collection[int],
        names: Iterable[str] = ALL_FACETS,
        limit: int = 20,
        stop: Callable[[], bool] = lambda: False,
    ) -> dict[str, list[tuple[str, int]]]:
        """Counts per facet over ``docnums`` (a mask or docnums): fields most frequent
        first (ties by value, at most ``limit``), month/year complete and chronological.
        ``stop()`` is asked before each facet (the query's deadline): the facets not
        counted are left out."""
        mask = docnums if isinstance(docnums, np.ndarray) else self._postings.mask_of(docnums)
        matching = np.flatnonzero(mask)
        few = len(matching) * SPARSE_SHARE < len(mask)
        counts: dict[str, list[tuple[str, int]]] = {}
        for name in names:
            if stop():
                break
            column = self.column(name)
            with self._lock:  # tally_docs fills a column's per-document index once
                tally = column.tally_docs(matching) if few else column.tally(mask)
            found = np.flatnonzero(tally)
            if name in DATE_FACETS:  # "YYYY-MM" values: chronological is alphabetical
                ranked = sorted(found.tolist(), key=column.values.__getitem__)
                counts[name] = [(column.values[i], int(tally[i])) for i in ranked]
                continue
            if 0 < limit < len(found):  # only values that can make the cut, ties included
                cut = len(found) - limit
                found = found[tally[found] >= np.partition(tally[found], cut)[cut]]
            with self._lock:
                pairs = [(self._name(name, column, i), int(tally[i])) for i in found.tolist()]
            pairs.sort(key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
            counts[name] = pairs[:limit] if limit > 0 else pairs
        return counts
