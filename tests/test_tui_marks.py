"""Marking stories in the TUI: m and a (note) in the reader, Ctrl+B in the results, ★ in
the rows, and the export of the marked stories only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_search_support import SEED_ID
from test_tui_support import make_app, pilot_test, sample_index, screen_text, settle, wait_for
from textual.widgets import Checkbox

from search import Engine
from search.marks import Marks
from tui.screens.export import ExportScreen
from tui.screens.prompt import PromptScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.search_bar import SearchBar

SIZE = (120, 40)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


async def search_for(pilot: Any, query: str) -> SearchScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one(SearchBar).input.focus()
    await pilot.press(*query, "enter")
    await settle(pilot)
    return screen


@pilot_test
async def test_m_and_a_in_the_reader(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_for(pilot, "hawija")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("m")
        await pilot.pause()
        assert SEED_ID in Marks()
        await pilot.press("m")
        await pilot.pause()
        assert SEED_ID not in Marks()
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"ask AFP", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert Marks().marks[SEED_ID].note == "ask AFP"


@pilot_test
async def test_ctrl_b_marks_the_row_and_the_export_can_take_only_the_marked(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, engine, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await search_for(pilot, "hawija")
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: SEED_ID in Marks(), "the story to be marked")
        await settle(pilot)
        assert "★ Iraqi forces" in screen_text(app)
        await pilot.press("f7")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        checkbox = dialog.query_one("#export-marked", Checkbox)
        assert not checkbox.disabled
        checkbox.value = True
        await pilot.press("down", "down", "enter")  # Markdown
        dialog.query_one("#export-path").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the export")
        assert screen is app.screen
    exported = (tmp_path / "newsdesk-hawija.md").read_text(encoding="utf-8")
    assert exported.startswith("# newsdesk: (marked stories)\n")
    assert exported.count(f"id `{SEED_ID}`") == 1
