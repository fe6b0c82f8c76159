"""``newsdesk search``/``show``/``eval`` as a user runs them, on indexes ``newsdesk index``
builds; and the engine picking up a rebuilt index by itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_search_support import SEED_ID

from corpus import sample_corpus_path
from index import build_index
from search import Engine
from tui.cli import main

HIT_KEYS = {
    "id", "title", "date", "date_inferred", "source", "category", "places", "people",
    "organisations", "topics", "url", "path", "versions", "score", "snippet", "highlights",
}  # fmt: skip
TOP_KEYS = {
    "query", "total", "partial", "missing_shards", "only_stop_words", "page", "page_size",
    "took_ms", "relaxed",
    "all_words_total", "suggestion", "undated", "folded", "sort", "hits", "facets",
}  # fmt: skip


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("sample-index")
    build_index([sample_corpus_path()], folder, procs=1)
    return str(folder)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_search_json_schema(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    data = run_json(capsys, "search", "hawija", "offensive", "--index", sample_index, "--json")
    assert set(data) == TOP_KEYS
    assert data["query"] == "hawija offensive"
    assert data["page"] == 1 and data["page_size"] == 10
    assert data["relaxed"] is True and data["suggestion"] is None  # one article has both
    assert data["all_words_total"] == 1
    hits = data["hits"]
    assert isinstance(hits, list)
    hit = hits[0]
    assert set(hit) == HIT_KEYS
    assert hit["id"] == SEED_ID
    assert hit["date"].startswith("2017-09-22T")
    assert hit["date_inferred"] is True  # the seed's date is read from its dateline
    assert data["partial"] is False and data["undated"] == 0
    assert hit["source"] == "AFP" and "Raqa" in hit["places"]
    assert "Haider al-Abadi" in hit["people"] and "Islamic State" in hit["organisations"]
    assert hit["path"].endswith("000_b98891cdbd8958c6.txt")
    words = {hit["snippet"][start:end].lower() for start, end in hit["highlights"]}
    assert words <= {"hawija", "offensive", "offensives"} and words
    facets = data["facets"]
    assert isinstance(facets, dict)
    assert {"value": "2017-09", "count": 1} in facets["month"]
    assert sum(item["count"] for item in facets["year"]) == data["total"]


def test_limit_has_no_hidden_cap(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    data = run_json(capsys, "search", "--limit", "5000", "--index", sample_index, "--json")
    assert data["total"] + data["folded"] == 1001 and data["folded"] > 0
    assert isinstance(data["hits"], list) and len(data["hits"]) == data["total"]
    every = ("search", "--limit", "5000", "--every-version", "--index", sample_index, "--json")
    assert len(run_json(capsys, *every)["hits"]) == 1001


def test_filters_dates_sort_and_page(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    args = ("search", "--index", sample_index, "--json", "--filter", "place=Iraq")
    data = run_json(capsys, *args, "--filter", "source=AFP")
    assert [hit["id"] for hit in data["hits"]] == [SEED_ID]
    data = run_json(capsys, *args, "--from", "1987-03", "--to", "1987-03-31")
    assert data["total"] and all(hit["date"].startswith("1987-03") for hit in data["hits"])
    oldest = run_json(capsys, *args, "--sort", "oldest", "--limit", "2", "--page", "2")
    assert oldest["page"] == 2 and len(oldest["hits"]) == 2


def test_query_error_exits_2_with_message(
    capsys: pytest.CaptureFixture[str], sample_index: str
) -> None:
    assert main(["search", '"hawija', "--index", sample_index]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unclosed quote" in captured.err and "position 0" in captured.err
    assert main(["search", "x", "--filter", "nonsense", "--index", sample_index]) == 2
    assert "FIELD=VALUE" in capsys.readouterr().err


def test_no_results_is_not_an_error(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    data = run_json(capsys, "search", "hawjia", "--index", sample_index, "--json")
    assert data["total"] == 0 and data["suggestion"] == "hawija"


def test_plain_text_output_when_piped(
    capsys: pytest.CaptureFixture[str], sample_index: str
) -> None:
    assert main(["search", "hawija", "--index", sample_index]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # no colour codes when not a terminal
    assert "Iraqi forces Friday launched" in out
    assert out.startswith("1 of 1 story  (")  # was "1-1 of 1 articles"
    assert "places: " in out and "Hawija" in out


def test_show_prints_the_whole_story(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    assert main(["show", SEED_ID, "--index", sample_index]) == 0
    out = capsys.readouterr().out
    assert "Deadly counterattack in Syria" in out  # the subhead, in place
    assert "Picture: " in out and "Credits: " in out
    data = run_json(capsys, "show", SEED_ID, "--index", sample_index, "--json")
    assert data["id"] == SEED_ID and data["source"] == "AFP"
    assert isinstance(data["captions"], list) and len(data["captions"]) == 4
    assert main(["show", "no-such-id", "--index", sample_index]) == 1
    assert "no-such-id" in capsys.readouterr().err


def test_engine_sees_a_rebuilt_index_without_reopening(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text("Floods in Mosul\n\nRiver floods hit Mosul on Monday.\n")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, procs=1)
    with Engine.open(index_dir) as engine:
        assert engine.search("floods").total == 1
        (corpus / "two.txt").write_text("More floods\n\nFloods spread to Basra on Tuesday.\n")
        build_index([corpus], index_dir, procs=1)
        assert engine.search("floods").total == 2
        assert not engine.refresh()  # already current
        # An edited story: the hit shows the new text, not the one a cache kept.
        (corpus / "one.txt").write_text("Floods recede in Mosul\n\nThe floods receded.\n")
        build_index([corpus], index_dir, procs=1)
        titles = {hit.title for hit in engine.search("floods").hits}
        assert titles == {"Floods recede in Mosul", "More floods"}


@pytest.mark.corpora
def test_eval_beats_plain_bm25_on_time_dev(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shared: Path
) -> None:
    index_dir = tmp_path / "time-index"
    build_index([shared / "corpora" / "time" / "time-docs.tar.gz"], index_dir, procs=1)
    dev = shared / "eval" / "time-dev"
    run_file = tmp_path / "run.txt"
    data = run_json(
        capsys,
        "eval",
        "--queries", str(dev / "queries.tsv"),
        "--qrels", str(dev / "qrels.txt"),
        "--index", str(index_dir),
        "--run", str(run_file),
        "--json",
    )  # fmt: skip
    assert data["queries"] == 42
    scores = data["scores"]
    assert isinstance(scores, dict)
    ours, baseline = scores["newsdesk"], scores["bm25-baseline"]
    assert ours["AP"] > baseline["AP"]
    assert ours["nDCG@10"] > baseline["nDCG@10"]
    first = run_file.read_text().splitlines()[0].split()
    assert first[0] == "1" and first[1] == "Q0" and first[3] == "1"
