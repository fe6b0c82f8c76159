"""The first-run screen: builds an index (the bundled sample by default) with a progress bar.

The build runs as a ``newsdesk index`` child process (``tui.index_job``), so it works at
any size from the app (F9 "Rebuild index" uses this screen too).

The user may start typing a search while it builds: the keys are kept (shown under the
progress bar) and the search screen opens with them in its search bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from corpus.errors import NewsdeskError
from index import BuildProgress
from tui.index_job import IndexJob, JobSummary
from tui.safe_text import clean
from tui.widgets.index_progress import IndexProgress

#: Seconds between progress repaints (the build thread never waits for the UI).
PROGRESS_INTERVAL = 0.2


def typed_text(text: str, event: events.Key) -> str | None:
    """``text`` edited by a key press (printable characters and Backspace), else None."""
    if event.key == "backspace":
        return text[:-1]
    if event.is_printable and event.character:
        return text + event.character
    return None


def typed_line(text: str) -> Text:
    """What the user has typed so far, or that typing is welcome."""
    if not text:
        return Text("Type your search now: it runs as soon as the index is ready.", style="dim")
    line = Text("Search: ", style="dim", end="")
    line.append(clean(text), style="bold")
    line.append("▏  (runs as soon as the index is ready)", style="dim")
    return line


class BuildScreen(Screen[JobSummary | NewsdeskError]):
    """Builds into ``index_dir``; dismissed with the summary, or with the error to show."""

    CSS_PATH = "build.tcss"

    def __init__(
        self,
        index_dir: Path,
        paths: Sequence[str | Path] | None,
        *,
        heading: str,
        rebuild: bool = False,
        typed: str = "",
    ) -> None:
        super().__init__()
        self.index_dir = index_dir
        self.paths = paths
        self.heading = heading
        self.rebuild = rebuild
        #: The search typed while building (the app opens the search screen with it).
        self.typed = typed
        self._latest: BuildProgress | None = None
        self._job = IndexJob(index_dir, paths, rebuild=rebuild)

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="build"):
            yield Static(Text(self.heading, style="bold"), id="build-title")
            yield Static(Text(f"Index: {clean(str(self.index_dir))}", style="dim"), markup=False)
            yield IndexProgress(id="build-progress")
            yield Static(typed_line(self.typed), id="build-typed", markup=False)

    def on_key(self, event: events.Key) -> None:
        typed = typed_text(self.typed, event)
        if typed is None:
            return
        event.stop()
        self.typed = typed
        self.query_one("#build-typed", Static).update(typed_line(typed))

    def on_mount(self) -> None:
        self.set_interval(PROGRESS_INTERVAL, self._paint_progress)
        self._build()

    def _paint_progress(self) -> None:
        if self._latest is not None:
            self.query_one(IndexProgress).update_progress(self._latest)

    def _record(self, progress: BuildProgress) -> None:
        self._latest = progress  # read by the interval timer on the UI thread

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def _build(self) -> None:
        summary = self._job.run(self._record)
        self.app.call_from_thread(self.dismiss, summary)

    def on_unmount(self) -> None:
        self._job.cancel()  # the app quits mid-build: the previous index stays live

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if not isinstance(error, NewsdeskError):
            error = NewsdeskError(f"{type(error).__name__}: {error}", title="Build failed")
        self.dismiss(error)
