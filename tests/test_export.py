"""Exports: `newsdesk search --format csv|jsonl|md|bib`, ``Engine.search_all`` and the
export functions, on an index built from the bundled sample by the production build."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_search_support import SEED_ID, write_index_dir

from corpus import Article, sample_corpus_path
from index import build_index
from search import Engine, Hit
from search.export import CSV_COLUMNS, Provenance, export_hits
from tui.cli import main


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("export-index")
    build_index([sample_corpus_path()], folder, procs=1)
    return str(folder)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_csv_export_of_every_result_records_its_search(
    capsys: pytest.CaptureFixture[str], sample_index: str, tmp_path: Path
) -> None:
    target = tmp_path / "oil.csv"
    argv = ["search", "oil", "--filter", "place=United States", "--index", sample_index]
    said = run(capsys, *argv, "--format", "csv", "--all", "--output", str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 for spreadsheets too
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    with Engine.open(sample_index) as engine:
        total = engine.search("oil", filters={"place": ["United States"]}).total
    assert len(rows) == total > 10  # every result, not one page of ten
    assert said.strip() == f"{total} stories written to {target}"
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {row["query"] for row in rows} == {"oil"}
    assert {row["filters"] for row in rows} == {"place=United States"}
    assert {row["index"] for row in rows} == {sample_index}
    assert all("United States" in row["places"].split("; ") for row in rows)
    assert not list(tmp_path.glob(".*tmp*"))  # written whole, nothing left beside it


def test_an_export_names_the_index_by_its_full_path_and_each_storys_category(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--index bbc` from the index's parent once recorded "bbc": useless elsewhere."""
    story = Article(id="b1", title="Budget day", body="The chancellor set out the budget.",
                    category="politics")  # fmt: skip
    write_index_dir([story], tmp_path / "bbc")
    monkeypatch.chdir(tmp_path)
    out = run(capsys, "search", "budget", "--index", "bbc", "--format", "csv")
    [row] = csv.DictReader(io.StringIO(out.lstrip("\ufeff")))
    assert row["index"] == str(tmp_path / "bbc")
    assert row["category"] == "politics"


def test_jsonl_export_is_one_story_a_line(
    capsys: pytest.CaptureFixture[str], sample_index: str
) -> None:
    out = run(capsys, "search", "hawija", "--index", sample_index, "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["id"] == SEED_ID
    assert lines[0]["query"] == "hawija"
    assert {"url", "path", "topics", "people", "organisations"} <= set(lines[0])


def test_markdown_citations(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    out = run(capsys, "search", "hawija", "--index", sample_index, "--format", "md")
    assert out.startswith("# newsdesk: hawija\n")
    assert f"- Index: `{sample_index}`" in out
    citation = next(line for line in out.splitlines() if line.startswith("1. "))
    assert citation.startswith("1. **")
    assert "AFP" in citation and f"id `{SEED_ID}`" in citation
    every = run(capsys, "search", "", "--index", sample_index, "--format", "md")
    assert "- Sort: newest\n" in every  # no words: every story, newest first (not "relevance")
    hit = Hit(
        id="x", title="T", date=None, source="", category="", places=(), score=1.0, snippet=""
    )
    provenance = Provenance("q", "/idx", datetime(2026, 1, 1, tzinfo=UTC), total=1286)
    assert "- Stories: 1 of 1,286\n" in export_hits([hit], "md", provenance)


def test_bibtex_entries(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    out = run(capsys, "search", "hawija", "--index", sample_index, "--format", "bib")
    assert out.startswith("@comment{newsdesk export -- query: hawija;")
    assert "@online{AFP" in out and "organization = {AFP}" in out


def test_untrusted_text_stays_text() -> None:
    hit = Hit(
        id="x1", title="=HYPERLINK(\"http://evil\") [click](http://evil) 100% {a}_b",
        date=datetime(2020, 1, 2), source="-Agency", category="", places=(), score=1.0,
        snippet="+1 more",
    )  # fmt: skip
    provenance = Provenance("q", "/idx", datetime(2026, 1, 1, tzinfo=UTC))
    row = next(csv.DictReader(io.StringIO(export_hits([hit], "csv", provenance))))
    assert row["title"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert row["source"] == "'-Agency" and row["snippet"] == "'+1 more"
    markdown = export_hits([hit], "md", provenance)
    assert "\\[click\\](http://evil)" in markdown  # no link
    bibtex = export_hits([hit], "bib", provenance)
    assert r"100\% \{a\}\_b" in bibtex
    # A query's "@" never starts a BibTeX entry; an address that is not http(s) is no link.
    odd = Provenance("@realDonaldTrump", "/idx", datetime(2026, 1, 1, tzinfo=UTC))
    bibtex = export_hits([hit], "bib", odd)
    assert bibtex.count("@") == 2 and bibtex.startswith("@comment{")
    script = replace(hit, url="javascript:alert(1)")
    assert "<javascript" not in export_hits([script], "md", provenance)
    assert "url = " not in export_hits([script], "bib", provenance)
    web = replace(hit, url="https://example.org/a")
    assert "<https://example.org/a>" in export_hits([web], "md", provenance)


def test_all_needs_a_format(capsys: pytest.CaptureFixture[str], sample_index: str) -> None:
    assert main(["search", "oil", "--index", sample_index, "--all"]) != 0
    assert "--format" in capsys.readouterr().err


def test_an_unwritable_export_says_where(
    capsys: pytest.CaptureFixture[str], sample_index: str, tmp_path: Path
) -> None:
    target = tmp_path / "missing-folder" / "out.md"
    argv = ["search", "oil", "--index", sample_index, "--format", "md", "-o", str(target)]
    assert main(argv) != 0
    error = capsys.readouterr().err
    assert str(target) in error and "choose another file" in error
