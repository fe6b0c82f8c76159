"""Copying a story's parts and opening it where it came from (reader and search screen)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_search_support import SEED_ID
from test_tui_support import make_app, open_reader, pilot_test, sample_index, settle, wait_for

from search import Engine
from tui.screens.copy import CopyScreen
from tui.screens.reader import ReaderScreen
from tui.story_actions import copy_text, open_plan
from tui.widgets.search_bar import SearchBar


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


def test_the_parts_of_a_story(engine: Engine) -> None:
    seed = engine.get(SEED_ID)
    assert copy_text(seed, "id") == SEED_ID
    assert copy_text(seed, "headline") == seed.title
    assert copy_text(seed, "citation").startswith(f"**{seed.title[:20]}")
    assert copy_text(seed, "citation").endswith(f"id `{SEED_ID}`")
    assert copy_text(seed, "link") == seed.path
    whole = copy_text(seed, "text")
    assert whole.startswith(seed.title + "\n") and seed.body[:200] in whole
    assert seed.captions[0] in whole  # the captions come after the story


def test_opening_follows_the_story_to_where_it_came_from(engine: Engine, tmp_path: Path) -> None:
    seed = engine.get(SEED_ID)
    on_disk = open_plan(seed, edit=False, environ={"PAGER": "less -R"})
    assert on_disk.argv == ("less", "-R", seed.path) and not on_disk.text
    edited = open_plan(seed, edit=True, environ={"EDITOR": "nano"})
    assert edited.argv == ("nano", seed.path)
    assert open_plan(seed, edit=False, environ={}).argv[0] == "less"  # the fallback
    web = replace(seed, url="https://example.org/story")
    assert open_plan(web, edit=False, environ={}).target == "https://example.org/story"
    # An address in an article is data: anything but http(s) is never "opened".
    for url in ("javascript:alert(1)", "file:///etc/passwd", "https://a b"):
        plan = open_plan(replace(seed, url=url), edit=False, environ={})
        assert plan.kind == "program"
    archived = replace(seed, path="corpus.tar.gz::story.txt")
    plan = open_plan(archived, edit=False, environ={})
    assert plan.argv == ("less",) and plan.text.startswith(seed.title)  # a temporary file
    assert "inside an archive" in plan.said


@pilot_test
async def test_c_in_the_reader_copies_the_part_chosen(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_reader(pilot, "hawija")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CopyScreen)
        await pilot.press("c")  # the citation
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert copied == [copy_text(engine.get(SEED_ID), "citation")]
        assert [n.title for n in app._notifications] == ["Copied"]


@pilot_test
async def test_f8_on_the_search_screen_copies_the_story_under_the_cursor(
    tmp_path: Path, engine: Engine
) -> None:
    app = make_app(tmp_path, engine)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(SearchBar).input.focus()
        await pilot.press(*"hawija", "enter")
        await settle(pilot)
        await pilot.press("f8", "i")
        await settle(pilot)
    assert copied == [SEED_ID]


@pilot_test
async def test_o_opens_the_web_address_in_the_browser(tmp_path: Path, engine: Engine) -> None:
    class WithUrl:
        """The engine, with the seed story given a web address."""

        def __init__(self, inner: Engine) -> None:
            self.inner = inner

        def get(self, article_id: str) -> Any:
            return replace(self.inner.get(article_id), url="https://example.org/hawija")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    app = make_app(tmp_path, WithUrl(engine))
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reader(pilot, "hawija")
        await pilot.press("o")
        await wait_for(pilot, lambda: bool(opened), "the browser to be asked")
    assert opened == ["https://example.org/hawija"]
