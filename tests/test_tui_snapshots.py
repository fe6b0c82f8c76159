"""SVG snapshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic by construction: a fixed index (the bundled sample), a fixed theme, no
clocks or timings on screen (the status line's index folder and update time are fixed
here), the input cursor not blinking.  Regenerate after a deliberate
change with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import make_app, sample_index, settle
from textual.pilot import Pilot
from textual.widgets import Input

from search import Engine
from tui.widgets import status_line

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


@pytest.fixture(autouse=True)
def fixed_status_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The status line's index folder (a temp folder) and update time (now), fixed."""
    real = status_line.live_meta

    def fixed(folder: Path) -> Any:
        return replace(real(folder), built_at="2026-01-15T09:30:00")

    monkeypatch.setattr(status_line, "live_meta", fixed)
    monkeypatch.setattr(status_line, "home_relative", lambda folder: "~/news/index")


def steps(*keys: str, query: str = "", then: str = "") -> Callable[[Pilot[Any]], Any]:
    """Type ``query`` into the search bar, then ``then``, then press ``keys``, settling
    after each (so ``query`` is searched on its own, whatever the machine's speed)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for search_input in pilot.app.screen.query(Input):
            search_input.cursor_blink = False
        await pilot.press(*query)
        await settle(pilot)
        if then:
            await pilot.press(*then)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_search_with_results_and_facets(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path, engine)
    assert snap_compare(app, terminal_size=size, run_before=steps(query="oil"))


@pytest.mark.parametrize("size", SIZES)
def test_reader_on_the_seed_story(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path, engine)
    assert snap_compare(app, terminal_size=size, run_before=steps("enter", "enter", query="hawija"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path, engine)
    assert snap_compare(app, terminal_size=size, run_before=steps("f1"))


@pytest.mark.parametrize("size", SIZES)
def test_empty_state_no_results(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path, engine)
    assert snap_compare(app, terminal_size=size, run_before=steps(query="zzxqvv"))


@pytest.mark.parametrize("size", SIZES)
def test_malformed_query_keeps_the_last_results_dimmed(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    """An unclosed quote while typing a phrase: the error under the bar, the last valid
    query's results and facets dimmed and labelled, the preview still on its story."""
    app = make_app(tmp_path, engine)
    typing = steps(query="iraq", then=' "islamic sta')
    assert snap_compare(app, terminal_size=size, run_before=typing)


def test_search_in_the_light_theme(snap_compare: Any, engine: Engine, tmp_path: Path) -> None:
    app = make_app(tmp_path, engine, theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps(query="oil"))


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    """F7 over the results of "oil": the count, the formats, a file name not yet taken."""
    app = make_app(tmp_path, engine, export_dir=Path("/exports"))
    assert snap_compare(app, terminal_size=size, run_before=steps("f7", query="oil"))


@pytest.mark.parametrize("size", SIZES)
def test_copy_menu_in_the_reader(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path, engine)
    assert snap_compare(
        app, terminal_size=size, run_before=steps("enter", "enter", "c", query="hawija")
    )


@pytest.mark.parametrize("size", SIZES)
def test_saved_searches_list(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    """F9: each saved search, its stories now and how many are new since the last look."""
    from search.saved import SavedSearches, new_search

    store = SavedSearches()
    store.put(new_search("oil", "oil", filters={"source": ["Reuters"]}))
    store.put(new_search("hawija", "hawija"))
    app = make_app(tmp_path, engine)
    assert snap_compare(app, terminal_size=size, run_before=steps("f9"))


@pytest.mark.parametrize("size", SIZES)
def test_reader_with_the_storys_versions(
    snap_compare: Any, engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    """A story filed twice: the reader lists both versions, this one marked."""
    app = make_app(tmp_path, engine)
    query = "senators introduce export licensing reform bill"
    assert snap_compare(app, terminal_size=size, run_before=steps("enter", "enter", query=query))


def test_a_period_on_the_timeline(snap_compare: Any, engine: Engine, tmp_path: Path) -> None:
    """Tab to the timeline, one period back: its marker and count under the chart."""
    app = make_app(tmp_path, engine)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("tab", "left", query="oil"))
