"""``newsdesk corpus``: the summary, ``--json`` output and errors, run through ``main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main


def write_corpus(root: Path) -> Path:
    (root / "news.jsonl").write_text(
        '{"id": "n1", "title": "Dam opens", "body": "Water flows.", "date": "2003-06-10",'
        ' "source": "Wire", "category": "World", "places": ["Iraq"]}\n'
        "{broken\n"
        '{"id": "n2", "title": "Bridge shut", "body": "Traffic stops.", "source": "Wire"}\n'
    )
    (root / "empty.csv").write_bytes(b"")
    (root / "README.txt").write_text("about this corpus\n")
    return root


def test_summary_counts_and_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", str(write_corpus(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Read 2 articles" in out
    assert "jsonl" in out and "Wire" in out and "World" in out
    assert f"{tmp_path / 'news.jsonl'}:2: malformed JSON" in out
    assert f"{tmp_path / 'empty.csv'}: empty file" in out
    assert "README.txt: documentation" in out


def test_json_lines_on_stdout_and_skips_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "--json", str(write_corpus(tmp_path))]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [record["id"] for record in records] == ["n1", "n2"]
    first = records[0]
    assert first["date"] == "2003-06-10T00:00:00" and first["date_inferred"] is False
    assert first["places"] == ["Iraq"] and first["title"] == "Dam opens"
    assert set(first) >= {"id", "title", "body", "source", "captions", "credits", "content_hash"}
    assert sorted(captured.err.splitlines()) == [
        f"{tmp_path / 'empty.csv'}: empty file",
        f"{tmp_path / 'news.jsonl'}:2: malformed JSON at column 2: "
        "Expecting property name enclosed in double quotes",
    ]


def test_missing_path_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Cannot read corpus" in err and "nope" in err


def test_no_path_reads_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus"]) == 0
    out = capsys.readouterr().out
    assert "Read 1,001 articles" in out
    assert "Reuters" in out and "AFP" in out and "Nothing skipped." in out
