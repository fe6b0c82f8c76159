"""The TUI's export (F7): every result of the search shown, to a file, over a real index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import make_app, pilot_test, sample_index, screen_text, settle, wait_for
from textual.widgets import Input, Static

from search import Engine
from tui.screens.export import ExportScreen
from tui.screens.search import SearchScreen
from tui.widgets.search_bar import SearchBar

SIZE = (120, 40)


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


async def export_dialog(pilot: Any, query: str) -> ExportScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one(SearchBar).input.focus()
    await pilot.press(*query)
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportScreen)
    return dialog


@pilot_test
async def test_f7_exports_every_result_as_markdown(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine, export_dir=tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dialog = await export_dialog(pilot, "oil")
        path_input = dialog.query_one("#export-path", Input)
        assert path_input.value == str(tmp_path / "newsdesk-oil.csv")
        total = engine.search("oil").total  # as submitted (the screen searched it as typed)
        title = str(dialog.query_one("#export-title", Static).content)
        assert title.startswith(f"Export {total} stories: “oil”")
        # typed, "oil" also found "oils", "oilseed": the screen now counts what is exported
        searched = app.screen_stack[-2]
        assert isinstance(searched, SearchScreen)
        await wait_for(
            pilot,
            lambda: searched.results is not None and searched.results.total == total,
            "the screen to count the stories the export writes",
        )
        await pilot.press("down", "down", "enter")  # CSV -> JSON Lines -> Markdown
        assert path_input.value == str(tmp_path / "newsdesk-oil.md")  # follows the format
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the dialog to close")
        await settle(pilot)
        assert f"Exported {total} stories to" in screen_text(app)  # the confirmation
    written = (tmp_path / "newsdesk-oil.md").read_text(encoding="utf-8")
    assert written.startswith("# newsdesk: oil\n")
    citations = [line for line in written.splitlines() if line[:1].isdigit()]
    assert len(citations) == total > 12  # all of them, not the page on screen


@pilot_test
async def test_an_existing_file_is_replaced_only_when_asked_twice(
    tmp_path: Path, engine: Engine
) -> None:
    taken = tmp_path / "mine.csv"
    taken.write_text("keep me", encoding="utf-8")
    app = make_app(tmp_path, engine, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await export_dialog(pilot, "oil")
        dialog.query_one("#export-path", Input).value = str(taken)
        dialog.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "exists: press Export again" in str(
            dialog.query_one("#export-status", Static).content
        )
        assert taken.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the dialog to close")
    assert taken.read_text(encoding="utf-8-sig").startswith("id,title,date")


@pilot_test
async def test_an_unwritable_file_is_said_and_the_dialog_stays(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, engine, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await export_dialog(pilot, "oil")
        target = tmp_path / "no-such-folder" / "out.csv"
        dialog.query_one("#export-path", Input).value = str(target)
        dialog.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        status = str(dialog.query_one("#export-status", Static).content)
        assert status.startswith(f"Export failed: cannot write {target}")
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)
