"""The facet sidebar: the timeline and each facet field's values with counts.

Selecting a value (Enter or click) posts :class:`FacetToggled`; the screen turns it into
a filter (several values of one field are OR-ed, fields are AND-ed) and re-runs the search.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from index.fields import label as field_label
from tui.messages import FacetToggled, FacetValuesWanted
from tui.safe_text import safe_text
from tui.widgets.option_list import WidthCachedOptionList
from tui.widgets.rows import Part, Row
from tui.widgets.timeline import Timeline

#: Facet fields in sidebar order (the field registry, ``index.fields``, names them).
FACET_ORDER = (
    "places", "topics", "source", "category", "people", "organisations", "year", "month"
)  # fmt: skip
#: Date facets listed newest first (the others most frequent first).
_NEWEST_FIRST = ("year", "month")
#: The value of a field's "more…" option (a control character: never a facet value).
_MORE = "\x00more"
#: show_facets' arguments: facet counts, active filters, values per field, undated count.
_Shown = tuple[Mapping[str, Sequence[tuple[str, int]]], Mapping[str, Sequence[str]], int, int]
#: Separates field and value in an option id (never in a facet value: it is a control char).
ID_SEPARATOR = "\x1f"
#: Values per field asked of the engine once a field's "more…" was chosen.
EXPANDED_VALUES = 500


def facet_option(field: str, value: str, count: int, active: bool) -> Option:
    """ "✓ Iraq 12": the value is cut with an ellipsis when narrow, the count always shows."""
    mark = "✓ " if active else "  "
    prompt = Text(mark, style="bold" if active else "", end="")
    prompt.append(safe_text(value, "bold" if active else "", one_line=True))
    count_text = Text(f" {count:,}", style="dim", end="")
    return Option(Row([Part(prompt, tail=count_text)]), id=f"{field}{ID_SEPARATOR}{value}")


class FacetList(WidthCachedOptionList):
    """All facet fields in one keyboard-navigable list, with a disabled heading per field."""

    _signature: list[tuple[str | None, str]] = []  # noqa: RUF012  # replaced, never mutated

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        #: Fields whose "more…" was chosen: all the values counted are listed.
        self.expanded: set[str] = set()
        #: Values per field the engine was asked for: a field with that many may have
        #: more ("more… (12+)").
        self.asked = 0
        self._last: (
            tuple[Mapping[str, Sequence[tuple[str, int]]], Mapping[str, Sequence[str]], int, int]
            | None
        ) = None

    def show_facets(
        self,
        facets: Mapping[str, Sequence[tuple[str, int]]],
        active: Mapping[str, Sequence[str]],
        limit: int,
        undated: int = 0,
    ) -> None:
        """The values of each field, most frequent first (years newest first); the Year
        heading says how many matching stories have no date ("Year · 196 undated")."""
        self._last = (facets, active, limit, undated)
        previous = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        for field in FACET_ORDER:
            chosen = set(active.get(field, ()))
            values = list(facets.get(field, ()))
            if field in _NEWEST_FIRST:
                values = values[::-1]
            shown = values if field in self.expanded else values[:limit]
            if field not in self.expanded:
                # A value picked stays visible even when it falls out of the top values
                # (expanded, every value is listed already: never twice).
                shown += [(v, c) for v, c in values[limit:] if v in chosen]
            undated_here = undated if field == "year" else 0
            if not shown and not undated_here:
                continue
            heading = Text(FACET_HEADINGS[field], style="bold", end="")
            note = Text(f" · {undated_here:,} undated", style="not bold", end="")
            options.append(
                Option(Row([Part(heading, tail=note if undated_here else None)]), disabled=True)
            )
            options.extend(facet_option(field, v, c, v in chosen) for v, c in shown)
            hidden = len(values) - len(shown)
            if hidden > 0:
                cut = "+" if self._may_hold_more(values) else ""
                more = Text(f"  more… ({hidden:,}{cut})", style="dim italic")
                options.append(Option(Row([Part(more)]), id=f"{field}{ID_SEPARATOR}{_MORE}"))
        signature = [(o.id, o.prompt.plain if isinstance(o.prompt, Row) else "") for o in options]
        if signature == self._signature:
            return  # same values and counts: keep the rendered list
        self._signature = signature
        self.set_options(options)
        if previous is not None:
            try:
                self.highlighted = self.get_option_index(previous)
            except OptionDoesNotExist:  # the value is gone from the new counts
                self.highlighted = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if ID_SEPARATOR in option_id:
            field, value = option_id.split(ID_SEPARATOR, 1)
            if value == _MORE:
                self._expand(field)
            else:
                self.post_message(FacetToggled(field, value))

    def _may_hold_more(self, values: Sequence[tuple[str, int]]) -> bool:
        """Whether the engine may hold more values of a field than the ``values`` it
        sent (as many as it was asked for)."""
        return len(values) >= self.asked > 0

    def _expand(self, field: str) -> None:
        """List every counted value of ``field``, the cursor staying where it was; when
        the engine may hold more than it sent, ask for them."""
        first = not self.expanded
        self.expanded.add(field)
        if self._last is not None:
            index = self.highlighted
            self.show_facets(*self._last)
            self.highlighted = index
            if first and self._may_hold_more(self._last[0].get(field, ())):
                self.post_message(FacetValuesWanted())


FACET_HEADINGS = {field: field_label(field) for field in FACET_ORDER}


class FacetPanel(Vertical):
    """Timeline on top, then the facet values."""

    def __init__(self, *, limit: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.limit = limit

    def collapse(self) -> None:
        """Each field back to its first values (a new query: "more…" was for the last
        one)."""
        self.query_one(FacetList).expanded.clear()

    @property
    def values_wanted(self) -> int:
        """Values per field to ask the engine for: twice those shown (so "more…" has
        some to list), or ``EXPANDED_VALUES`` once a field's "more…" was chosen."""
        if self.query_one(FacetList).expanded:
            return EXPANDED_VALUES
        return max(self.limit * 2, 20)

    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline")
        yield FacetList(id="facets", markup=False)

    def show_facets(
        self,
        facets: Mapping[str, Sequence[tuple[str, int]]],
        active: Mapping[str, Sequence[str]],
        *,
        total: int = 0,
        undated: int = 0,
        asked: int = 0,
    ) -> None:
        """Counts of the matching stories; ``undated`` of the ``total`` have no date;
        ``asked``: values per field the engine was asked for."""
        self.query_one(Timeline).show_months(facets.get("month", ()), total=total, undated=undated)
        facet_list = self.query_one(FacetList)
        facet_list.asked = asked
        facet_list.show_facets(facets, active, self.limit, undated)
