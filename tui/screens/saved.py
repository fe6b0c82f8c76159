"""Saved searches in the TUI: Ctrl+S keeps the search shown under a name, F9 lists the
saved ones with how many stories are new since the last look; Enter opens one, its new
stories marked in the results (the look is then recorded)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from corpus.errors import NewsdeskError
from search.errors import SearchError
from search.output import stories
from search.results import SearchResults
from search.saved import SavedSearch, SavedSearches, new_search
from tui.backend import SearchBackend
from tui.safe_text import clean, failure_text, safe_text
from tui.search_state import SearchRequest

_SLUG_JUNK = re.compile(r"[^\w]+")


class SaveSearchScreen(ModalScreen[str | None]):
    """Name the search shown; Enter saves it (a second Enter replaces one of that name)."""

    CSS_PATH = "saved.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, request: SearchRequest, store: SavedSearches, engine: SearchBackend) -> None:
        super().__init__()
        self.request = request
        self.store = store
        self.engine = engine
        self._replacing = ""
        #: A save is under way (Enter and Esc wait for it).
        self._saving = False

    def compose(self) -> ComposeResult:
        name = _SLUG_JUNK.sub("-", self.request.query.lower()).strip("-")[:40] or "everything"
        with Vertical(classes="saved-dialog"):
            yield Static(Text("Save this search as", style="bold"))
            yield Input(name, id="saved-name")
            yield Static("", id="saved-status", markup=False)
            yield Static(Text("Enter saves · Esc cancels · F9 lists saved searches", "dim"))

    @on(Input.Submitted, "#saved-name")
    def _save(self, event: Input.Submitted) -> None:
        if self._saving:  # (a second Enter while the first one saves)
            return
        name = event.value.strip()
        status = self.query_one("#saved-status", Static)
        if not name:
            status.update("Give the search a name.")
            return
        if name in self.store.searches and name != self._replacing:
            self._replacing = name
            status.update(f"“{clean(name)}” is saved already: Enter again replaces it.")
            return
        request = self.request
        search = new_search(
            name, request.query, filters={k: list(v) for k, v in request.filters.items()},
            sort=request.sort,
        )  # fmt: skip
        status.update("Saving…")
        self._saving = True
        self.query_one("#saved-name", Input).disabled = True
        self._keep(search)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _keep(self, search: SavedSearch) -> None:
        """Keep ``search`` with what it matches now as seen (the stories on screen are
        not new: F9 counts the new ones from here); without them if the index fails."""
        try:
            seen = search.looked(search.run(self.engine), datetime.now(UTC))
        except NewsdeskError:
            seen = search
        try:
            self.store.put(seen)
        except SearchError as error:
            self.app.call_from_thread(self._not_saved, failure_text(error))
            return
        self.app.call_from_thread(self._saved, search.name)

    def _saved(self, name: str) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss(name)

    def _not_saved(self, why: str) -> None:
        self._saving = False
        self.query_one("#saved-name", Input).disabled = False
        self.query_one("#saved-status", Static).update(why)

    def action_cancel(self) -> None:
        if not self._saving:  # (saving takes a moment: it ends by closing the dialog)
            self.dismiss(None)


class SavedSearchesScreen(ModalScreen[tuple[SavedSearch, SearchResults] | None]):
    """Every saved search with its stories and new stories, counted in a worker."""

    CSS_PATH = "saved.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Close")]

    def __init__(self, engine: SearchBackend, store: SavedSearches) -> None:
        super().__init__()
        self.engine = engine
        self.store = store
        self.counted: list[tuple[SavedSearch, SearchResults]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="saved-dialog"):
            yield Static(Text("Saved searches", style="bold"))
            yield Static("Counting…", id="saved-status", markup=False)
            yield OptionList(id="saved-list", markup=False)
            yield Static(Text("Enter opens one, its new stories marked · Esc closes", "dim"))

    def on_mount(self) -> None:
        if not self.store.searches:
            self.query_one("#saved-status", Static).update(
                "No saved searches yet: Ctrl+S saves the search shown."
            )
            return
        self._count()

    @work(thread=True, exclusive=True, group="saved", exit_on_error=False)
    def _count(self) -> None:
        counted = [(search, search.run(self.engine)) for search in self.store.searches.values()]
        self.app.call_from_thread(self._show, counted)

    def _show(self, counted: list[tuple[SavedSearch, SearchResults]]) -> None:
        self.counted = counted
        options = []
        for search, results in counted:
            new = sum(map(search.is_new, results.hits))
            row = safe_text(search.name, "bold", one_line=True)
            row.append(f"  {stories(results.total)}  ")
            row.append(f"{new:,} new", style="bold green" if new else "dim")
            row.append("\n")
            row.append_text(safe_text(_described(search), "dim", one_line=True))
            options.append(Option(row))
        listing = self.query_one("#saved-list", OptionList)
        listing.set_options(options)
        listing.highlighted = 0
        listing.focus()
        self.query_one("#saved-status", Static).update("")

    def on_worker_state_changed(self, event: object) -> None:
        from textual.worker import Worker, WorkerState

        if isinstance(event, Worker.StateChanged) and event.state == WorkerState.ERROR:
            self.query_one("#saved-status", Static).update(failure_text(event.worker.error))

    @on(OptionList.OptionSelected, "#saved-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.counted[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _described(search: SavedSearch) -> str:
    since = f"looked {search.last_look[:16].replace('T', ' ')}" if search.last_look else "new"
    return f"{search.description()} · {since}"
