"""Messages widgets post to the screens, as dataclasses (fields are the payload).

Widgets never call the engine: they say what the user asked for, and the search screen
decides what to run.  Handler names follow Textual's rule (``on_facet_toggled`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from search.results import Hit, SearchResults


@dataclass
class FacetToggled(Message):
    """The user selected a facet value: add it to the filters, or remove it if active."""

    field: str
    value: str


class FacetValuesWanted(Message):
    """A field's "more…" was chosen and the engine may hold more values than it sent:
    search again asking for more values per field."""


@dataclass
class PeriodPicked(Message):
    """The user picked a period on the timeline: filter by it (``field``: "month" or
    "year"; ``value``: one period, or a run of them, "1987-02..1987-04")."""

    field: str
    value: str


@dataclass
class SelectionMoved(Message):
    """Move the result selection by ``step`` while typing (the cursor stays in the query)."""

    step: int


@dataclass
class TypedAway(Message):
    """A letter typed where it cannot go (the result list): it belongs to the query."""

    text: str


@dataclass
class FilterRemoved(Message):
    """The user removed an active filter chip."""

    field: str
    value: str


@dataclass
class HitHighlighted(Message):
    """The result-list cursor moved to ``hit`` (the preview follows it)."""

    hit: Hit


@dataclass
class HitChosen(Message):
    """The user chose ``hit`` (Enter or click): open it in the reader."""

    hit: Hit


@dataclass
class MoreResultsWanted(Message):
    """The cursor or scroll position reached the end of the loaded hits: load the next page."""


@dataclass
class SuggestionAccepted(Message):
    """The user accepted the did-you-mean ``suggestion``: search for it instead."""

    suggestion: str


@dataclass
class SearchFinished(Message):
    """A search worker finished (posted from the worker thread).

    ``generation`` identifies the request; the screen drops any result whose generation
    is older than the newest request, so a slow stale search never overwrites a newer one.
    ``append`` is True for a next page (hits are added below the loaded ones).
    """

    generation: int
    results: SearchResults
    append: bool = False
