"""Facet counts over the generation's columns, with display spellings learned lazily.

Whoosh's ``groupedby`` re-reads every matching document's values on each query, which is
what makes naive faceting slow on large result sets.  Here each facet is a column of
(document, value) pairs computed once when the generation is written
(``index.columns``) and memory-mapped: counting a query's matches is one vectorised
``bincount`` per facet, over the matching docnums alone when they are few (cost follows
the result) or over the column's entries whose document is in the query's mask.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from index.columns import FacetTable, GenerationColumns
from index.fields import ALL_FACETS, DATE_FACETS, LIST_SEPARATOR
from index.schema import facet_term
from index.segment_arrays import run_positions
from search.matching.postings import Mask, Postings

__all__ = ["Column", "FacetColumns"]

#: Facets are counted from the matching docnums alone when fewer than one document in
#: this many matches (else in one pass over every entry of the column).
SPARSE_SHARE = 16

IntArray = npt.NDArray[np.int64]
Ints = npt.NDArray[np.integer[Any]]


@dataclass(slots=True)
class Column:
    """One facet's memory-mapped table, and the display spellings learned so far."""

    table: FacetTable
    #: Display spellings, looked up on first use (None until then).
    names: list[str | None]
    #: Value id of each indexed value (to file the spellings of a stored article).
    ids: dict[str, int]
    #: How many values still lack their display spelling.
    unnamed: int

    @classmethod
    def of(cls, table: FacetTable, dates: bool) -> Column:
        values = table.values
        names: list[str | None] = list(values) if dates else [None] * len(values)
        ids = {} if dates else {value: number for number, value in enumerate(values)}
        return cls(table, names, ids, 0 if dates else len(values))

    @property
    def values(self) -> list[str]:
        return self.table.values

    def docs_of(self, value_id: int) -> Ints:
        table = self.table
        return table.docs[int(table.starts[value_id]) : int(table.starts[value_id + 1])]

    def tally(self, mask: Mask) -> IntArray:
        """How many documents in ``mask`` hold each value id (a pass over every entry)."""
        table = self.table
        if table.per_doc is not None:
            ids = table.per_doc[mask]
            return np.bincount(ids[ids >= 0], minlength=len(self.values))
        assert table.value_ids is not None
        return np.bincount(table.value_ids[mask[table.docs]], minlength=len(self.values))

    def tally_docs(self, docnums: IntArray) -> IntArray:
        """The same counts from the matching ``docnums`` alone: cost follows the result,
        not the archive (for queries matching a small share of it)."""
        table = self.table
        if table.per_doc is not None:
            ids = table.per_doc[docnums]
            return np.bincount(ids[ids >= 0], minlength=len(self.values))
        assert table.doc_starts is not None and table.doc_values is not None
        starts = table.doc_starts[docnums].astype(np.int64)
        lengths = table.doc_starts[docnums + 1] - starts
        positions = run_positions(starts, lengths)
        return np.bincount(table.doc_values[positions], minlength=len(self.values))


class FacetColumns:
    """Per-document facet values for one reader (built lazily, reused across queries)."""

    def __init__(
        self,
        columns: GenerationColumns,
        postings: Postings,
        stored_fields: Callable[[int], Mapping[str, Any]],
    ) -> None:
        self._generation = columns
        self._stored_fields = stored_fields
        self._learned: set[int] = set()  # docnums whose facet spellings are filed
        self._postings = postings
        self._lock = threading.RLock()
        self._columns: dict[str, Column] = {}

    # -- columns -------------------------------------------------------------------
    def column(self, name: str) -> Column:
        """The column of a facet name (mapped on first use)."""
        with self._lock:
            if name not in self._columns:
                table = self._generation.facet(name)
                self._columns[name] = Column.of(table, dates=name in DATE_FACETS)
                if name not in DATE_FACETS:
                    self._learned.clear()  # articles read so far did not file this one
            return self._columns[name]

    def _name(self, fieldname: str, column: Column, value_id: int) -> str:
        """The stored (display) spelling of an indexed, folded facet term, read from
        one article that has it the first time it is shown (reading all spellings up
        front would make the first query of a session slow)."""
        name = column.names[value_id]
        if name is not None:
            return name
        docnums = column.docs_of(value_id)
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
        return self._generation.raw_dates

    def undated(self, mask: Mask) -> int:
        """How many documents in ``mask`` have no date."""
        return int(np.count_nonzero(mask & self._generation.undated))

    def undated_docs(self) -> Mask:
        """Which docnums have no date."""
        return self._generation.undated

    def date_order(self, newest: bool) -> Ints:
        """Every docnum by date (newest or oldest first, ties by docnum), undated last."""
        return self._generation.date_order(newest)

    # -- counting ------------------------------------------------------------------
    def _tallies(
        self, docnums: Mask | Collection[int], names: Iterable[str], stop: Callable[[], bool]
    ) -> Iterator[tuple[str, Column, IntArray, IntArray]]:
        """(facet, its column, count per value id, the ids counted) facet by facet,
        until ``stop()``."""
        mask = docnums if isinstance(docnums, np.ndarray) else self._postings.mask_of(docnums)
        matching = np.flatnonzero(mask)
        few = len(matching) * SPARSE_SHARE < len(mask)
        for name in names:
            if stop():
                break
            column = self.column(name)
            with self._lock:  # tally_docs fills a column's per-document index once
                tally = column.tally_docs(matching) if few else column.tally(mask)
            yield name, column, tally, np.flatnonzero(tally)

    def count(
        self,
        docnums: Mask | Collection[int],
        names: Iterable[str] = ALL_FACETS,
        limit: int = 20,
        stop: Callable[[], bool] = lambda: False,
        keep: Mapping[str, Collection[str]] | None = None,
    ) -> dict[str, list[tuple[str, int]]]:
        """Counts per facet over ``docnums`` (a mask or docnums): fields most frequent
        first (ties by value, at most ``limit``), month/year complete and chronological;
        then the values of ``keep`` (facet -> terms: the values picked) that counted
        any but missed the cut.  ``stop()`` is asked before each facet (the query's
        deadline): the facets not counted are left out."""
        counts: dict[str, list[tuple[str, int]]] = {}
        for name, column, tally, found in self._tallies(docnums, names, stop):
            if name in DATE_FACETS:  # "YYYY-MM" values: chronological is alphabetical
                ranked = sorted(found.tolist(), key=column.values.__getitem__)
                counts[name] = [(column.values[i], int(tally[i])) for i in ranked]
                continue
            ids = (column.ids.get(term) for term in (keep or {}).get(name, ()))
            kept = [i for i in ids if i is not None and tally[i]]
            if 0 < limit < len(found):  # only values that can make the cut, ties included
                cut = len(found) - limit
                least = np.partition(tally[found], cut)[cut]
                found = found[(tally[found] >= least) | np.isin(found, kept)]
            with self._lock:
                pairs = [(self._name(name, column, i), int(tally[i])) for i in found.tolist()]
                picked = {self._name(name, column, i) for i in kept}
            pairs.sort(key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
            counts[name] = cut_keeping(pairs, limit, picked)
        return counts

    def count_values(
        self,
        docnums: Mask | Collection[int],
        names: Iterable[str] = ALL_FACETS,
        limit: int = 20,
        stop: Callable[[], bool] = lambda: False,
    ) -> dict[str, list[tuple[str, str, int]]]:
        """Every counted value of each facet as (indexed term, display spelling, count),
        in no order: what a coordinator sums over shards by term before cutting.  The
        values spelled already and those that make this cut of ``limit`` (ties
        included; every one when 0) are spelled, as ``count`` spells them; the others
        get "" (spelling one means reading an article that holds it)."""
        counts: dict[str, list[tuple[str, str, int]]] = {}
        for name, column, tally, found in self._tallies(docnums, names, stop):
            values = column.values
            if name in DATE_FACETS:
                counts[name] = [(values[i], values[i], int(tally[i])) for i in found.tolist()]
                continue
            least = 0
            if 0 < limit < len(found):
                cut = len(found) - limit
                least = int(np.partition(tally[found], cut)[cut])
            spelled = column.names
            with self._lock:
                counts[name] = [
                    (values[i],
                     spelled[i] or (self._name(name, column, i) if tally[i] >= least else ""),
                     int(tally[i]))
                    for i in found.tolist()
                ]  # fmt: skip
        return counts

    def spelling(self, name: str, term: str) -> str:
        """The display spelling of one value of a facet (the term itself if unknown)."""
        column = self.column(name)
        value_id = column.ids.get(term)
        if value_id is None:
            return term
        with self._lock:
            return self._name(name, column, value_id)


def cut_keeping(
    pairs: list[tuple[str, int]], limit: int, picked: Collection[str]
) -> list[tuple[str, int]]:
    """The first ``limit`` of a facet's (value, count) pairs (all when 0), then those of
    the values ``picked`` that missed the cut, in their order."""
    if 0 < limit < len(pairs):
        return pairs[:limit] + [pair for pair in pairs[limit:] if pair[0] in picked]
    return pairs
