"""The help screen (``?``/F1): every key of the screen it was opened from, and the query syntax."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

QUERY_SYNTAX = (
    ("hawija offensive", "stories with all the words (stemmed: offensives, Offensive)"),
    ('"islamic state"', 'an exact phrase; "rate cut"~3: at most 3 words between'),
    ("oil OR gas", "either word; -word or NOT word leaves a word out"),
    ("place:iraq topic:crude", "a field: title, source, category, topic, place, person, org"),
    ("date:1987-03", "a year, month, range [1987-03-01 to 1987-03-31] or date:>1987-06"),
    ("hawi*   hawjia~", "a prefix; a fuzzy (misspelt) word"),
)

GENERAL_KEYS = (
    ("Tab / Shift+Tab", "move between search bar, timeline, facets, results"),
    ("Left / Right, Enter (timeline)", "pick a period: it becomes a filter (again: removed)"),
    ("Up / Down, Ctrl+N (search bar)", "move through the results while typing"),
    ("Alt+Up / Alt+Down, Ctrl+R", "previous / next query from the history"),
    (
        "Enter (search bar)",
        "search now and move to the results; after Up/Down, open the selected story",
    ),
    ("Enter (results)", "open the story in the reader"),
    ("Enter (facets)", "filter by the value (again to remove it)"),
    ("PageDown / scroll", "more results load at the end of the list"),
    ("Ctrl+P", "command palette: every action by name"),
    ("Ctrl+Q", "quit"),
)


def binding_rows(
    bindings: Iterable[BindingType], key_display: App[object]
) -> list[tuple[str, str]]:
    """(keys, description) for each described binding, as the footer would show the keys."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        display = key_display.get_key_display(binding)
        rows.append((display, binding.tooltip or binding.description))
    return rows


def keys_table(sections: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> Table:
    """One two-column table (so the columns line up) with a heading row per section."""
    table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column("key", style="bold", no_wrap=True, width=24)
    table.add_column("what", ratio=1)
    for number, (title, rows) in enumerate(sections):
        if number:
            table.add_row("", "")
        table.add_row(Text(title, style="bold underline"), "")
        for key, what in rows:
            table.add_row(Text(key), Text(what))
    return table


class HelpScreen(ModalScreen[None]):
    """Keys first (those of the screen underneath, then global ones), then query syntax."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, screen_bindings: Iterable[BindingType], app_bindings: Iterable[BindingType]):
        super().__init__()
        self.screen_bindings = list(screen_bindings)
        self.app_bindings = list(app_bindings)

    def compose(self) -> ComposeResult:
        everywhere = binding_rows(self.app_bindings, self.app)
        # A key of the app's that the screen shows in its own footer is listed once.
        here = [
            row for row in binding_rows(self.screen_bindings, self.app) if row not in everywhere
        ]
        with VerticalScroll(id="help"):
            yield Static(Text("newsdesk — keys", style="bold"), id="help-title")
            yield Static(
                keys_table(
                    [
                        ("This screen", here),
                        ("Everywhere", [*everywhere, *GENERAL_KEYS]),
                        ("Query language", QUERY_SYNTAX),
                    ]
                )
            )
            yield Static(Text("Escape closes this help.", style="dim"))

    def action_close(self) -> None:
        self.dismiss()
