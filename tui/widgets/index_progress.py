"""A progress bar for building or refreshing the index: done/total, articles/s, ETA."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from index import BuildProgress


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "ETA unknown"
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    return f"ETA {minutes}:{seconds:02d}" if minutes else f"ETA {seconds}s"


def progress_line(progress: BuildProgress) -> str:
    """ "reading · 1,200 / 21,578 articles · 850 articles/s · ETA 0:24", or for a step
    of the commit, which counts no articles, "merging segments… · 1:05 in all"."""
    if progress.total is None and progress.done == 0:
        minutes, seconds = divmod(round(progress.elapsed_seconds), 60)
        return f"{progress.phase}… · {minutes}:{seconds:02d} in all"
    done = f"{progress.done:,}" + (f" / {progress.total_text}" if progress.total else "")
    return (
        f"{progress.phase} · {done} articles · "
        f"{progress.articles_per_second:,.0f} articles/s · {format_eta(progress.eta_seconds)}"
    )


class IndexProgress(Vertical):
    """Label plus bar; an unknown total shows an indeterminate (pulsing) bar."""

    def compose(self) -> ComposeResult:
        yield Static("Starting…", id="progress-label", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="progress-bar")

    def update_progress(self, progress: BuildProgress) -> None:
        self.query_one("#progress-label", Static).update(progress_line(progress))
        self.query_one(ProgressBar).update(total=progress.total, progress=progress.done)

    def show_message(self, message: str) -> None:
        self.query_one("#progress-label", Static).update(message)
