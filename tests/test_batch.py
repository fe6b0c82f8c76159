"""`newsdesk batch FILE`: many searches at once, a bad line reported and skipped."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_search_support import SEED_ID
from test_tui_support import sample_index

from search import Engine
from tui.cli import main


def test_a_query_a_line_with_a_bad_line_in_the_middle(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text('oil\n# a comment\n"unclosed\n\nhawija offensive\n', encoding="utf-8")
    index = str(sample_index())
    status = main(["batch", str(queries), "--index", index, "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert status == 2  # every line ran, but one could not be searched
    assert f"{queries}:3: unclosed quote" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["line"] for row in rows] == [1, 3, 5]
    with Engine.open(index) as engine:
        assert rows[0]["total"] == engine.search("oil").total > 3
        assert len(rows[0]["hits"]) == 3  # --top's default
    assert rows[1]["error"].startswith("unclosed quote") and rows[1]["hits"] == []
    assert {row["index"] for row in rows} == {index}  # where every row came from
    assert all(row["filters"] == "" and row["ran"] for row in rows)
    assert rows[2]["hits"][0]["id"] == SEED_ID


def test_a_csv_of_names_is_searched_name_by_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    names = tmp_path / "names.csv"
    names.write_text("Country,Person\nIraq,Haider al-Abadi\nUS,Nobody Atall\n", encoding="utf-8")
    index = str(sample_index())
    argv = ["batch", str(names), "--column", "Person", "--index", index, "--format", "csv"]
    assert main([*argv, "--top", "1", "--filter", "source=AFP"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["line"], row["query"]) for row in rows] == [
        ("2", '"Haider al-Abadi"'),  # a name is a phrase
        ("3", '"Nobody Atall"'),
    ]
    assert rows[0]["id"] == SEED_ID and rows[0]["total"] == "1"
    assert rows[1]["total"] == "0" and rows[1]["id"] == ""
    assert {(row["filters"], row["index"]) for row in rows} == {("source=AFP", index)}


def test_a_csv_row_with_an_unclosed_quote_spoils_only_its_own_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The quote of row 3 once swallowed every later row into one name, silently."""
    names = tmp_path / "names.csv"
    # (a quoted note over two lines is one cell, as spreadsheets write it)
    text = 'name,note\nHawija,"seen\nlast week"\n"Haider al-Abadi,x\nRaqa,city\n'
    names.write_text(text, encoding="utf-8")
    index = str(sample_index())
    status = main(["batch", str(names), "--index", index, "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert status == 2
    assert f"{names}:4: not a CSV row this can read" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["line"], row["query"]) for row in rows] == [
        (2, '"Hawija"'), (4, ""), (5, '"Raqa"'),
    ]  # fmt: skip
    assert rows[2]["total"] >= 1 and rows[2]["hits"][0]["id"] == SEED_ID


def test_the_table_shows_each_line_its_count_and_best_hits(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("hawija\nzzqqxx\n", encoding="utf-8")
    assert main(["batch", str(queries), "--index", str(sample_index())]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["1", "hawija", "1", "story"]
    assert out[1].strip().endswith(f"[{SEED_ID}]")
    assert out[2].split() == ["2", "zzqqxx", "0", "stories"]


def test_an_unreadable_file_is_one_line_of_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["batch", str(tmp_path / "missing.txt"), "--index", str(sample_index())]) != 0
    assert "cannot read" in capsys.readouterr().err
