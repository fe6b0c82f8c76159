"""Empty and error states, first run and index refresh: each a clear message, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_tui_support import make_app, pilot_test, sample_index, screen_text, settle

from index import build_index
from index.locking import WriterLock
from tui.screens.problem import ProblemScreen
from tui.screens.search import SearchScreen
from tui.widgets.result_list import ResultList

SIZE = (100, 30)


def copy_of_sample_index(tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(sample_index(), copy, ignore=shutil.ignore_patterns("LOCK", "*WRITELOCK"))
    return copy


async def wait_for_screen(pilot, kind: type, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 10)):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause(0.1)  # let it paint
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{kind.__name__} never shown; on {pilot.app.screen!r}")


@pilot_test
async def test_missing_index_says_how_to_make_one(tmp_path: Path) -> None:
    app = make_app(tmp_path, index_dir=tmp_path / "nowhere")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, ProblemScreen)
        text = screen_text(app)
        assert "No index" in text and "newsdesk index PATH" in text
        await pilot.press("f5")  # try again: still missing, still a message
        await wait_for_screen(pilot, ProblemScreen)
        assert app.is_running


@pilot_test
async def test_corrupt_index_offers_a_rebuild_that_works(tmp_path: Path) -> None:
    index_dir = copy_of_sample_index(tmp_path)
    for segment in index_dir.glob("gen-*/*.seg"):
        segment.write_bytes(b"\x00garbage" * 64)
    app = make_app(tmp_path, index_dir=index_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, ProblemScreen)
        text = screen_text(app)
        assert "Index damaged" in text and "F9" in text
        await pilot.press("f9")
        await wait_for_screen(pilot, SearchScreen, seconds=120)
        await settle(pilot)
        assert app.screen.query_one(ResultList).hits


@pilot_test
async def test_first_run_builds_the_sample_then_refresh_and_lock(tmp_path: Path) -> None:
    index_dir = tmp_path / "fresh"
    app = make_app(tmp_path, index_dir=index_dir, build_sample_if_missing=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, SearchScreen, seconds=120)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.results is not None
        assert screen.results.total + screen.results.folded >= 1000  # the sample's Reuters
        with WriterLock(index_dir):  # another writer holds the index
            await pilot.press("f5")
            await settle(pilot)
            assert "Index busy" in screen_text(app)
        await pilot.press("f5")
        await settle(pilot, rounds=10)
        text = screen_text(app)
        assert "Index refreshed" in text and "0 added" in text
        assert screen.results.total + screen.results.folded >= 1000


@pilot_test
async def test_empty_index_says_how_to_add_stories(tmp_path: Path) -> None:
    empty_corpus = tmp_path / "corpus"
    empty_corpus.mkdir()
    build_index([empty_corpus], tmp_path / "index")
    app = make_app(tmp_path, index_dir=tmp_path / "index")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, SearchScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "The index is empty" in text
        assert "newsdesk index PATH" in text


@pilot_test
async def test_search_typed_during_the_first_build_is_kept(tmp_path: Path) -> None:
    """Keys typed while the sample builds show on the build screen, then search."""
    import threading

    from tui.index_job import IndexJob
    from tui.screens.build import BuildScreen
    from tui.widgets.search_bar import SearchBar

    gate = threading.Event()
    real_run = IndexJob.run

    def gated_run(job: IndexJob, *args: object, **kwargs: object) -> object:
        gate.wait(60)  # the build stays on screen until the test has typed
        return real_run(job, *args, **kwargs)  # type: ignore[arg-type]

    IndexJob.run = gated_run  # type: ignore[assignment,method-assign]
    try:
        app = make_app(tmp_path, index_dir=tmp_path / "fresh", build_sample_if_missing=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, BuildScreen)
            assert "Type your search now" in screen_text(app)
            await pilot.press(*"hawijx", "backspace", "a")
            await pilot.pause(0.1)
            assert "Search: hawija" in screen_text(app)
            gate.set()
            await wait_for_screen(pilot, SearchScreen, seconds=120)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            assert screen.query_one(SearchBar).value == "hawija"
            assert screen.results is not None and screen.results.query == "hawija"
            hits = screen.query_one(ResultList).hits
            assert hits and hits[0].id == "000_b98891cdbd8958c6"
    finally:
        gate.set()
        IndexJob.run = real_run  # type: ignore[method-assign]
