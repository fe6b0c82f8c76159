"""A month histogram of the matching stories: when the story broke, how coverage evolved.

A period is picked on it as a filter: a click on a bar, or with the chart focused
(Tab), Left/Right to move along it and Enter (posts :class:`PeriodPicked`).  A bar is a
month, a year (over ``MAX_MONTHS`` months), or, when there are more periods than cells,
the run of periods one cell stands for ("1987-02..1987-04").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from tui.messages import PeriodPicked


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def continuous_months(months: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Counts per month with the empty months in between filled in as 0 (a true time axis)."""
    counts = {month: count for month, count in months if len(month) == 7 and month[4] == "-"}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    filled: list[tuple[str, int]] = []
    month = first
    while month <= last and len(filled) < 1200:
        filled.append((month, counts.get(month, 0)))
        month = _next_month(month)
    return filled


#: Beyond this many months the chart shows years (a month bar would be thinner than a cell).
MAX_MONTHS = 60


def by_year(months: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Month counts summed per year, empty years included."""
    totals: dict[str, int] = {}
    for month, count in months:
        totals[month[:4]] = totals.get(month[:4], 0) + count
    first, last = int(min(totals)), int(max(totals))
    return [(str(year), totals.get(str(year), 0)) for year in range(first, last + 1)]


def undated_note(total: int, undated: int) -> str:
    """ "199 stories · 196 undated": how many matching stories the chart leaves out."""
    noun = "story" if total == 1 else "stories"
    return f"{total:,} {noun} · {undated:,} undated"


def timeline_caption(months: Sequence[tuple[str, int]], total: int = 0, undated: int = 0) -> Text:
    """ "1987-02 → 1987-10 · peak 1987-03 (120)", then "199 stories · 196 undated" when
    some matching stories have no date (the chart cannot show them); with no dated story
    at all, "no dates · all 199 stories are undated"."""
    if not months:
        if not undated:
            return Text("no dates", style="dim")
        everything = "the 1 story is" if undated == 1 else f"all {undated:,} stories are"
        return Text(f"no dates · {everything} undated", style="dim")
    peak_month, peak_count = max(months, key=lambda item: item[1])
    caption = Text(f"{months[0][0]} → {months[-1][0]}", end="")
    caption.append(f" · peak {peak_month} ({peak_count:,})", style="dim")
    if undated:
        caption.append("\n")
        caption.append(undated_note(total, undated))
    return caption


def bar_periods(periods: int, width: int) -> list[tuple[int, int]]:
    """The periods each bar the user can pick stands for, as (first, last) indexes: one
    period a bar while they fit in ``width`` cells, else the periods of each cell (as
    Textual's ``Sparkline`` shares them out)."""
    if periods <= width or width <= 0:
        return [(number, number) for number in range(periods)]
    return [(cell * periods // width, (cell + 1) * periods // width - 1) for cell in range(width)]


def bar_cell(bar: int, bars: int, width: int) -> int:
    """The first cell of ``width`` where the sparkline draws bar ``bar`` of ``bars``."""
    return min(width - 1, -(-bar * width // bars)) if bars else 0


def cell_bar(cell: int, bars: int, width: int) -> int:
    """The bar drawn in cell ``cell`` (the inverse of :func:`bar_cell`)."""
    return min(bars - 1, cell * bars // width) if width > 0 else 0


class Timeline(Vertical, can_focus=True):
    """Title, sparkline of stories per month, the date range it covers and how many
    matching stories have no date (and so are not in the chart); a period is picked
    on it as a filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "earlier", "Earlier", show=False),
        Binding("right", "later", "Later", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "pick", "Filter by the period", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The periods charted (months or years) and their counts.
        self.periods: list[tuple[str, int]] = []
        #: The bar under the cursor (None: not moved yet, the last one).
        self.cursor: int | None = None
        self._caption = Text("")
        self._charted_width = 0

    def compose(self) -> ComposeResult:
        yield Static("Timeline", classes="facet-heading")
        yield Sparkline([], id="sparkline")
        yield Static("", id="timeline-cursor", markup=False)
        yield Static("", id="timeline-caption", markup=False)

    def show_months(
        self, months: Sequence[tuple[str, int]], *, total: int = 0, undated: int = 0
    ) -> None:
        """Chart ``months`` (dated matching stories); ``undated`` of ``total`` have no date."""
        filled = continuous_months(months)
        if len(filled) > MAX_MONTHS:
            filled = by_year(filled)
        self.periods = filled
        self.cursor = None
        self.query_one(Sparkline).data = [float(count) for _, count in filled]
        self._caption = timeline_caption(filled, total, undated)
        self._show_cursor()

    # -- picking a period -------------------------------------------------------------
    @property
    def _width(self) -> int:
        return self.query_one(Sparkline).content_size.width

    def _bars(self) -> list[tuple[int, int]]:
        return bar_periods(len(self.periods), self._width)

    def bar_label(self, bar: int) -> tuple[str, str, int]:
        """(facet, value, stories) of a bar: ("month", "1987-03", 120), or a run of
        periods as "1987-02..1987-04"."""
        first, last = self._bars()[bar]
        field = "month" if len(self.periods[first][0]) == 7 else "year"
        value = self.periods[first][0]
        if last > first:
            value = f"{value}..{self.periods[last][0]}"
        return field, value, sum(count for _, count in self.periods[first : last + 1])

    def _show_cursor(self) -> None:
        marker = self.query_one("#timeline-cursor", Static)
        caption = self.query_one("#timeline-caption", Static)
        bars = len(self._bars())
        if not self.has_focus or not bars:
            marker.display = False
            caption.update(self._caption)
            return
        bar = self.cursor if self.cursor is not None else bars - 1
        _, value, count = self.bar_label(bar)
        marker.display = True
        marker.update(" " * bar_cell(bar, bars, self._width) + "▲")
        said = Text(f"{value} ({count:,})", style="bold", end="")
        said.append(" · Enter filters", style="dim")
        caption.update(said)

    def on_focus(self) -> None:
        self._show_cursor()

    def on_blur(self) -> None:
        self._show_cursor()

    def on_resize(self) -> None:
        if self._width != self._charted_width:  # the bars a cell stands for changed
            self._charted_width = self._width
            self.cursor = None
            self._show_cursor()

    def _move(self, step: int | None = None, *, to: int | None = None) -> None:
        bars = len(self._bars())
        if bars:
            current = self.cursor if self.cursor is not None else bars - 1
            wanted = to % bars if to is not None else current + (step or 0)
            self.cursor = max(0, min(bars - 1, wanted))
            self._show_cursor()

    def action_earlier(self) -> None:
        self._move(-1)

    def action_later(self) -> None:
        self._move(1)

    def action_first(self) -> None:
        self._move(to=0)

    def action_last(self) -> None:
        self._move(to=-1)

    def action_pick(self) -> None:
        bars = len(self._bars())
        if bars:
            field, value, _ = self.bar_label(self.cursor if self.cursor is not None else bars - 1)
            self.post_message(PeriodPicked(field, value))

    def on_click(self, event: events.Click) -> None:
        sparkline = self.query_one(Sparkline)
        offset = event.get_content_offset(sparkline)
        bars = len(self._bars())
        if offset is None or not bars:
            return
        self.cursor = cell_bar(offset.x, bars, self._width)
        self.action_pick()
