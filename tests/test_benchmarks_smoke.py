"""The benchmark scripts still run end to end (on a tiny corpus), so they do not rot.

Speed is never asserted here: only that each script completes, measures every engine
asked for, and that engines reading the same articles agree on what matches.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import read_corpus
from corpus.report import CorpusReport

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"

TOPICS = [
    ("Oil prices climb after OPEC output cut", "Crude oil prices rose sharply in London."),
    ("Central bank holds interest rates", "The central bank kept interest rates unchanged."),
    ("Wheat exports to Egypt rise", "Farmers shipped more wheat to Egypt this season."),
    ("Coffee growers meet in Brazil", "Coffee producers met in Brasilia about quotas."),
    ("Stock market falls on trade fears", "Shares fell as the trade deficit widened."),
]


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty short JSON Lines articles, with ids, dates and a place each."""
    folder = tmp_path_factory.mktemp("tiny-corpus")
    lines = []
    for number in range(40):
        title, body = TOPICS[number % len(TOPICS)]
        lines.append(
            json.dumps(
                {
                    "id": f"doc{number}",
                    "title": f"{title} ({number})",
                    "body": f"{body} Report number {number} from the desk.",
                    "date": f"1987-0{1 + number % 9}-1{number % 10}",
                    "source": "Wire",
                }
            )
        )
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _engines(*wanted: str) -> list[str]:
    """The engines this machine can run (tantivy and ripgrep are optional extras)."""
    available = []
    for engine in wanted:
        if engine == "tantivy" and importlib.util.find_spec("tantivy") is None:
            continue
        if engine == "ripgrep" and shutil.which("rg") is None:
            continue
        available.append(engine)
    return available


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _table_rows(output: str) -> list[list[str]]:
    rows = [line.strip("|").split("|") for line in output.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[1:]]


def test_build_benchmark_measures_every_engine(tiny_corpus: Path) -> None:
    engines = _engines("newsdesk", "newsdesk-write", "whoosh", "fts5", "tantivy")
    output = _run("bench_build.py", str(tiny_corpus), "--engines", ",".join(engines))
    rows = _table_rows(output)
    assert len(rows) == len(engines)
    for row in rows:
        assert row[2] == "40", row
        assert float(row[3]) > 0 and float(row[6]) > 0, row


def test_query_benchmark_engines_agree_on_matches(tiny_corpus: Path) -> None:
    engines = _engines("newsdesk", "whoosh", "fts5", "tantivy", "ripgrep")
    output = _run(
        "bench_query.py", str(tiny_corpus), "--queries", "8", "--engines", ",".join(engines)
    )
    rows = {row[1]: row for row in _table_rows(output)}
    assert sorted(rows) == sorted(engines)
    for row in rows.values():
        assert row[2] == "8" and float(row[4]) > 0, row
    # The same index, the same all-words queries: the tutorial searcher must count alike.
    assert rows["whoosh"][6] == rows["fts5"][6]


def test_eval_scores_both_runs(tiny_corpus: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text("1\tOIL PRICES\n2\tWHEAT EXPORTS TO EGYPT\n", encoding="utf-8")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text(
        "".join(f"1 0 doc{n} 1\n" for n in range(0, 40, 5))
        + "".join(f"2 0 doc{n} 1\n" for n in range(2, 40, 5)),
        encoding="utf-8",
    )
    output = _run(
        "eval_time.py", "--corpus", str(tiny_corpus), "--queries", str(queries),
        "--qrels", str(qrels), "--run-dir", str(tmp_path / "runs"),
    )  # fmt: skip
    rows = {row[0]: row for row in _table_rows(output)}
    assert set(rows) == {"plain BM25 (one field, any-word)", "newsdesk defaults"}
    # Every judged article holds the query words: both rankings must find them all first.
    assert float(rows["plain BM25 (one field, any-word)"][1]) == pytest.approx(1.0)
    assert (tmp_path / "runs" / "newsdesk.run").read_text().startswith("1 Q0 doc")


def test_every_dev_collection_can_be_scored_beside_the_peers(shared: Path) -> None:
    output = _run("eval_all.py", "time-dev")
    rows = {row[1]: row for row in _table_rows(output) if row[0] == "time-dev"}
    assert set(rows) == {"newsdesk", *_engines("Whoosh BM25", "SQLite FTS5", "tantivy")}
    # Plain BM25 on these 42 queries: MAP about 0.65-0.69 (the collection's README).
    for engine in ("Whoosh BM25", "SQLite FTS5"):
        assert 0.6 < float(rows[engine][2]) < 0.75, rows[engine]
    assert float(rows["newsdesk"][2]) > 0.6


def test_synthetic_archive_is_deterministic_and_reads_cleanly(
    corpora: Path, tmp_path: Path
) -> None:
    args = ["--articles", "250", "--seed", "3", "--per-file", "100", "--corpora", "ag_news,time"]
    _run("synthetic.py", *args, "--out", str(tmp_path / "a"))
    _run("synthetic.py", *args, "--out", str(tmp_path / "b"))
    parts = sorted(path.name for path in (tmp_path / "a").glob("part-*.jsonl"))
    assert parts == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    for name in parts:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    report = CorpusReport()
    articles = list(read_corpus(tmp_path / "a", report))
    assert len(articles) == 250 and not report.skipped
    assert len({article.id for article in articles}) == 250
    dated = [article.date for article in articles if article.date and not article.date_inferred]
    assert len(dated) > 200 and all(1980 <= date.year <= 2024 for date in dated)


def test_scale_benchmark_measures_every_engine(corpora: Path, tmp_path: Path) -> None:
    engines = [*_engines("newsdesk", "fts5", "tantivy"), "newsdesk-2"]
    figures = tmp_path / "scale.json"
    output = _run(
        "bench_scale.py", "--sizes", "300", "--per-file", "100", "--corpora", "ag_news,time",
        "--engines", ",".join(engines), "--workdir", str(tmp_path / "work"), "--keep",
        "--queries", "100", "--fresh-runs", "1", "--cli-runs", "1", "--json", str(figures),
    )  # fmt: skip
    rows = [row for row in _table_rows(output) if row[0] == "300"]
    assert {row[1] for row in rows} >= {"newsdesk", "SQLite FTS5"}
    run = json.loads(figures.read_text())["sizes"]["300"]
    assert sorted(run["engines"]) == sorted(engines)
    for engine, measured in run["engines"].items():
        assert measured["build"]["seconds"] > 0 and measured["build"]["size_bytes"] > 0, engine
        assert len(measured["warm"]["ms"]) == 100, engine
        # The empty query counts every article, in every engine.
        assert measured["warm"]["by_kind"]["empty"]["mean_hits"] == 300, engine
    assert run["engines"]["newsdesk"]["cli"]["output_lines"] > 0
    # Two shards: the same hits as one index, for every kind of query.
    for kind, measured in run["engines"]["newsdesk"]["warm"]["by_kind"].items():
        shards = run["engines"]["newsdesk-2"]["warm"]["by_kind"][kind]
        assert shards["mean_hits"] == measured["mean_hits"], kind
    # A second run reuses the archive and the indexes instead of building again.
    _run(
        "bench_scale.py", "--sizes", "300", "--per-file", "100", "--corpora", "ag_news,time",
        "--engines", "fts5", "--workdir", str(tmp_path / "work"), "--keep", "--reuse",
        "--queries", "5", "--fresh-runs", "1", "--json", str(figures),
    )  # fmt: skip
    again = json.loads(figures.read_text())["sizes"]["300"]
    assert again["archive"]["reused"] and again["engines"]["fts5"]["build"]["reused"]
