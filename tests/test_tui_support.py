"""Shared helpers for the TUI tests: one real index of the bundled sample per session,
an app factory over it, a way to wait for searches, and the screen's text as a user sees it.

(Named ``test_tui_*`` so it lives with the TUI tests; it defines no tests itself.)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import re
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from test_search_support import scratch_dir
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled, WorkerFailed

from corpus import Article, sample_corpus_path
from index import build_index
from search import Engine, SearchResults
from search.results import Hit, Span
from tui.app import NewsdeskApp, create_app
from tui.screens.reader import ReaderScreen
from tui.settings import Settings
from tui.widgets.search_bar import SearchBar

_SAMPLE_INDEX: Path | None = None
_UNDATED_INDEX: Path | None = None
#: Hits per page in the tests' app.
PAGE = 12
#: The bundled seed story: its date (2017-09-22) is read from its text, so it is inferred.
SEED_ID = "000_b98891cdbd8958c6"
#: Longest a test waits for something the app does in the background.
WAIT_SECONDS = 60.0


def pilot_test(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no pytest async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def sample_index() -> Path:
    """The bundled sample's index, built once per test session (read-only for tests)."""
    global _SAMPLE_INDEX
    if _SAMPLE_INDEX is None:
        folder = scratch_dir("newsdesk-tui-index-")
        build_index([sample_corpus_path()], folder)
        _SAMPLE_INDEX = folder
    return _SAMPLE_INDEX


def undated_index() -> Path:
    """An index of three undated stories about a harbour plus the seed story (dated
    2017-09-22, inferred), built once per session: 4 stories, 3 undated."""
    global _UNDATED_INDEX
    if _UNDATED_INDEX is None:
        folder = scratch_dir("newsdesk-tui-undated-")
        corpus = folder / "corpus"
        corpus.mkdir()
        for number in (1, 2, 3):
            (corpus / f"harbour-{number}.txt").write_text(
                f"Harbour story {number}\n\nThe harbour workers met on a quiet morning "
                "to talk about wages and ships.\n",
                encoding="utf-8",
            )
        shutil.copy(sample_corpus_path() / f"{SEED_ID}.txt", corpus)
        build_index([corpus], folder / "index")
        _UNDATED_INDEX = folder / "index"
    return _UNDATED_INDEX


def test_settings(tmp_path: Path, index_dir: Path | None = None, **changes: Any) -> Settings:
    """Fast debounce, a private history file, a fixed theme (snapshots must not vary)."""
    settings = Settings(
        index_dir=index_dir or sample_index(),
        history_path=tmp_path / "history",
        debounce=0.05,
        theme="textual-dark",
        build_sample_if_missing=False,
        page_size=PAGE,
    )
    return replace(settings, **changes)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def make_app(tmp_path: Path, engine: Any | None = None, **changes: Any) -> NewsdeskApp:
    return create_app(test_settings(tmp_path, **changes), engine)


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Wait out the debounce, every running worker, and the messages they post."""
    for _ in range(rounds):
        await pilot.pause(0.1)
        # A newer search replaced an older one, or a worker failed: the app shows that.
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_query(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` in the search bar (no Enter): it searches as typed."""
    pilot.app.screen.query_one(SearchBar).input.focus()
    await pilot.press(*text)
    await settle(pilot)


async def submit_query(pilot: Pilot[Any], query: str) -> None:
    """Type ``query`` in the search bar and press Enter: it searches at once and moves
    to the results."""
    pilot.app.screen.query_one(SearchBar).input.focus()
    await pilot.press(*query, "enter")
    await settle(pilot)


async def open_reader(pilot: Pilot[Any], query: str) -> ReaderScreen:
    """Search ``query`` and open its first story in the reader."""
    await submit_query(pilot, query)
    await pilot.press("enter")
    await settle(pilot)
    reader = pilot.app.screen
    assert isinstance(reader, ReaderScreen)
    return reader


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition()`` holds (checked every 20 ms), or fail."""
    for _ in range(int(WAIT_SECONDS / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def screen_lines(app: NewsdeskApp) -> list[str]:
    """The screen as a user sees it, one string per terminal row (blank rows kept, so a
    widget's ``region`` indexes them), rebuilt from the SVG screenshot."""
    svg = app.export_screenshot()
    rows: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for found in re.finditer(
        r'<text[^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]*?-line-(\d+)\)"[^>]*>(.*?)</text>',
        svg,
    ):
        rows[int(found.group(2))].append((float(found.group(1)), html.unescape(found.group(3))))
    lines = []
    for row in range(app.size.height):
        line = ""
        for x, text in sorted(rows[row]):
            line = line.ljust(round(x / 12.2)) + text
        lines.append(line.replace("\xa0", " ").rstrip())
    return lines


def screen_text(app: NewsdeskApp) -> str:
    """The screen as lines of text (what a user sees)."""
    return "\n".join(screen_lines(app))


def widget_text(app: NewsdeskApp, widget: Widget) -> str:
    """What the user sees inside ``widget``: its rows, each stripped, joined by spaces (so
    a message wrapped over several rows reads as one line)."""
    region = widget.region
    lines = screen_lines(app)[region.y : region.bottom]
    rows = (line[region.x : region.right].strip() for line in lines)
    return " ".join(row for row in rows if row)


class SlowEngine:
    """A real engine whose search for ``slow_query`` sets ``started`` and then waits until
    the test sets ``release``: the test decides when the slow search ends, not a timer."""

    def __init__(self, engine: Engine, slow_query: str) -> None:
        self.engine = engine
        self.slow_query = slow_query
        self.started = threading.Event()
        self.release = threading.Event()

    def search(self, query: str, **kwargs: Any) -> SearchResults:
        if query == self.slow_query:
            self.started.set()
            if not self.release.wait(WAIT_SECONDS):
                raise TimeoutError("the test never released the slow search")
        return self.engine.search(query, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


class FailingEngine:
    """A real engine whose searches raise ``error`` while ``failing`` is True or their
    query contains ``fail_on`` (as the facet crash of issue #10 raised from deep inside)."""

    def __init__(
        self,
        engine: Engine,
        error: Exception,
        *,
        fail_on: str | None = None,
        failing: bool = False,
    ) -> None:
        self.engine = engine
        self.error = error
        self.fail_on = fail_on
        self.failing = failing

    def search(self, query: str, **kwargs: Any) -> SearchResults:
        if self.failing or (self.fail_on is not None and self.fail_on in query):
            raise self.error
        return self.engine.search(query, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


class LongFacetEngine:
    """A real engine whose results carry one more place, too long for the sidebar and
    with a wide count: its row fills the facet list's width exactly."""

    PLACE = ("Democratic Republic of the Congo", 1230)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def search(self, query: str, **kwargs: Any) -> SearchResults:
        results = self.engine.search(query, **kwargs)
        places = [self.PLACE, *results.facets.get("places", [])]
        return replace(results, facets={**results.facets, "places": places})

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


#: Untrusted text that must display literally and never act.
INJECTION = (
    "[bold]x[/bold] [@click=app.quit]click[/] [link=http://x]l[/link] \x1b]0;title\x07 \x1b[2J end"
)
#: What the user must see of it: markup literally, the escape sequences gone.
INJECTION_SHOWN = ("[bold]x[/bold]", "[@click=app.quit]click[/]", "[link=http://x]l[/link]")


class InjectingEngine:
    """A real engine whose hits and articles carry hostile text in every displayed field."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _hit(self, hit: Hit) -> Hit:
        return replace(
            hit,
            title=INJECTION,
            snippet=INJECTION + " " + hit.snippet,
            highlights=(),
            places=(INJECTION,),
            source="[red]src[/red]\x1b[31m",
        )

    def search(self, query: str, **kwargs: Any) -> SearchResults:
        results = self.engine.search(query, **kwargs)
        facets: Mapping[str, Sequence[tuple[str, int]]] = {
            **results.facets,
            "places": [(INJECTION, 3), *results.facets.get("places", [])],
        }
        return replace(
            results,
            hits=tuple(self._hit(hit) for hit in results.hits),
            facets=dict(facets),  # type: ignore[arg-type]
            suggestion="[@click=app.quit]q[/]",
        )

    def get(self, article_id: str) -> Article:
        article = self.engine.get(article_id)
        return replace(
            article,
            title=INJECTION,
            body=INJECTION + "\n\n" + article.body,
            captions=(INJECTION,),
            credits=(INJECTION,),
            places=(INJECTION,),
        )

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        return [self._hit(hit) for hit in self.engine.related(article_id, limit)]

    def versions(self, article_id: str) -> list[Hit]:
        found = self.engine.versions(article_id)
        return [self._hit(hit) for hit in (found if len(found) > 1 else [*found, *found])]

    def match_spans(self, query: str, text: str, *, as_you_type: bool = False) -> tuple[Span, ...]:
        return self.engine.match_spans(query, text, as_you_type=as_you_type)

    def refresh(self) -> bool:
        return self.engine.refresh()

    def close(self) -> None:
        self.engine.close()
