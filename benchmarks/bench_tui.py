"""TUI responsiveness: keystroke to results painted, in the real app driven by Pilot.

For each query the app (120x40, headless) has all but the last character typed and
settled; the clock starts when the last key is pressed and stops once the results of the
full query are on screen and the screen has been refreshed.  The search-as-you-type
debounce (150 ms in the app) is a deliberate pause, so it is set to 0 here and reported
separately: what is measured is search + rendering + Textual's message round trips.

    .venv/bin/python benchmarks/bench_tui.py [--index DIR] [--rounds 3]

Without --index it builds (once) a Reuters-21578 index under benchmarks/.work/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.worker import WorkerCancelled

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"
REUTERS = REPO.parent / "shared" / "corpora" / "reuters21578" / "reuters21578.tar.gz"

QUERIES = (
    "oil", "coffee", "gold", "wheat exports", "opec output", "yen dollar", "takeover bid",
    "crude prices", "japan trade surplus", "interest rates", "bank of england", "cocoa",
    "soybean", "merger", "dividend", "inflation", "brazil debt", "sugar quota", "tin",
    "shipping strike", "place:japan", "topic:crude", "money supply", "steel", "airline",
)  # fmt: skip


def reuters_index() -> Path:
    from index import build_index

    index_dir = WORK / "reuters-index"
    if not (index_dir / "CURRENT").exists():
        print(f"building the Reuters-21578 index in {index_dir} …", file=sys.stderr)
        build_index([REUTERS], index_dir)
    return index_dir


def watch_paints(app: Any) -> list[float]:
    """Times at which the app wrote a screen update to the (headless) terminal."""
    painted: list[float] = []
    display = app._display

    def timed_display(*args: Any, **kwargs: Any) -> Any:
        result = display(*args, **kwargs)
        painted.append(time.perf_counter())
        return result

    app._display = timed_display
    return painted


async def settle(pilot: Any) -> None:
    """Let the previous keystroke's searches, preview and paints finish."""
    await pilot.pause(0.05)
    with contextlib.suppress(WorkerCancelled):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def record_applied(screen_class: Any) -> None:
    """Note when the screen has applied a result (to compare with paint times)."""
    apply = screen_class.on_search_finished

    def timed_apply(self: Any, message: Any) -> None:
        self.applied_at = None
        apply(self, message)
        self.applied_at = time.perf_counter()

    screen_class.on_search_finished = timed_apply


def painted_after(screen: Any, query: str, painted: list[float]) -> float | None:
    """When the results of ``query`` were first painted after being applied (or None)."""
    applied = getattr(screen, "applied_at", None)
    if screen.results is None or screen.results.query != query or applied is None:
        return None
    return next((paint for paint in painted if paint >= applied), None)


async def measure(index_dir: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds from the last keystroke to the results (list, counts, facets) painted,
    and the CPU time the app's thread spent in between (robust to other processes' load;
    the search itself runs in a worker thread and is not in it)."""
    from search import Engine
    from tui.app import create_app
    from tui.screens.search import SearchScreen
    from tui.settings import Settings
    from tui.widgets.search_bar import SearchBar

    record_applied(SearchScreen)
    latencies: list[float] = []
    cpu: list[float] = []
    history = Path(tempfile.mkdtemp()) / "history"
    settings = Settings(index_dir=index_dir, history_path=history, debounce=0.0)
    with Engine.open(index_dir) as engine:
        app = create_app(settings, engine)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            bar = screen.query_one(SearchBar)
            painted = watch_paints(app)
            for round_number in range(rounds + 1):  # round 0 warms caches up
                for query in QUERIES:
                    bar.set_query(query[:-1])
                    bar.input.focus()
                    await settle(pilot)
                    painted.clear()
                    started, cpu_started = time.perf_counter(), time.thread_time()
                    app.post_message(events.Key(query[-1], query[-1]))  # as the terminal would
                    deadline = started + 10
                    while (ended := painted_after(screen, query, painted)) is None:
                        if time.perf_counter() > deadline:
                            raise RuntimeError(f"no results painted for {query!r} in 10 s")
                        await asyncio.sleep(0.0005)
                    if round_number:
                        latencies.append((ended - started) * 1000)
                        cpu.append((time.thread_time() - cpu_started) * 1000)
    return latencies, cpu


def engine_latencies(index_dir: Path, rounds: int) -> list[float]:
    """``Engine.search`` alone on the same queries, as the app calls it (the peer figure)."""
    from search import Engine
    from tui.settings import Settings

    settings = Settings()
    latencies: list[float] = []
    with Engine.open(index_dir) as engine:
        for round_number in range(rounds + 1):
            for query in QUERIES:
                started = time.perf_counter()
                engine.search(
                    query,
                    facet_limit=max(settings.facet_limit * 2, 20),
                    page_size=settings.page_size,
                )
                if round_number:
                    latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    index_dir = args.index or reuters_index()
    from tui.settings import Settings

    latencies, cpu = asyncio.run(measure(index_dir, args.rounds))
    print(f"index: {index_dir}")
    print(f"keystrokes measured: {len(latencies)} ({len(QUERIES)} queries x {args.rounds})")
    print(f"keystroke -> results painted: {percentiles(latencies)}")
    print(f"app thread CPU in between:    {percentiles(cpu)}")
    print(f"Engine.search alone:          {percentiles(engine_latencies(index_dir, args.rounds))}")
    print(f"(the app's {Settings().debounce * 1000:.0f} ms typing debounce is not included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
