"""The export dialog (F7 on the search screen): the results shown, every one of them, to a file.

It exports the search the screen shows -- the query of the results on screen (as
submitted: a word still being typed does not stand for the words it begins, so the file
matches what ``newsdesk search`` gives for the query it records), its filters and sort
-- in the format picked (CSV, JSON Lines, Markdown citations, BibTeX), to the file
named (a name not yet taken in the current folder is proposed, ``newsdesk-oil.csv``,
its extension following the format until the name is edited; an existing file is
replaced only when Export is pressed a second time).  The export runs in a worker: the
dialog says what it is doing, closes when the file is written and the app confirms
where it went; a failure (an unwritable folder) is said in the dialog, which stays open
to choose another file.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState, get_current_worker

from search.errors import SearchError
from search.export import EXTENSIONS, FORMATS, Provenance, export_hits, write_export
from search.marks import Marks, marks_to_export
from search.output import stories
from search.results import Hit
from tui.backend import SearchBackend
from tui.safe_text import clean, failure_text
from tui.search_state import SearchRequest

FORMAT_LABELS = {
    "csv": "CSV (a spreadsheet)",
    "jsonl": "JSON Lines (one story a line)",
    "md": "Markdown citations",
    "bib": "BibTeX",
}
_SLUG_JUNK = re.compile(r"[^\w]+")


def proposed_path(request: SearchRequest, fmt: str, folder: Path) -> Path:
    """``newsdesk-<query words>.<ext>`` in ``folder`` (``-2``, ``-3``... if taken)."""
    slug = _SLUG_JUNK.sub("-", request.query.lower()).strip("-")[:40].strip("-") or "all"
    extension = EXTENSIONS[fmt]
    path, number = folder / f"newsdesk-{slug}{extension}", 1
    while path.exists():
        number += 1
        path = folder / f"newsdesk-{slug}-{number}{extension}"
    return path


class ExportScreen(ModalScreen[str | None]):
    """Pick a format and a file; dismissed with the confirmation shown, or None."""

    CSS_PATH = "export.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        engine: SearchBackend,
        request: SearchRequest,
        index_dir: Path,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.request = request.with_query(request.query)  # as submitted
        #: How many stories the export holds (counted when the dialog opens).
        self.total: int | None = None
        self.index_dir = index_dir
        self.folder = folder or Path.cwd()
        self.format = "csv"
        self._proposed = proposed_path(request, self.format, self.folder)
        self._worker: Worker[str] | None = None
        #: The existing file the user was warned about (a second Export replaces it).
        self._replacing: Path | None = None
        try:
            self.marked = len(Marks().of_index(index_dir))
        except SearchError:  # a damaged marks file: said by the reader and `newsdesk marks`
            self.marked = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Static(self._title(), id="export-title")
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == self.format, name=fmt)
            yield Checkbox(
                f"Only the marked stories ★ ({self.marked:,}), with their notes",
                id="export-marked",
                disabled=not self.marked,
                compact=True,
            )
            yield Label("File")
            yield Input(str(self._proposed), id="export-path")
            yield Static("", id="export-status", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self._count()

    @work(thread=True, exclusive=True, group="export-count", exit_on_error=False)
    def _count(self) -> None:
        request = self.request
        filters = {name: list(values) for name, values in request.filters.items()}
        results = self.engine.search(
            request.query,
            filters=filters,
            sort=request.sort,
            facets=False,
            page_size=1,
            every_version=request.every_version,
        )
        self.app.call_from_thread(self._counted, results.total)

    def _counted(self, total: int) -> None:
        self.total = total
        self.query_one("#export-title", Static).update(self._title())

    def _title(self) -> Text:
        what = f"“{clean(self.request.query)}”" if self.request.query.strip() else "every story"
        filters = "; ".join(
            f"{name}={clean(value)}" for name, values in self.request.filters.items()
            for value in values
        )  # fmt: skip
        count = "" if self.total is None else f" {stories(self.total)}"
        title = Text(f"Export{count}: ")
        title.append(what, style="bold")
        if filters:
            title.append(f" · {filters}")
        title.append(f" · {self.request.sort}", style="dim")
        return title

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.format = event.pressed.name or "csv"
        path_input = self.query_one("#export-path", Input)
        if path_input.value == str(self._proposed):  # not edited: follow the format
            self._proposed = proposed_path(self.request, self.format, self.folder)
            path_input.value = str(self._proposed)

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted, "#export-path")
    def _start(self) -> None:
        if self._worker is not None and self._worker.is_running:
            return
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self._status("Name the file to write.")
            return
        path = Path(value).expanduser()
        if path.exists() and path != self._replacing:
            self._replacing = path
            self._status(f"{path} exists: press Export again to replace it.")
            return
        self._status("Exporting…")
        marked_only = self.query_one("#export-marked", Checkbox).value
        self._worker = self._export(path, self.format, marked_only)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()  # (a file being written is finished, never half-done)
        self.dismiss(None)

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(text)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, path: Path, fmt: str, marked_only: bool) -> str:
        if marked_only:
            hits, provenance = self._marked()
        else:
            request = self.request
            filters = {name: list(values) for name, values in request.filters.items()}
            results = self.engine.search_all(
                request.query, filters=filters, sort=request.sort,
                every_version=request.every_version,
            )  # fmt: skip
            hits = list(results.hits)
            provenance = Provenance(
                query=request.query, index=str(self.index_dir),
                exported=datetime.now(UTC),
                filters=filters, sort=results.sort, total=results.total,
            )  # fmt: skip
        if get_current_worker().is_cancelled:
            return ""
        write_export(path, export_hits(hits, fmt, provenance), fmt=fmt)
        return f"Exported {stories(len(hits))} to {path}"

    def _marked(self) -> tuple[list[Hit], Provenance]:
        """The marked stories in the index, and their notes (as `newsdesk marks`)."""
        hits, notes, total = marks_to_export(Marks(), self.engine.get, self.index_dir)
        return hits, Provenance.of_marks(self.index_dir, notes, total)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return
        if event.state == WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self._status(failure_text(event.worker.error))
