"""A screen that can refresh the index in the background while it keeps being used.

``newsdesk index`` runs as a child process (``tui.index_job``) watched by a thread
worker; it takes the writer lock, syncs every recorded corpus and keeps the others' articles
(a corpus whose files are gone keeps its stories, and the notification says so); the
engine keeps reading
the old index generation until the new one is published, then ``engine.refresh()``
switches to it and the screen is told (:meth:`after_index_refresh`).  Progress is painted
by a UI timer from the latest value the build reported, so the build thread never waits
for the UI.
"""

from __future__ import annotations

from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from corpus.errors import NewsdeskError
from index import BuildProgress
from tui.backend import SearchBackend
from tui.index_job import IndexJob, JobSummary
from tui.safe_text import clean
from tui.settings import Settings
from tui.widgets.index_progress import IndexProgress

#: Seconds between progress repaints.
PROGRESS_INTERVAL = 0.2


class IndexRefreshingScreen(Screen[None]):
    """Base of screens offering "refresh the index" (compose must yield the widget)."""

    def __init__(self, engine: SearchBackend, settings: Settings) -> None:
        super().__init__()
        self.engine = engine
        self.settings = settings
        self._refresh_progress: BuildProgress | None = None
        self._refresh_worker: Worker[None] | None = None
        self._refresh_timer: Timer | None = None
        self._refresh_job: IndexJob | None = None

    def refresh_progress_widget(self) -> IndexProgress:
        progress = IndexProgress(id="refresh-progress")
        progress.display = False
        return progress

    def after_index_refresh(self) -> None:
        """Called once the engine reads the refreshed index."""

    def refresh_index(self) -> None:
        """Refresh from the recorded corpora in a worker; searches go on over the old index."""
        if self._refresh_worker is not None and self._refresh_worker.is_running:
            self.notify("The index is already being refreshed.", markup=False)
            return
        progress = self.query_one("#refresh-progress", IndexProgress)
        progress.show_message("Refreshing the index from its corpora…")
        progress.display = True
        self._refresh_progress = None
        self._refresh_timer = self.set_interval(PROGRESS_INTERVAL, self._paint_refresh_progress)
        self._refresh_worker = self._refresh()

    def _paint_refresh_progress(self) -> None:
        if self._refresh_progress is not None:
            self.query_one("#refresh-progress", IndexProgress).update_progress(
                self._refresh_progress
            )

    def _record_refresh_progress(self, progress: BuildProgress) -> None:
        self._refresh_progress = progress  # painted by the interval timer on the UI thread

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self) -> None:
        self._refresh_job = IndexJob(self.settings.index_dir)
        summary = self._refresh_job.run(self._record_refresh_progress)
        self.engine.refresh()
        self.app.call_from_thread(self._refreshed, summary)

    def on_unmount(self) -> None:
        if self._refresh_job is not None:
            self._refresh_job.cancel()  # the app quits mid-refresh: the old index stays

    def _refreshed(self, summary: JobSummary) -> None:
        self._end_refresh()
        corpora = summary.text.partition("\n")[2]  # a line per corpus, when several
        self.notify(
            f"{summary.added:,} added, {summary.updated:,} updated, {summary.deleted:,} deleted; "
            f"{summary.total:,} stories in the index." + (f"\n{clean(corpora)}" if corpora else ""),
            title="Index refreshed",
            markup=False,
        )
        self.after_index_refresh()

    def _end_refresh(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self.query_one("#refresh-progress").display = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed refresh (index locked, disk full ...) becomes a notification."""
        if event.worker is not self._refresh_worker or event.state != WorkerState.ERROR:
            return
        self._end_refresh()
        error = event.worker.error
        if isinstance(error, NewsdeskError):
            self.notify(clean(str(error)), title=error.title, severity="error", markup=False)
        else:
            self.notify(
                clean(f"{type(error).__name__}: {error}"),
                title="Index refresh failed",
                severity="error",
                markup=False,
            )
