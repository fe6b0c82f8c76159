"""A sharded index (``newsdesk index --shards N``) answers exactly as one index does.

Every index here is built by the production build (``build_index``, as ``newsdesk
index`` runs it) from the real corpora; the sharded ones are compared with a one-shard
index of the same articles: totals, scores (to 1e-6), the ranked hits (hits of equal
score may come in another order: ties are broken by position in the index), facet
counts, pages, newest-first order, did-you-mean and related stories.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from index import build_index, index_generation, index_stats
from index.shards import LAYOUT_FILE
from search import Engine
from search.results import Hit, SearchResults
from tui.cli import main

QUERIES = [
    "oil prices",
    "interest rates",
    "wheat exports",
    '"world cup"',
    "blair election",
    "bank OR banks",
    "goverment",
    "title:oil",
    "oil -crude",
    "coffee brazil",
    "dollar yen",
    "tax cut",
    "chelsea",
    "opec",
    '"rate cut"~3',  # proximity: its figures are asked of each shard with its slop
    '"bank of england"',  # a stop word inside: a slop of 2
    # Questions of three words or more: ranked again with their best articles' words
    # (pseudo-relevance feedback), from the collection's figures.
    "central bank raises interest rates to fight inflation",
    "opec oil output quota talks",
]
SCORE_TOLERANCE = 1e-6


def _same_ranking(one: Sequence[Hit], other: Sequence[Hit]) -> None:
    """Same scores in the same order, and the same articles above the last score
    shown (at the cut, ties may hold other articles of that score)."""
    assert [h.score for h in one] == pytest.approx([h.score for h in other], abs=SCORE_TOLERANCE)
    if one:
        last = one[-1].score
        assert {h.id for h in one if h.score > last + SCORE_TOLERANCE} == {
            h.id for h in other if h.score > last + SCORE_TOLERANCE
        }


def _same_results(one: SearchResults, other: SearchResults) -> None:
    assert (one.total, one.all_words_total, one.relaxed, one.undated) == (
        other.total,
        other.all_words_total,
        other.relaxed,
        other.undated,
    )
    assert one.suggestion == other.suggestion
    assert one.facets == other.facets


def _compare(one_dir: Path, sharded_dir: Path, queries: Sequence[str] = QUERIES) -> int:
    """Compare every query's answers; returns how many queries found articles."""
    found = 0
    with Engine.open(one_dir) as one, Engine.open(sharded_dir) as sharded:
        assert one.article_count == sharded.article_count
        for query in queries:
            pages: tuple[list[Hit], list[Hit]] = ([], [])
            for page in (1, 2):
                first = one.search(query, page=page, page_size=20, every_version=True)
                second = sharded.search(query, page=page, page_size=20, every_version=True)
                _same_results(first, second)
                pages[0].extend(first.hits)
                pages[1].extend(second.hits)
            # (equal scores may straddle the pages in another order)
            _same_ranking(pages[0], pages[1])
            # Versions folded: the same stories counted, each shown by a version of its
            # own (of two undated copies, the one read first: the order may differ).
            _same_results(one.search(query), sharded.search(query))
            first = one.search(query)
            newest = one.search(query, sort="newest", page_size=20)
            newest_sharded = sharded.search(query, sort="newest", page_size=20)
            _same_results(newest, newest_sharded)
            dates = [h.date for h in newest.hits]
            assert dates == [h.date for h in newest_sharded.hits]
            if first.total:
                found += 1
                top = one.search(query, page_size=1).hits[0].id
                assert sharded.get(top) == one.get(top)
                _same_ranking(one.related(top), sharded.related(top))
    return found


@pytest.fixture(scope="module")
def built(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Path]:
    """Reuters-21578 and BBC, each as 1, 3 and 8 shards."""
    folders: dict[tuple[str, int], Path] = {}
    root = tmp_path_factory.mktemp("shards")
    for name, corpus in (("reuters", "reuters21578"), ("bbc", "bbc")):
        for count in (1, 3, 8):
            folder = root / f"{name}-{count}"
            build_index([corpora / corpus], folder, shards=count)
            folders[name, count] = folder
    return folders


@pytest.mark.parametrize("corpus", ["reuters", "bbc"])
@pytest.mark.parametrize("count", [3, 8])
def test_a_sharded_index_answers_as_one_index_does(
    built: dict[tuple[str, int], Path], corpus: str, count: int
) -> None:
    sharded = built[corpus, count]
    stats = index_stats(sharded)
    assert len(stats.shards) == count
    assert all(shard.articles for shard in stats.shards)
    assert sum(shard.articles for shard in stats.shards) == stats.articles
    assert not index_stats(built[corpus, 1]).shards
    assert _compare(built[corpus, 1], sharded) >= 8


def test_reuters_is_split_by_date_and_bbc_by_id(built: dict[tuple[str, int], Path]) -> None:
    reuters = index_stats(built["reuters", 8])
    assert reuters.shard_split == "date"
    for earlier, later in zip(reuters.shards, reuters.shards[1:], strict=False):
        assert earlier.date_max is not None and later.date_min is not None
        assert earlier.date_max <= later.date_min
    assert index_stats(built["bbc", 3]).shard_split == "hash"  # BBC stories carry no dates


def _story(number: int, day: int, text: str) -> dict[str, object]:
    return {
        "id": f"story-{number}",
        "title": f"Harbour report {number}",
        "body": f"Ships unloaded grain at the harbour. {text}",
        "date": f"2024-03-{day:02d}",
    }


def _write(path: Path, stories: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(story) + "\n" for story in stories), encoding="utf-8")


def _shard_generations(index_dir: Path) -> list[str]:
    return [shard.generation for shard in index_stats(index_dir).shards]


def test_a_refresh_rewrites_only_the_shards_whose_articles_changed(tmp_path: Path) -> None:
    """Refreshed alike, a sharded index and a one-shard one still answer alike (both
    count the replaced versions of changed stories in their statistics until Whoosh
    merges them away, as Lucene does)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    stories = [_story(n, 1 + n % 27, f"Story {n} of the strike.") for n in range(90)]
    _write(corpus / "march.jsonl", stories)
    index_dir, one = tmp_path / "index", tmp_path / "one"
    build_index([corpus], index_dir, shards=3)
    build_index([corpus], one)
    before = _shard_generations(index_dir)

    # A late story goes to the newest shard: the older two are not rewritten.
    _write(corpus / "late.jsonl", [_story(500, 28, "Dockers vote on the offer.")])
    summary = build_index(None, index_dir)
    build_index(None, one)
    assert (summary.added, summary.total) == (1, 91)
    after = _shard_generations(index_dir)
    assert after[:2] == before[:2] and after[2] != before[2]

    # A story whose date moves it to another shard is found once, with its new text.
    stories[0] = _story(0, 27, "Pickets returned to the gates.")
    _write(corpus / "march.jsonl", stories)
    summary = build_index(None, index_dir)
    build_index(None, one)
    assert (summary.updated, summary.total) == (1, 91)
    with Engine.open(index_dir) as engine:
        assert [h.id for h in engine.search("pickets").hits] == ["story-0"]
        assert engine.search("harbour").total == 91
    assert _compare(one, index_dir, ["strike", "pickets", "dockers offer", "harbour"]) == 4


def test_a_shard_that_lost_its_articles_table_gets_one_again(tmp_path: Path) -> None:
    """As in an unsharded index: a refresh that finds a table it cannot trust reads the
    stored articles, says it repaired the index, and writes the table again; the
    builder's files table is not trusted beside it meanwhile."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus / "march.jsonl", [_story(n, 1 + n % 27, f"Story {n}.") for n in range(60)])
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, shards=3)
    lost = next((index_dir / "shards" / "01").glob("gen-*")) / "articles.json"
    lost.unlink()
    summary = build_index(None, index_dir)
    assert "articles table" in summary.repaired
    assert (summary.added, summary.deleted, summary.total) == (0, 0, 60)
    for shard in sorted((index_dir / "shards").iterdir()):
        assert [p.name for p in shard.glob("gen-*/articles.json")], shard.name
    assert next(index_dir.glob("gen-*/files.json"))
    assert not build_index(None, index_dir).repaired  # whole again


def test_shards_can_be_changed_and_removed(tmp_path: Path, corpora: Path) -> None:
    corpus = tmp_path / "bbc"
    corpus.mkdir()
    shutil.copy(corpora / "bbc" / "bbc-fulltext.tar.gz", corpus)
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, shards=3)
    generation = index_generation(index_dir)
    summary = build_index(None, index_dir, shards=5)  # a new count rebuilds
    assert summary.rebuilt and len(index_stats(index_dir).shards) == 5
    assert summary.rebuilt_because == "the index is now in 5 shards"
    assert index_generation(index_dir) != generation
    assert sorted(p.name for p in (index_dir / "shards").iterdir()) == [
        f"{n:02d}" for n in range(5)
    ]
    notes = tmp_path / "notes"
    notes.mkdir()
    _write(notes / "notes.jsonl", [_story(n, 1 + n, "Blair visited the docks.") for n in range(20)])
    added = build_index([notes], index_dir)  # a second corpus joins the shards
    assert added.added == 20 and added.total == summary.total + 20
    removed = build_index(None, index_dir, remove=[notes])
    assert removed.deleted == 20 and removed.total == summary.total
    with Engine.open(index_dir) as engine:
        assert not engine.search('"harbour report"').total
    whole = build_index(None, index_dir, shards=1)  # one index again: the shards go
    assert whole.rebuilt_because == "the index is now in one piece"
    assert not (index_dir / "shards").exists()
    assert not index_stats(index_dir).shards
    with Engine.open(index_dir) as engine:
        assert engine.search("blair").total > 10


def test_the_cli_builds_shows_and_searches_shards(
    tmp_path: Path, corpora: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "bbc"
    corpus.mkdir()
    shutil.copy(corpora / "bbc" / "bbc-fulltext.tar.gz", corpus)
    index_dir = tmp_path / "index"
    assert main(["index", str(corpus), "--index", str(index_dir), "--shards", "4", "-q"]) == 0
    assert main(["stats", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "shards" in out and "4, split by hash" in out
    assert out.count("shard 0") == 4
    assert main(["search", "broadband", "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])
    generation = next(index_dir.glob("gen-*"))
    assert json.loads((generation / LAYOUT_FILE).read_text())["split"] == "hash"
    with pytest.raises(SystemExit):
        main(["index", str(corpus), "--index", str(index_dir), "--shards", "65"])
    assert "at most 64 shards" in capsys.readouterr().err
