"""``newsdesk corpus``: the summary, ``--json`` output and errors, run through ``main``."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import cli as corpus_cli
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


def test_counts_are_singular_or_plural_with_thousands_separators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "news.jsonl").write_text(
        '{"id": "n1", "title": "Dam opens", "body": "Water flows."}\n' + "{broken\n" * 1200
    )
    assert main(["corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Read 1 article from {tmp_path} in ")
    assert "\nSkipped (1,200):\n" in out
    assert main(["corpus", str(tmp_path), str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("Read 2 articles from 2 paths in ")


def test_max_article_mb_skips_larger_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = "Floods hit the valley\n\nHeavy rain flooded the valley on Monday.\n"
    (tmp_path / "small.txt").write_text(story)
    (tmp_path / "big.txt").write_text(story + "More rain fell. " * 100_000)  # 1.6 MB
    assert main(["corpus", "--max-article-mb", "1", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Read 1 article" in out
    assert (
        f"{tmp_path / 'big.txt'}: article larger than the 1 MB size limit (--max-article-mb);"
        " not read" in out
    )
    assert main(["corpus", "--max-article-mb", "2.5", str(tmp_path)]) == 0
    assert "Read 2 articles" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "-1", "ten"])
def test_max_article_mb_must_be_a_positive_number(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["corpus", "--max-article-mb", value])
    assert exit_info.value.code == 2 and "--max-article-mb" in capsys.readouterr().err


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("options", [["--json"], []])
def test_a_closed_pipe_is_passed_up_not_swallowed(
    options: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    args = argparse.Namespace(paths=[], json=bool(options), max_article_bytes=1 << 20)
    with pytest.raises(BrokenPipeError):
        corpus_cli.run(args)
    assert main(["corpus", *options]) == 0


def test_head_closing_the_pipe_prints_no_traceback() -> None:
    command = [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]
    with subprocess.Popen(
        [*command, "corpus", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert json.loads(process.stdout.readline())["id"]
        process.stdout.close()
        errors = process.stderr.read().decode()
    assert process.returncode == 0 and "Traceback" not in errors, errors
