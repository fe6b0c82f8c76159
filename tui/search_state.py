"""What the user is asking for: query text, active filters, sort order (no UI in here)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

SORT_ORDERS = ("relevance", "newest", "oldest")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search as the screen will run it; immutable so a worker can hold it safely."""

    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    #: The query is being typed: its last word also finds the words it begins.
    typing: bool = False
    #: Every version of a story listed and counted (else each story once).
    every_version: bool = False

    def with_query(self, query: str, *, typing: bool = False) -> SearchRequest:
        return replace(self, query=query, typing=typing)

    def toggle_filter(self, field_name: str, value: str) -> SearchRequest:
        """Add ``value`` to the field's filter values, or remove it if already there."""
        values = self.filters.get(field_name, ())
        if value in values:
            return self.remove_filter(field_name, value)
        return replace(self, filters={**self.filters, field_name: (*values, value)})

    def remove_filter(self, field_name: str, value: str) -> SearchRequest:
        values = tuple(v for v in self.filters.get(field_name, ()) if v != value)
        filters = {k: v for k, v in self.filters.items() if k != field_name}
        if values:
            filters[field_name] = values
        return replace(self, filters=filters)

    def pick_period(self, field_name: str, value: str) -> SearchRequest:
        """Filter by one period of the timeline instead of any other ("month"/"year";
        picked again: no period filter)."""
        picked = self.filters.get(field_name) == (value,)
        filters = {k: v for k, v in self.filters.items() if k not in ("month", "year")}
        if not picked:
            filters[field_name] = (value,)
        return replace(self, filters=filters)

    def clear_filters(self) -> SearchRequest:
        return replace(self, filters={})

    def next_sort(self) -> SearchRequest:
        """relevance → newest → oldest → relevance."""
        index = SORT_ORDERS.index(self.sort) if self.sort in SORT_ORDERS else -1
        return replace(self, sort=SORT_ORDERS[(index + 1) % len(SORT_ORDERS)])

    @property
    def is_browse(self) -> bool:
        """No words and no filters: the user is looking at everything."""
        return not self.query.strip() and not self.filters
