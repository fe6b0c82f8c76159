"""`newsdesk pick`: the search app ends with the story chosen (for scripts, like fzf)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_search_support import SEED_ID
from test_tui_support import make_app, pilot_test, sample_index, settle

from search import Engine
from tui.screens.search import SearchScreen
from tui.widgets.search_bar import SearchBar


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


@pilot_test
async def test_enter_on_a_story_ends_the_app_with_it(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine, pick=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one(SearchBar).input.focus()
        await pilot.press(*"hawija", "enter")  # search, then to the results
        await settle(pilot)
        await pilot.press("enter")  # choose: no reader opens, the app ends
        await pilot.pause()
    assert app.return_value is not None and app.return_value.id == SEED_ID


@pilot_test
async def test_quitting_without_choosing_returns_nothing(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine, pick=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value is None


@pytest.mark.parametrize(("field", "expected"), [("id", SEED_ID), ("title", "Iraqi forces")])
def test_the_command_prints_the_chosen_story(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    field: str,
    expected: str,
) -> None:
    """What `newsdesk pick --print FIELD` prints once the app returns a story (the app's
    own run is the pilot tests' above: a test has no terminal to draw it on)."""
    import tui.app
    from tui.cli import main

    chosen = engine.search("hawija").hits[0]
    started: list[object] = []

    class Chosen:
        pending_query = ""

        def run(self) -> object:
            started.append(self.pending_query)
            return chosen

    monkeypatch.setattr(tui.app, "create_app", lambda settings: Chosen())
    assert (
        main(["pick", "hawija", "offensive", "--index", str(sample_index()), "--print", field]) == 0
    )
    assert capsys.readouterr().out.startswith(expected)
    assert started == ["hawija offensive"]
