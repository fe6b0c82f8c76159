"""Building and refreshing the index: real sample data, incremental changes, stats, CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from whoosh.qparser import QueryParser

from corpus.reader import sample_corpus_path
from index import build_index, index_generation, index_stats, open_index
from index.progress import BuildProgress
from tui.cli import main


def _ids_for(index_dir: Path, field: str, text: str) -> set[str]:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        query = QueryParser(field, ix.schema).parse(text)
        return {hit["id"] for hit in searcher.search(query, limit=None)}


def write_jsonl(path: Path, articles: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")


def story(number: int, text: str = "") -> dict[str, object]:
    return {
        "id": f"story-{number}",
        "title": f"Harbour report number {number}",
        "body": text or f"Ships unloaded grain at the harbour on day {number} of the strike.",
        "date": f"2020-03-{number % 28 + 1:02d}T10:00:00Z",
        "source": "Test Wire",
        "places": ["Rotterdam"],
    }


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Path:
    """The seed article plus the bundled sample, indexed once for this module."""
    corpus_dir = tmp_path_factory.mktemp("corpus")
    shutil.copy(seed_path, corpus_dir / seed_path.name)
    index_dir = tmp_path_factory.mktemp("index")
    summary = build_index([corpus_dir, sample_corpus_path()], index_dir, procs=1)
    assert summary.added == summary.total > 1
    return index_dir


def test_seed_fields_are_searchable_in_the_raw_index(sample_index: Path) -> None:
    seed = "000_b98891cdbd8958c6"
    assert seed in _ids_for(sample_index, "places", "hawija")
    assert seed in _ids_for(sample_index, "body", "counterattack OR offensive")
    assert seed in _ids_for(sample_index, "source", "afp")
    assert seed in _ids_for(sample_index, "credits", '"ahmad al-rubaye"')
    # Stemming: "launching" finds "launched".
    assert seed in _ids_for(sample_index, "body", "launching")


def test_sample_reuters_records_are_indexed_with_metadata(sample_index: Path) -> None:
    cocoa = _ids_for(sample_index, "topics", "cocoa")
    assert "1" in cocoa  # NEWID 1: BAHIA COCOA REVIEW
    ix = open_index(sample_index)
    with ix.searcher() as searcher:
        stored = searcher.document(id="1")
    assert stored is not None
    assert stored["title"] == "BAHIA COCOA REVIEW"
    assert stored["date"].year == 1987


def test_stats_report_counts_dates_and_facets(sample_index: Path) -> None:
    stats = index_stats(sample_index)
    ix = open_index(sample_index)
    assert stats.articles == ix.doc_count()
    assert stats.date_min is not None and stats.date_min.year == 1987
    assert stats.date_max is not None and stats.date_max.year == 2017
    assert stats.size_bytes > 0
    assert str(sample_corpus_path().resolve()) in stats.corpora
    assert stats.term_counts["body"] > 1000
    sources = dict(stats.top_facets["source"])
    assert sources.get("AFP") == 1


def test_refresh_without_changes_writes_nothing(sample_index: Path) -> None:
    before = index_generation(sample_index)
    summary = build_index(None, sample_index)
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, 0)
    assert summary.unchanged == summary.total
    assert index_generation(sample_index) == before


def test_incremental_add_modify_delete(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    index_dir = tmp_path / "index"
    write_jsonl(corpus_dir / "a.jsonl", [story(n) for n in range(1, 6)])
    write_jsonl(corpus_dir / "b.jsonl", [story(n) for n in range(6, 9)])
    first = build_index([corpus_dir], index_dir)
    assert (first.added, first.total) == (8, 8)
    generation = index_generation(index_dir)

    # a.jsonl: story 2 changes, story 5 vanishes, story 9 is new; b.jsonl is deleted.
    changed = [story(1), story(2, "The strike ended and dockers returned to work."), story(3)]
    write_jsonl(corpus_dir / "a.jsonl", [*changed, story(4), story(9)])
    (corpus_dir / "b.jsonl").unlink()
    progress: list[BuildProgress] = []
    second = build_index(None, index_dir, progress=progress.append)

    assert (second.added, second.updated, second.deleted, second.unchanged) == (1, 1, 4, 3)
    assert second.total == 5 == open_index(index_dir).doc_count()
    assert index_generation(index_dir) != generation
    reading = [event for event in progress if event.phase == "reading"]
    writing = [event for event in progress if event.phase == "indexing"]
    assert reading[-1].done == 5 and writing[-1].done == 2  # 5 read, 2 written
    # The previous build's count of the same corpora serves as the total (for an ETA),
    # and the reading phase ends on the exact count; then the number of articles to write.
    assert {event.total for event in reading[:-1]} == {8}
    assert (reading[-1].done, reading[-1].total) == (5, 5)
    assert {event.total for event in writing} == {2}
    assert _ids_for(index_dir, "body", "dockers") == {"story-2"}
    assert _ids_for(index_dir, "title", "harbour") == {f"story-{n}" for n in (1, 2, 3, 4, 9)}


def test_adding_a_corpus_keeps_the_others(tmp_path: Path) -> None:
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"
    first_dir.mkdir()
    second_dir.mkdir()
    write_jsonl(first_dir / "a.jsonl", [story(1), story(2)])
    write_jsonl(second_dir / "b.jsonl", [story(3)])
    index_dir = tmp_path / "index"
    build_index([first_dir], index_dir)
    summary = build_index([second_dir], index_dir)
    assert (summary.added, summary.deleted, summary.total) == (1, 0, 3)
    assert index_stats(index_dir).corpora == [str(first_dir.resolve()), str(second_dir.resolve())]
    assert _ids_for(index_dir, "places", "rotterdam") == {"story-1", "story-2", "story-3"}
    # Syncing one corpus leaves the other's articles alone, even when its folder is gone.
    (first_dir / "a.jsonl").unlink()
    first_dir.rmdir()
    write_jsonl(second_dir / "b.jsonl", [story(4)])
    synced = build_index(None, index_dir)
    assert (synced.added, synced.deleted, synced.total) == (1, 1, 3)
    assert synced.per_corpus[str(first_dir.resolve())].missing
    assert _ids_for(index_dir, "places", "rotterdam") == {"story-1", "story-2", "story-4"}


def test_rebuild_replaces_the_generation(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "a.jsonl", [story(n) for n in range(1, 4)])
    index_dir = tmp_path / "index"
    build_index([corpus_dir], index_dir)
    old = index_generation(index_dir)
    summary = build_index(None, index_dir, rebuild=True)
    assert summary.rebuilt and summary.total == 3
    new = index_generation(index_dir)
    assert new != old
    # Only the live generation is kept.
    generations = sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))
    assert generations == [new]


def test_duplicate_ids_are_reported_not_indexed_twice(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "a.jsonl", [story(1), story(2)])
    write_jsonl(corpus_dir / "b.jsonl", [story(2, "A different story with the same id.")])
    summary = build_index([corpus_dir], tmp_path / "index")
    assert summary.total == 2
    assert any("duplicate article id 'story-2'" in skip.reason for skip in summary.skipped)


def test_a_later_corpus_reusing_an_id_is_qualified_not_lost(tmp_path: Path) -> None:
    first, second = tmp_path / "wire", tmp_path / "archive"
    first.mkdir()
    second.mkdir()
    write_jsonl(first / "a.jsonl", [story(1), story(2)])
    write_jsonl(second / "b.jsonl", [story(2, "Another desk's story 2, about a port."), story(1)])
    index_dir = tmp_path / "index"
    summary = build_index([first, second], index_dir)
    # story-1 is the same article in both corpora: one copy, reported.
    assert summary.total == 3
    assert [skip.reason for skip in summary.skipped] == [
        f"duplicate article id 'story-1' (first: {first / 'a.jsonl'})"
    ]
    assert _ids_for(index_dir, "body", "port") == {"archive:story-2"}
    assert _ids_for(index_dir, "body", "grain") == {"story-1", "story-2"}
    again = build_index(None, index_dir)
    assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 3)


def test_corpus_skips_are_in_the_summary(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "a.jsonl").write_text(
        json.dumps(story(1)) + "\n{not json\n" + json.dumps(story(2)) + "\n", encoding="utf-8"
    )
    summary = build_index([corpus_dir], tmp_path / "index")
    assert summary.total == 2
    assert [skip.line for skip in summary.skipped] == [2]


def test_cli_index_and_stats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "a.jsonl", [story(1), story(2), story(3)])
    monkeypatch.setenv("NEWSDESK_INDEX", str(tmp_path / "index"))

    assert main(["stats"]) == 1
    assert "run `newsdesk index PATH` first" in capsys.readouterr().err

    assert main(["index", str(corpus_dir)]) == 0
    captured = capsys.readouterr()
    assert "built 3 articles" in captured.out
    # Not a terminal: plain progress lines on stderr, no bar, no escape sequences.
    assert "indexing: 3 of 3 articles" in captured.err  # a count: no "~"
    # then each step of the commit, which counts no articles, by name
    for step in ("writing the segment", "writing postings files", "writing facet columns"):
        assert f"\n{step}…\n" in captured.err, captured.err
    assert captured.err.rstrip().endswith("committing…")
    assert "\x1b" not in captured.err

    write_jsonl(corpus_dir / "a.jsonl", [story(1), story(2), story(4)])
    (corpus_dir / "desks.txt").write_text("World\nSports\nBusiness\n")  # a list, not a story
    assert main(["index"]) == 0
    captured = capsys.readouterr()
    assert "added 1, updated 0, deleted 1, unchanged 2" in captured.out
    # what was left out by a guess is named, so a story taken for notes is seen
    assert "note: not indexed as stories" in captured.err and "desks.txt" in captured.err

    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    for key in ("articles", "size_bytes", "date_min", "date_max", "corpora", "built_at"):
        assert key in stats
    assert stats["articles"] == 3
    assert stats["date_min"].startswith("2020-03-")
    assert stats["corpora"] == [str(corpus_dir.resolve())]
    assert stats["top_facets"]["places"] == [{"value": "Rotterdam", "count": 3}]
    assert isinstance(stats["build_seconds"], float)

    assert main(["stats"]) == 0
    assert re.search(r"^articles +3$", capsys.readouterr().out, re.MULTILINE)


def test_cli_never_prints_control_characters_from_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    hostile = corpus_dir / "news\x1b[2J\x07.jsonl"
    hostile.write_text(json.dumps(story(1)) + "\n{broken\n", encoding="utf-8")
    assert main(["index", str(corpus_dir), "--index", str(tmp_path / "index"), "-q"]) == 0
    captured = capsys.readouterr()
    assert "skipped: " in captured.err and ":2: " in captured.err
    assert "\x1b" not in captured.err + captured.out
    assert "\x07" not in captured.err + captured.out


def test_facet_values_round_trip_and_stats_spell_them_as_search_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value holding a comma is stored as written (it was "Smith  John"), and stats
    shows the stored spelling of an accented value ("São Paulo", not "sao paulo"), with
    its label apart from the values even for the longest facet name."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    record = {
        **story(1),
        "people": ["Smith, John", "Ana Lúcia"],
        "places": ["São Paulo"],
        "organisations": ["Procter & Gamble, Inc."],
    }
    write_jsonl(corpus_dir / "a.jsonl", [record])
    index_dir = tmp_path / "index"
    build_index([corpus_dir], index_dir)
    with open_index(index_dir).searcher() as searcher:
        stored = searcher.document(id="story-1")
    from index.documents import document_to_article

    article = document_to_article(stored)
    assert article.people == ("Smith, John", "Ana Lúcia")
    assert article.organisations == ("Procter & Gamble, Inc.",)
    assert _ids_for(index_dir, "people", '"smith, john"') == {"story-1"}
    stats = index_stats(index_dir)
    assert stats.top_facets["places"] == [("São Paulo", 1)]
    assert stats.top_facets["people"] == [("Ana Lúcia", 1), ("Smith, John", 1)]
    assert main(["stats", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^top organisations +Procter & Gamble, Inc\. \(1\)$", out, re.MULTILINE)


def test_a_corpus_that_reads_empty_keeps_its_stories_until_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unmounted share or an unreadable folder reads as no articles at all: a sync
    must not take that as "every story vanished"."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "a.jsonl", [story(1), story(2)])
    index_dir = tmp_path / "index"
    build_index([corpus_dir], index_dir)
    (corpus_dir / "a.jsonl").unlink()
    assert main(["index", "--index", str(index_dir), "-q"]) == 0
    out = capsys.readouterr().out
    assert "corpus: no article read from it; its 2 articles are kept" in out
    assert open_index(index_dir).doc_count() == 2
    assert main(["index", "--remove", str(corpus_dir), "--index", str(index_dir), "-q"]) == 0
    assert open_index(index_dir).doc_count() == 0


def test_the_article_size_limit_is_remembered_for_refreshes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    long_story = story(2, "Ships unloaded grain at the harbour. " * 200)  # about 7 KB
    write_jsonl(corpus_dir / "a.jsonl", [story(1), long_story])
    index_dir = str(tmp_path / "index")
    assert main(["index", str(corpus_dir), "--index", index_dir, "--max-article-mb", "0.002"]) == 0
    assert "a.jsonl:2: record larger than the 2,097 bytes size limit" in capsys.readouterr().err
    assert open_index(index_dir).doc_count() == 1
    # A refresh reads the corpus as the build did: the long story is still left out.
    assert main(["index", "--index", index_dir, "-q"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["index", "--index", index_dir, "-q", "--max-article-mb", "1"]) == 0
    assert "added 1" in capsys.readouterr().out
    assert open_index(index_dir).doc_count() == 2
