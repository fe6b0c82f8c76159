"""The status line above the footer: which index is open (its folder, how many articles,
when it was last written), the sort order and the filters of the results shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import work
from textual.widgets import Static

from corpus.errors import NewsdeskError
from index import index_generation, live_meta
from tui.safe_text import safe_text
from tui.widgets.result_summary import SORT_LABELS


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """What the status line says about the open index."""

    folder: Path
    articles: int
    #: When its live generation was written (UTC), None when unknown.
    built_at: datetime | None


def home_relative(folder: Path) -> str:
    """The folder as the user types it: ``~/…`` under the home directory."""
    try:
        return f"~/{folder.relative_to(Path.home())}"
    except ValueError:
        return str(folder)


def status_text(
    index: IndexStatus | None,
    sort: str,
    filters: Mapping[str, Sequence[str]],
    *,
    every_version: bool = False,
    now: datetime | None = None,
) -> Text:
    """ "best match first · 2 filters · ~/news/index · 21,578 articles · updated
    2026-12-07 17:30" (the update time in local time; "updated today 17:30" on the day).
    What changes with the search comes first: a narrow terminal cuts the end."""
    parts: list[str] = [SORT_LABELS.get(sort, sort)]
    if every_version:
        parts.append("every version")
    chosen = sum(len(values) for values in filters.values())
    if chosen:
        parts.append(f"{chosen} filter{'' if chosen == 1 else 's'}")
    if index is not None:
        parts.append(home_relative(index.folder))
        parts.append(f"{index.articles:,} article{'' if index.articles == 1 else 's'}")
        if index.built_at is not None:
            built = index.built_at.astimezone()
            today = (now or datetime.now()).astimezone().date() == built.date()
            parts.append(f"updated {'today ' if today else f'{built:%Y-%m-%d} '}{built:%H:%M}")
    return safe_text(" · ".join(parts), one_line=True)


class StatusLine(Static):
    """One line, cut with an ellipsis when narrow (article text never reaches it)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.index: IndexStatus | None = None
        #: The index version the line describes (``index_generation``).
        self._generation: str | None = None

        self._shown: tuple[str, Mapping[str, Sequence[str]], bool] = ("relevance", {}, False)

    def show(
        self, sort: str, filters: Mapping[str, Sequence[str]], *, every_version: bool = False
    ) -> None:
        """The sort order and filters of the results shown."""
        self._shown = (sort, filters, every_version)
        self.update(status_text(self.index, sort, filters, every_version=every_version))

    def follow(self, folder: Path) -> None:
        """Read the index again if a new version of it went live (a ``stat``: 2 us)."""
        if index_generation(folder) != self._generation:
            self.read_index(folder)

    @work(thread=True, exclusive=True, group="index-status", exit_on_error=False)
    def read_index(self, folder: Path) -> None:
        """Read the index's size and last update (its ``newsdesk.json``) in a thread."""
        self._generation = index_generation(folder)
        try:
            meta = live_meta(folder)
            built = datetime.fromisoformat(meta.built_at) if meta.built_at else None
        except (NewsdeskError, ValueError):
            return  # (the line then says what it can)
        self.app.call_from_thread(self._show_index, IndexStatus(folder, meta.articles, built))

    def _show_index(self, index: IndexStatus) -> None:
        self.index = index
        sort, filters, every_version = self._shown
        self.show(sort, filters, every_version=every_version)
