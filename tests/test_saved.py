"""Saved searches: `newsdesk save`, `newsdesk saved [run|remove]`, new since the last look."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_search_support import SEED_ID

from corpus import sample_corpus_path
from index import build_index, index_generation
from index.store import META_FILE
from tui.cli import main


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A corpus folder holding the seed story, its index, and a private saved.json."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(sample_corpus_path() / f"{SEED_ID}.txt", corpus)
    build_index([corpus], index, entities=False)
    monkeypatch.setenv("NEWSDESK_SAVED", str(tmp_path / "saved.json"))
    return corpus, index


def saved_json(capsys: pytest.CaptureFixture[str], index: Path, *argv: str) -> object:
    assert main(["saved", *argv, "--index", str(index), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_new_stories_since_the_last_look(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path]
) -> None:
    corpus, index = setup
    # Saved with the index it searches: what it matches now is seen (the TUI's Ctrl+S
    # listed the stories on screen as new at once).
    assert main(["save", "raqa", "raqa", "OR", "hawija", "--index", str(index)]) == 0
    assert "1 story matches now" in capsys.readouterr().out
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert (listed["total"], listed["new"]) == (1, 0) and listed["last_look"]
    assert saved_json(capsys, index, "run", "raqa", "--new")["hits"] == []  # type: ignore[index]

    (corpus / "later.txt").write_text(
        "Fighting near Hawija\n\nIraqi forces pressed on towards Hawija on Saturday, "
        "officials said, a day after the offensive began.\n",
        encoding="utf-8",
    )
    build_index([corpus], index, entities=False)
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert (listed["total"], listed["new"]) == (2, 1)
    run = saved_json(capsys, index, "run", "raqa", "--new")
    assert [hit["id"] for hit in run["hits"]] == ["later"]  # type: ignore[index]

    build_index([corpus], index, entities=False, rebuild=True)  # same stories, new index
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert (listed["total"], listed["new"]) == (2, 0)

    (corpus / "later.txt").write_text(
        "Fighting near Hawija\n\nIraqi forces pressed on towards Hawija on Sunday.\n",
        encoding="utf-8",
    )
    build_index([corpus], index, entities=False)
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert listed["new"] == 1  # a story corrected since the last look is new again


def test_the_text_list_and_run(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path]
) -> None:
    _, index = setup
    assert main(["save", "iraq", "hawija", "--filter", "source=AFP"]) == 0
    assert main(["saved", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "iraq  “hawija” · source=AFP  1 story  1 new (never looked at)" in out
    assert main(["saved", "run", "iraq", "--index", str(index)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "iraq: 1 of 1 story" and out[1].startswith("● 2017-09-22")
    assert main(["saved", "remove", "iraq"]) == 0
    assert main(["saved", "run", "iraq", "--index", str(index)]) == 1
    assert "no saved search named 'iraq'" in capsys.readouterr().err


def test_a_name_is_not_overwritten_unless_asked(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path]
) -> None:
    assert main(["save", "one", "hawija"]) == 0
    assert main(["save", "one", "raqa"]) == 1
    assert "add --replace" in capsys.readouterr().err
    assert main(["save", "one", "raqa", "--replace"]) == 0


def test_an_option_save_does_not_take_is_refused_not_saved_as_words(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["save", "blair-iraq", "hawija", "--limit", "5"])
    assert refused.value.code == 2
    assert "unrecognized arguments: --limit" in capsys.readouterr().err
    assert not (tmp_path / "saved.json").exists()
    # (a word with one dash is still a query word: excluded)
    assert main(["save", "iraq", "hawija", "-raqa"]) == 0
    assert '"query": "hawija -raqa"' in (tmp_path / "saved.json").read_text(encoding="utf-8")


def test_a_damaged_file_is_named_not_replaced(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path], tmp_path: Path
) -> None:
    damaged = tmp_path / "saved.json"
    damaged.write_text("{not json", encoding="utf-8")
    assert main(["save", "one", "hawija"]) == 1
    assert str(damaged) in capsys.readouterr().err
    assert damaged.read_text(encoding="utf-8") == "{not json"


def test_saved_searches_and_marks_are_listed_when_the_index_needs_a_rebuild(
    capsys: pytest.CaptureFixture[str],
    setup: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An index of an older newsdesk cannot be searched until it is rebuilt, but the
    saved searches and marks are the user's own files: listed, uncounted, with why."""
    _, index = setup
    monkeypatch.setenv("NEWSDESK_MARKS", str(tmp_path / "marks.json"))
    assert main(["save", "raqa", "raqa"]) == 0
    assert main(["mark", SEED_ID, "--note", "call the desk", "--index", str(index)]) == 0
    meta_path = index / index_generation(index) / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 0
    meta_path.write_text(json.dumps(meta))
    capsys.readouterr()

    assert main(["saved", "--index", str(index)]) == 0
    out, err = capsys.readouterr()
    assert "raqa" in out and "(not counted)" in out
    assert "newsdesk index --rebuild" in err
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert (listed["name"], listed["total"], listed["new"]) == ("raqa", None, None)

    assert main(["marks", "--index", str(index)]) == 0
    out, err = capsys.readouterr()
    assert SEED_ID in out and "call the desk" in out and "no longer" not in out
    assert "newsdesk index --rebuild" in err
    assert main(["marks", "--index", str(index), "--format", "md"]) == 1  # needs the stories


def test_each_index_has_its_own_look(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path], tmp_path: Path
) -> None:
    """One file of saved searches serves every index: looking in a second index made the
    first one's stories new again (and back), as the last look was one for all."""
    corpus, index = setup
    other = tmp_path / "other-index"
    build_index([corpus], other, entities=False)
    assert main(["save", "raqa", "raqa", "--index", str(index)]) == 0
    capsys.readouterr()
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert listed["new"] == 0
    [listed] = saved_json(capsys, other)  # type: ignore[misc]
    assert listed["new"] == 1  # never looked at there
    saved_json(capsys, other, "run", "raqa")  # the look there
    [listed] = saved_json(capsys, other)  # type: ignore[misc]
    assert listed["new"] == 0
    (corpus / "later.txt").write_text(
        "Raqa offensive\n\nForces advanced on Raqa on Sunday, officials said.\n", "utf-8"
    )
    build_index([corpus], index, entities=False)
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert (listed["total"], listed["new"]) == (2, 1)  # new in the first index ...
    [listed] = saved_json(capsys, other)  # type: ignore[misc]
    assert (listed["total"], listed["new"]) == (1, 0)  # ... and nothing in the other


def test_a_saved_file_of_format_1_keeps_its_look(
    capsys: pytest.CaptureFixture[str], setup: tuple[Path, Path], tmp_path: Path
) -> None:
    _, index = setup
    (tmp_path / "saved.json").write_text(json.dumps({"format": 1, "searches": [{
        "name": "raqa", "query": "raqa", "filters": {}, "last_look": "2026-12-01T10:00:00+00:00",
        "seen": {SEED_ID: "stale hash"},
    }]}))  # fmt: skip
    [listed] = saved_json(capsys, index)  # type: ignore[misc]
    assert (listed["new"], listed["last_look"]) == (1, "2026-12-01T10:00:00+00:00")
