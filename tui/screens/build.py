"""The first-run screen: builds an index (the bundled sample by default) with a progress bar."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from corpus.errors import NewsdeskError
from index import BuildProgress, BuildSummary, build_index
from tui.safe_text import clean
from tui.widgets.index_progress import IndexProgress

#: Seconds between progress repaints (the build thread never waits for the UI).
PROGRESS_INTERVAL = 0.2


class BuildScreen(Screen[BuildSummary | NewsdeskError]):
    """Builds into ``index_dir``; dismissed with the summary, or with the error to show."""

    CSS_PATH = "build.tcss"

    def __init__(
        self,
        index_dir: Path,
        paths: Sequence[str | Path] | None,
        *,
        heading: str,
        rebuild: bool = False,
    ) -> None:
        super().__init__()
        self.index_dir = index_dir
        self.paths = paths
        self.heading = heading
        self.rebuild = rebuild
        self._latest: BuildProgress | None = None

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="build"):
            yield Static(Text(self.heading, style="bold"), id="build-title")
            yield Static(Text(f"Index: {clean(str(self.index_dir))}", style="dim"), markup=False)
            yield IndexProgress(id="build-progress")

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
        summary = build_index(
            self.paths, self.index_dir, rebuild=self.rebuild, progress=self._record
        )
        self.app.call_from_thread(self.dismiss, summary)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if not isinstance(error, NewsdeskError):
            error = NewsdeskError(f"{type(error).__name__}: {error}", title="Build failed")
        self.dismiss(error)
