"""Corpora are added, synced and removed one at a time, and no refresh loses a story or
breaks search: on the shared corpora, through the commands users run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index import build_index, index_stats, open_index
from search import Engine
from tui.cli import main

pytestmark = [pytest.mark.corpora]

UNDATED_STORY = (
    "Harbour pilots vote to strike\n\n"
    "Harbour pilots voted on Tuesday to strike over pay, and oil tankers waiting to dock "
    "were told to anchor offshore until the dispute is settled, union officials said.\n"
)


def test_a_refresh_adding_only_undated_stories_keeps_every_faceted_search_working(
    corpora: Path, tmp_path: Path
) -> None:
    """Whoosh writes no date column for a segment where no article has a date; reading
    dates across segments then crashed every faceted search ("iterator too short")."""
    index_dir = tmp_path / "index"
    build_index([corpora / "reuters21578" / "reuters21578.tar.gz"], index_dir)  # all dated
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "pilots.txt").write_text(UNDATED_STORY, encoding="utf-8")
    summary = build_index([extra], index_dir)
    assert (summary.added, summary.deleted, summary.total) == (1, 0, 21_579)
    assert len(open_index(index_dir)._segments()) >= 2
    with Engine.open(index_dir) as engine:
        found = engine.search("oil")
        assert found.total > 100 and found.undated >= 1
        assert sum(count for _, count in found.facets["year"]) + found.undated == found.total
        assert engine.search("harbour pilots").hits[0].id == "pilots"
        assert engine.search("", sort="newest", page_size=5, every_version=True).total == 21_579
        oldest = engine.search("oil", sort="oldest", page_size=found.total)
        assert oldest.hits[-1].date is None  # undated stories last
    stats = index_stats(index_dir)
    assert stats.articles == 21_579 and stats.date_min is not None


def test_adding_a_corpus_keeps_the_others_and_removing_one_is_explicit(
    corpora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = str(tmp_path / "index")
    bbc = corpora / "bbc" / "bbc-fulltext.tar.gz"
    time_docs = corpora / "time" / "time-docs.tar.gz"
    assert main(["index", str(bbc), "--index", index_dir, "-q"]) == 0
    capsys.readouterr()
    assert main(["index", str(time_docs), "--index", index_dir, "-q"]) == 0
    added = capsys.readouterr().out
    assert "added 423, updated 0, deleted 0" in added  # before: "deleted 2,225"
    assert "index holds 2,648 articles" in added
    stats = index_stats(index_dir)
    assert stats.corpora == [str(bbc), str(time_docs)]
    assert stats.corpus_articles == {str(bbc): 2_225, str(time_docs): 423}
    # A refresh syncs every recorded corpus and names each.
    assert main(["index", "--index", index_dir, "-q"]) == 0
    refreshed = capsys.readouterr().out
    assert "bbc-fulltext.tar.gz: unchanged 2,225" in refreshed
    assert "time-docs.tar.gz: unchanged 423" in refreshed
    # Removing is explicit, by path or by the corpus's file name.
    assert main(["index", "--remove", "time-docs.tar.gz", "--index", index_dir, "-q"]) == 0
    removed = capsys.readouterr().out
    assert "time-docs.tar.gz: removed, 423 articles deleted" in removed
    assert index_stats(index_dir).corpora == [str(bbc)]
    assert open_index(index_dir).doc_count() == 2_225
    assert main(["index", "--remove", "nothing.tar.gz", "--index", index_dir, "-q"]) == 1
    assert "Unknown corpus" in capsys.readouterr().err


def test_a_missing_path_is_refused_before_the_index_is_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = tmp_path / "index"
    assert main(["index", str(tmp_path / "nonexistent"), "--index", str(index_dir)]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert not index_dir.exists()  # no LOCK file (nor folder) left behind


def test_index_help_says_how_corpora_are_added_and_removed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "index", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    text = " ".join(result.stdout.split())
    assert "keeps the other corpora" in text and "--remove PATH" in text
