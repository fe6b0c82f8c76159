"""Marked stories: `newsdesk mark ID [--note]`, `newsdesk marks` (list, JSON, export)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_search_support import SEED_ID

from corpus import sample_corpus_path
from index import build_index
from tui.cli import main


@pytest.fixture
def corpus_index(tmp_path: Path) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(sample_corpus_path() / f"{SEED_ID}.txt", corpus)
    (corpus / "harbour.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after the storm, officials said.\n",
        encoding="utf-8",
    )
    build_index([corpus], index, entities=False)
    return corpus, index


def marks_json(capsys: pytest.CaptureFixture[str], index: Path) -> list[dict[str, object]]:
    assert main(["marks", "--index", str(index), "--json"]) == 0
    listed: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return listed


def test_mark_note_list_and_export(
    capsys: pytest.CaptureFixture[str], corpus_index: tuple[Path, Path]
) -> None:
    corpus, index = corpus_index
    where = ["--index", str(index)]
    assert main(["mark", SEED_ID, "--note", "call the AFP desk", *where]) == 0
    assert main(["mark", "harbour", *where]) == 0
    assert "marked harbour: Harbour reopens" in capsys.readouterr().out
    listed = marks_json(capsys, index)
    assert [(m["id"], m["note"], m["in_index"]) for m in listed] == [
        (SEED_ID, "call the AFP desk", True),
        ("harbour", "", True),
    ]
    assert main(["marks", *where, "--format", "md"]) == 0
    exported = capsys.readouterr().out
    assert "— call the AFP desk" in exported and "id `harbour`" in exported
    assert "Sort:" not in exported and "Filters:" not in exported  # no search made them

    # The story changed, then left the index: still listed, and said so.
    (corpus / "harbour.txt").write_text("Harbour reopens\n\nThe harbour reopened.\n", "utf-8")
    build_index([corpus], index, entities=False)
    assert marks_json(capsys, index)[1]["changed"] is True
    (corpus / "harbour.txt").unlink()
    build_index([corpus], index, entities=False)
    assert main(["marks", *where]) == 0
    assert "Harbour reopens  [harbour]  (no longer in the index)" in capsys.readouterr().out

    assert main(["mark", "harbour", "--remove"]) == 0
    assert capsys.readouterr().out == "unmarked harbour\n"
    assert [m["id"] for m in marks_json(capsys, index)] == [SEED_ID]


def test_only_stories_in_the_index_can_be_marked(
    capsys: pytest.CaptureFixture[str], corpus_index: tuple[Path, Path]
) -> None:
    _, index = corpus_index
    assert main(["mark", "no-such-story", "--index", str(index)]) != 0
    assert "no article with id 'no-such-story'" in capsys.readouterr().err
    assert main(["mark", "no-such-story", "--remove"]) != 0


def test_a_corrected_record_without_an_id_keeps_its_mark(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Scraped JSON Lines rarely carry ids: one was made from the record's content, so a
    one-word correction deleted the story and added another, and its mark and note
    said "no longer in the index"."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    records = [
        {"title": "Chirac visits Algiers", "body": "The president arived on Monday.",
         "date": "2003-03-02"},
        {"title": "Market report", "body": "Shares rose.", "date": "2003-03-02"},
        {"title": "Market report", "body": "Shares fell.", "date": "2003-03-02"},
        {"url": "https://example.org/a", "title": "Dam opens", "body": "It opened."},
    ]  # fmt: skip
    feed = corpus / "feed.jsonl"
    feed.write_text("".join(json.dumps(record) + "\n" for record in records))
    build_index([corpus], index, entities=False)
    assert main(["search", "", "--index", str(index), "--json", "--sort", "oldest"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len({hit["id"] for hit in hits}) == 4  # two "Market report" of one day: two stories
    chirac = next(hit["id"] for hit in hits if hit["title"] == "Chirac visits Algiers")
    assert main(["mark", chirac, "--note", "check the quote", "--index", str(index)]) == 0

    records[0]["body"] = "The president arrived on Monday."  # the correction
    records[3]["title"] = "Dam opens at last"  # a url names its story, whatever its title
    feed.write_text("".join(json.dumps(record) + "\n" for record in records))
    summary = build_index([corpus], index, entities=False)
    assert (summary.added, summary.updated, summary.deleted) == (0, 2, 0)
    capsys.readouterr()
    assert main(["marks", "--index", str(index)]) == 0
    listed = capsys.readouterr().out
    assert "check the quote" in listed and "(changed since marked)" in listed
    assert "no longer" not in listed


def test_a_story_marked_in_another_index_is_not_called_gone(
    capsys: pytest.CaptureFixture[str], corpus_index: tuple[Path, Path], tmp_path: Path
) -> None:
    """Marks are one file for every index: listed against another index, a story marked
    in the first was said to be "no longer in the index", and exported with the rest."""
    _, index = corpus_index
    other_corpus, other = tmp_path / "other", tmp_path / "other-index"
    other_corpus.mkdir()
    (other_corpus / "dam.txt").write_text("Dam opens\n\nThe dam opened on Monday.\n")
    build_index([other_corpus], other, entities=False)
    assert main(["mark", "harbour", "--index", str(index)]) == 0
    assert main(["mark", "dam", "--index", str(other)]) == 0
    capsys.readouterr()
    assert main(["marks", "--index", str(other)]) == 0
    listed = capsys.readouterr().out
    assert f"Harbour reopens  [harbour]  (marked in {index.resolve()})" in listed
    assert "no longer" not in listed
    assert main(["marks", "--index", str(other), "--format", "md"]) == 0
    exported = capsys.readouterr().out
    assert "Dam opens" in exported and "Harbour" not in exported
    assert "- Stories: 1 of 1" in exported


def test_marks_of_format_1_are_read(
    capsys: pytest.CaptureFixture[str], corpus_index: tuple[Path, Path], tmp_path: Path
) -> None:
    _, index = corpus_index
    marks = tmp_path / "old-marks.json"
    marks.write_text(json.dumps({"format": 1, "marks": [
        {"id": "harbour", "title": "Harbour reopens", "marked": "2026-12-01T10:00:00+00:00",
         "content_hash": "", "note": "older note"},
    ]}))  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSDESK_MARKS", str(marks))
        assert main(["marks", "--index", str(index)]) == 0
    listed = capsys.readouterr().out
    assert "Harbour reopens  [harbour]" in listed and "older note" in listed
