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
import tempfile
from collections import defaultdict
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from corpus import Article, sample_corpus_path
from index import build_index
from search import Engine, SearchResults
from search.results import Hit, Span
from tui.app import NewsdeskApp, create_app
from tui.settings import Settings

_SAMPLE_INDEX: Path | None = None
#: Hits per page in the tests' app.
PAGE = 12


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
        folder = Path(tempfile.mkdtemp(prefix="newsdesk-tui-index-"))
        build_index([sample_corpus_path()], folder)
        _SAMPLE_INDEX = folder
    return _SAMPLE_INDEX


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
        with contextlib.suppress(WorkerCancelled):  # a newer search replaced an older one
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: NewsdeskApp) -> str:
    """The screen as lines of text, rebuilt from the SVG screenshot (what a user sees)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for found in re.finditer(r'<text[^>]*x="([\d.]+)"[^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows[float(found.group(2))].append((float(found.group(1)), html.unescape(found.group(3))))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(round(x / 12.2) - 1) + text
        lines.append(line.replace("\xa0", " ").rstrip())
    return "\n".join(lines)


class SlowEngine:
    """A real engine whose searches for ``slow_query`` take ``delay`` seconds."""

    def __init__(self, engine: Engine, slow_query: str, delay: float) -> None:
        self.engine = engine
        self.slow_query = slow_query
        self.delay = delay

    def search(self, query: str, **kwargs: Any) -> SearchResults:
        import time

        if query == self.slow_query:
            time.sleep(self.delay)
        return self.engine.search(query, **kwargs)

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

    def match_spans(self, query: str, text: str) -> tuple[Span, ...]:
        return self.engine.match_spans(query, text)

    def refresh(self) -> bool:
        return self.engine.refresh()

    def close(self) -> None:
        self.engine.close()
