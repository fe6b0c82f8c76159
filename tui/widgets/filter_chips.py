"""Active filters as removable chips ("Places: Iraq ✕"); press one to remove it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.containers import HorizontalGroup
from textual.widgets import Button

from index.fields import label as field_label
from tui.messages import FilterRemoved
from tui.safe_text import safe_text


class FilterChip(Button):
    """One active filter value."""

    def __init__(self, field: str, value: str) -> None:
        label = Text(f"{field_label(field)}: ", end="")
        label.append(safe_text(value, "bold", one_line=True))
        label.append(" ✕")
        super().__init__(label, compact=True, classes="chip")
        self.field = field
        self.filter_value = value
        self.tooltip = "Remove this filter"


class FilterChips(HorizontalGroup):
    """Hidden when no filter is active."""

    def show_filters(self, filters: Mapping[str, Sequence[str]]) -> None:
        shown = [(chip.field, chip.filter_value) for chip in self.query(FilterChip)]
        if shown == [(field, value) for field, values in filters.items() for value in values]:
            return  # unchanged: no re-layout while the user types
        self.remove_children()
        chips = [FilterChip(field, value) for field, values in filters.items() for value in values]
        if chips:
            self.mount_all(chips)
        self.display = bool(chips)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, FilterChip):
            self.post_message(FilterRemoved(event.button.field, event.button.filter_value))
