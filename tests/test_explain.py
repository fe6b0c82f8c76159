"""`--explain` and the TUI's "why" line: the words found, field by field, and scores that
add up to the story's score."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_search_support import SEED_ID
from test_tui_support import (
    make_app,
    pilot_test,
    sample_index,
    settle,
    type_query,
    widget_text,
)

from search import Engine
from tui.cli import main
from tui.widgets.preview import Preview
from tui.widgets.search_bar import SearchBar


@pytest.fixture
def engine() -> Iterator[Engine]:
    with Engine.open(sample_index()) as opened:
        yield opened


def test_the_parts_add_up_to_the_score(engine: Engine) -> None:
    results = engine.search("oil prices", page_size=5)  # two words: no feedback
    for explanation, hit in zip(
        engine.explain("oil prices", results.hits), results.hits, strict=True
    ):
        assert explanation.article_id == hit.id
        assert {part.word for part in explanation.parts} <= {"oil", "price"}
        assert sum(part.score for part in explanation.parts) == pytest.approx(hit.score)
        assert abs(explanation.other) < 1e-4
        article = engine.get(hit.id)
        for part in explanation.parts:
            text = article.title if part.field == "title" else article.body
            assert part.word in text.lower()  # found where it is said to be


def test_excluded_words_are_no_part(engine: Engine) -> None:
    results = engine.search("oil -crude", page_size=3)
    for explanation in engine.explain("oil -crude", results.hits):
        assert {part.word for part in explanation.parts} == {"oil"}


def test_the_cli_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    index = str(sample_index())
    assert main(["search", "hawija", "offensive", "--index", index, "--explain"]) == 0
    why = [line for line in capsys.readouterr().out.splitlines() if line.startswith("why: ")]
    assert why and "hawija in" in why[0]
    argv = ["search", "hawija", "--index", index, "--explain", "--json"]
    assert main(argv) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert hit["id"] == SEED_ID
    assert {part["word"] for part in hit["explain"]["parts"]} == {"hawija"}
    assert sum(p["score"] for p in hit["explain"]["parts"]) + hit["explain"]["other"] == (
        pytest.approx(hit["score"], abs=1e-5)
    )


@pilot_test
async def test_the_preview_says_why(tmp_path: Path, engine: Engine) -> None:
    app = make_app(tmp_path, engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(SearchBar).input.focus()
        await pilot.press(*"hawija", "enter")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        preview = widget_text(app, app.screen.query_one(Preview))
        assert "why: hawija in" in preview


@pilot_test
async def test_the_preview_says_why_while_the_query_is_typed(
    tmp_path: Path, engine: Engine
) -> None:
    """Searching as you type shows why the selected story matched before any Enter, the
    word being typed read as the search reads it (a prefix: "hawij" finds hawija)."""
    app = make_app(tmp_path, engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "hawij")
        await pilot.pause(0.3)
        await settle(pilot)
        preview = widget_text(app, app.screen.query_one(Preview))
        assert "why: hawija in" in preview
