"""F9 "Rebuild index" and F5 "Refresh index" work at any size: the app runs them as a
``newsdesk index`` child process.  Before, from the UI's worker thread, a rebuild of
2,000+ articles always failed ("bad value(s) in fds_to_keep": Textual's stderr has no
file descriptor) and a refresh of 2,000+ changes forked the app's threads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_tui_states import wait_for_screen
from test_tui_support import make_app, pilot_test, screen_text, settle, wait_for

from index import build_index, index_stats
from index.store import META_FILE
from index.writer import MULTIPROCESS_THRESHOLD
from tui.screens.problem import ProblemScreen
from tui.screens.search import SearchScreen

pytestmark = [pytest.mark.corpora]

SIZE = (120, 40)


@pilot_test
async def test_f9_rebuilds_an_outdated_index_of_more_than_2000_articles(
    tmp_path: Path, corpora: Path
) -> None:
    bbc = corpora / "bbc" / "bbc-fulltext.tar.gz"
    index_dir = tmp_path / "index"
    build_index([bbc], index_dir)
    assert index_stats(index_dir).articles == 2_225 > MULTIPROCESS_THRESHOLD
    [generation] = index_dir.glob("gen-*")
    meta = json.loads((generation / META_FILE).read_text())
    (generation / META_FILE).write_text(json.dumps({**meta, "schema_version": 1}))
    app = make_app(tmp_path, index_dir=index_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, ProblemScreen)
        assert "Index out of date" in screen_text(app) and "F9" in screen_text(app)
        await pilot.press("f9")
        await wait_for_screen(pilot, SearchScreen, seconds=300)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.results is not None
        assert screen.results.total + screen.results.folded == 2_225
    assert index_stats(index_dir).corpora == [str(bbc)]


@pilot_test
async def test_f5_refreshes_more_than_2000_changes_and_names_the_corpora(
    tmp_path: Path, corpora: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "note.txt").write_text(
        "Harbour pilots vote to strike\n\nHarbour pilots voted on Tuesday to strike over pay, "
        "and tankers waiting to dock were told to anchor offshore until it is settled.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    build_index([folder], index_dir)
    shutil.copy(corpora / "reuters21578" / "reuters21578.tar.gz", folder)  # 21,578 new stories
    app = make_app(tmp_path, index_dir=index_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, SearchScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.results is not None
        assert screen.results.total == 1
        await pilot.press("f5")
        await wait_for(
            pilot,
            lambda: (
                screen.results is not None
                and screen.results.total + screen.results.folded == 21_579
            ),
            "the refreshed index to be searched",
        )  # (a search may see the new generation before the job's summary arrives)
        await wait_for(pilot, lambda: "Index refreshed" in screen_text(app), "the summary")
        assert "21,578 added" in screen_text(app)
