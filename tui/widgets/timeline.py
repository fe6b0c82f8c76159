"""A month histogram of the matching stories: when the story broke, how coverage evolved."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static


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


class Timeline(Vertical):
    """Title, sparkline of stories per month, the date range it covers and how many
    matching stories have no date (and so are not in the chart)."""

    def compose(self) -> ComposeResult:
        yield Static("Timeline", classes="facet-heading")
        yield Sparkline([], id="sparkline")
        yield Static("", id="timeline-caption", markup=False)

    def show_months(
        self, months: Sequence[tuple[str, int]], *, total: int = 0, undated: int = 0
    ) -> None:
        """Chart ``months`` (dated matching stories); ``undated`` of ``total`` have no date."""
        filled = continuous_months(months)
        if len(filled) > MAX_MONTHS:
            filled = by_year(filled)
        self.query_one(Sparkline).data = [float(count) for _, count in filled]
        self.query_one("#timeline-caption", Static).update(timeline_caption(filled, total, undated))
