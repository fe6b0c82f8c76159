"""``newsdesk search`` (and friends) as scripts use them: query words starting with "-",
options anywhere, piped text, a reader that stops early, honest wording and dates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from test_search_support import SEED_ID, sample_index_dir, write_index_dir

from corpus import Article, sample_corpus_path
from tui.cli import main

NEWSDESK = Path(sys.executable).with_name("newsdesk")


@pytest.fixture(scope="module")
def index() -> str:
    return str(sample_index_dir())


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def run_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


# -- words and options ---------------------------------------------------------------------
def test_query_words_may_start_with_a_dash(capsys: pytest.CaptureFixture[str], index: str) -> None:
    oil = run_json(capsys, "search", "oil", "--index", index, "--json")
    without = run_json(capsys, "search", "oil", "-syria", "--index", index, "--json")
    assert without["query"] == "oil -syria"
    assert without["total"] == oil["total"] - 1  # the seed story mentions Syria
    assert SEED_ID not in {hit["id"] for hit in without["hits"]}


def test_options_are_options_wherever_they_are(
    capsys: pytest.CaptureFixture[str], index: str
) -> None:
    argv = ("search", "--", "oil", "-syria", "--limit", "1", "--index", index, "--json")
    data = run_json(capsys, *argv)
    assert data["query"] == "oil -syria" and data["page_size"] == 1 and len(data["hits"]) == 1
    same = run_json(capsys, "search", "--json", "oil", "--limit=1", "-syria", f"--index={index}")
    assert same["query"] == "oil -syria" and same["hits"] == data["hits"]
    # A value may start with a dash; a word only looking like an option is refused (it
    # was a query word: `newsdesk save NAME words --index x` saved "words --index x").
    data = run_json(capsys, "search", "--filter", "place=-x", "oil", "--index", index, "--json")
    assert data["total"] == 0
    with pytest.raises(SystemExit) as refused:
        main(["search", "oil", "--lim", "--index", index, "--json"])
    assert refused.value.code == 2
    assert "newsdesk search: error: argument --limit" in capsys.readouterr().err


# -- text output ---------------------------------------------------------------------------
def test_piped_text_is_not_wrapped_and_has_no_trailing_spaces(
    capsys: pytest.CaptureFixture[str], index: str
) -> None:
    out = run_text(capsys, "search", "oil", "--limit", "20", "--index", index)
    lines = out.splitlines()
    assert max(len(line) for line in lines) > 120  # snippets stay on one line
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b" not in out
    story = run_text(capsys, "show", SEED_ID, "--index", index)
    assert max(len(line) for line in story.splitlines()) > 120
    assert all(line == line.rstrip() for line in story.splitlines())


def test_counts_read_right(capsys: pytest.CaptureFixture[str], index: str) -> None:
    first = run_text(capsys, "search", "--index", index).splitlines()[0]
    assert first.startswith("1-10 of 977 stories (+24 other versions)  (")
    every = run_text(capsys, "search", "--every-version", "--index", index).splitlines()[0]
    assert every.startswith("1-10 of 1,001 articles  (")  # every version: articles counted
    first = run_text(capsys, "search", "hawija", "--index", index).splitlines()[0]
    assert first.startswith("1 of 1 story  (")
    out = run_text(capsys, "search", "hawija", "offensive", "--index", index)
    assert "Only 1 story has every word (listed first)" in out
    out = run_text(capsys, "search", "hawjia", "--index", index)
    assert out.startswith("No stories match “hawjia”") and "Did you mean: hawija" in out
    out = run_text(capsys, "search", "oil", "--page", "50", "--index", index)
    assert out.startswith("No stories on page 50: 75 stories in all, on pages 1-8 at 10 a page")


# -- dates: guesses marked, undated counted ------------------------------------------------
@pytest.fixture(scope="module")
def dated_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    articles = [
        Article(id="known", title="Flood report", body="Floods hit the valley.",
                date=datetime(2020, 5, 1)),
        Article(id="guessed", title="Flood warning", body="Floods feared upstream.",
                date=datetime(2020, 5, 2), date_inferred=True),
        Article(id="undated", title="Flood history", body="Floods of the past."),
    ]  # fmt: skip
    return str(write_index_dir(articles, tmp_path_factory.mktemp("dated")))


def test_inferred_dates_are_marked_and_undated_stories_counted(
    capsys: pytest.CaptureFixture[str], dated_index: str
) -> None:
    out = run_text(capsys, "search", "floods", "--sort", "newest", "--index", dated_index)
    assert "2020-05-02 (inferred)" in out
    assert "2020-05-01 (inferred)" not in out and "2020-05-01" in out
    assert "month: 2020-05 (2) · 1 undated" in out
    assert "year: 2020 (2) · 1 undated" in out
    data = run_json(capsys, "search", "floods", "--index", dated_index, "--json")
    assert data["undated"] == 1 and data["partial"] is False
    inferred = {hit["id"]: hit["date_inferred"] for hit in data["hits"]}
    assert inferred == {"known": False, "guessed": True, "undated": False}
    only_undated = run_text(capsys, "search", "history", "--index", dated_index)
    assert "year: 1 undated" in only_undated


# -- a reader that stops early ---------------------------------------------------------------
def _closed_early(*argv: str, lines: int = 0) -> subprocess.CompletedProcess[bytes]:
    """Run ``newsdesk`` with its output read by something that stops after ``lines``
    lines (0: before the command has written anything, as short outputs are written in
    one go at the end)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as users run it
    process = subprocess.Popen(
        [str(NEWSDESK), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert process.stdout is not None and process.stderr is not None
    for _ in range(lines):
        process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    return subprocess.CompletedProcess(process.args, process.wait(timeout=120), b"", stderr)


def _eval_files(folder: Path) -> tuple[str, str]:
    queries, qrels = folder / "queries.tsv", folder / "qrels.txt"
    queries.write_text("".join(f"{n}\toil prices {n}\n" for n in range(1, 40)))
    qrels.write_text("1 0 2 1\n")
    return str(queries), str(qrels)


def test_a_closed_pipe_ends_every_command_quietly(tmp_path: Path, index: str) -> None:
    queries, qrels = _eval_files(tmp_path)
    commands = [
        ["search", "", "--limit", "1000", "--index", index],
        ["search", "", "--limit", "1000", "--index", index, "--json"],
        ["show", SEED_ID, "--index", index],
        ["stats", "--index", index],
        ["corpus", str(sample_corpus_path()), "--json"],
        ["index", str(sample_corpus_path()), "--index", str(tmp_path / "idx"), "--quiet"],
        ["eval", "--queries", queries, "--qrels", qrels, "--index", index],
        ["search", "--help"],
    ]
    for argv in commands:
        finished = _closed_early(*argv)
        assert (finished.returncode, finished.stderr.decode()) == (0, ""), argv
    for argv in commands[:2]:  # `| head -1`: the pipe closes in the middle of the output
        finished = _closed_early(*argv, lines=1)
        assert (finished.returncode, finished.stderr.decode()) == (0, ""), argv


# -- eval ----------------------------------------------------------------------------------
def test_eval_without_the_extra_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, index: str
) -> None:
    monkeypatch.setitem(sys.modules, "ir_measures", None)  # as if not installed
    queries, qrels = _eval_files(tmp_path)
    assert main(["eval", "--queries", queries, "--qrels", qrels, "--index", index]) == 1
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and "pip install 'newsdesk[eval]'" in message


def test_eval_checks_the_run_file_before_running_queries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, index: str
) -> None:
    import search.evaluation

    def never(*_: object) -> None:
        raise AssertionError("queries ran before the run file was checked")

    monkeypatch.setattr(search.evaluation, "engine_run", never)
    queries, qrels = _eval_files(tmp_path)
    for run_file, reason in (
        (tmp_path / "missing" / "run.txt", "No such file or directory"),
        (tmp_path, "Is a directory"),
    ):
        argv = ["eval", "--queries", queries, "--qrels", qrels, "--index", index]
        assert main([*argv, "--run", str(run_file)]) == 1
        message = capsys.readouterr().err.strip()
        assert "\n" not in message
        assert f"cannot write the run file {run_file}: {reason}" in message
    assert main([*argv, "--run", str(tmp_path / "run.txt"), "--qrels", str(tmp_path / "no")]) == 1
    assert "cannot read the qrels file" in capsys.readouterr().err
    assert not (tmp_path / "run.txt").exists()  # the check leaves nothing behind
