"""One bad record costs only itself: deep JSON, huge CSV fields, NUL bytes, bad bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import Article, CorpusReport, read_corpus

GOOD = {"title": "Dam opens", "body": "The dam opened on Monday."}


def read(path: Path, **options: int) -> tuple[list[Article], CorpusReport]:
    report = CorpusReport()
    return list(read_corpus(path, report, **options)), report


def skips(report: CorpusReport) -> list[tuple[int | None, str]]:
    return [(skip.line, skip.reason) for skip in report.skipped]


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_jsonl_line_nested_100000_deep_costs_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    deep_object = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(jsonl(GOOD) + deep + "\n" + deep_object + "\n" + jsonl({"title": "Two"}))
    articles, report = read(path)
    assert [article.title for article in articles] == ["Dam opens", "Two"]
    assert skips(report) == [(2, "JSON nested too deeply"), (3, "JSON nested too deeply")]


def test_a_deep_first_line_does_not_lose_the_file(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + jsonl(GOOD, {"title": "Two"}))
    articles, report = read(path)
    assert [article.title for article in articles] == ["Dam opens", "Two"]
    assert [skip.line for skip in report.skipped] == [1]


def test_jsonl_huge_integer_costs_only_its_line(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(jsonl(GOOD) + '{"title": "x", "id": ' + "9" * 5000 + "}\n" + jsonl(GOOD))
    articles, report = read(path)
    assert len(articles) == 2 and [skip.line for skip in report.skipped] == [2]
    assert report.skipped[0].reason.startswith("malformed JSON: Exceeds the limit")


def test_csv_field_over_128_kb_is_read_and_the_rows_after_it_too(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    long_body = "word " * 60_000  # 300 KB: over the csv module's default field limit
    path.write_text(
        f'title,body\nFirst,"{long_body}"\nSecond,After the long one\nThird,"two\nlines"\n'
    )
    articles, report = read(path)
    assert [article.title for article in articles] == ["First", "Second", "Third"]
    assert len(articles[0].body) == len(long_body.strip()) and report.skipped == []


def test_csv_row_over_the_limit_is_skipped_whole_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    quoted = "line of text\n" * 200  # a quoted field of many lines, 2,600 characters
    path.write_text(
        f'title,body\nFirst,Short\nBig,"{quoted}"\nLong line,{"x" * 5000}\n'
        'Fourth,"quoted, with ""quotes"""\nFifth,Last\n'
    )
    articles, report = read(path, max_article_bytes=1000)
    assert [article.title for article in articles] == ["First", "Fourth", "Fifth"]
    assert articles[1].body == 'quoted, with "quotes"'
    too_large = "row larger than the 1,000 bytes size limit (--max-article-mb); not read"
    assert skips(report) == [(3, too_large), (204, too_large)]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".ndjson"])
def test_a_nul_byte_costs_only_the_record_holding_it(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"news{suffix}"
    if suffix == ".csv":
        path.write_bytes(b"title,body\nFirst,Fine\nBad,Nul \x00 here\nThird,Fine too\n")
    else:
        path.write_bytes(
            b'{"title": "First", "body": "x"}\n{"title": "Bad \x00", "body": "x"}\n'
            b'{"title": "Third", "body": "x"}\n'
        )
    articles, report = read(path)
    assert [article.title for article in articles] == ["First", "Third"]
    line = 3 if suffix == ".csv" else 2
    assert skips(report) == [(line, "NUL byte in the record (binary data)")]


def test_a_nul_byte_in_sgml_costs_only_its_record(tmp_path: Path) -> None:
    path = tmp_path / "reut2-900.sgm"
    record = '<REUTERS NEWID="{}"><TEXT><TITLE>T{}</TITLE><BODY>Body.</BODY></TEXT></REUTERS>\n'
    path.write_bytes(
        (record.format(1, 1) + record.format(2, "\x00") + record.format(3, 3)).encode()
    )
    articles, report = read(path)
    assert [article.id for article in articles] == ["1", "3"]
    assert skips(report) == [(2, "NUL byte in the record (binary data)")]


@pytest.mark.parametrize("name", ["image.txt", "image", "image.csv"])
def test_real_binary_files_are_still_skipped_whole(tmp_path: Path, name: str) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 30
    (tmp_path / name).write_bytes(png)
    articles, report = read(tmp_path)
    assert articles == [] and skips(report) == [(None, "binary file")]


def test_a_zeroed_block_in_a_csv_costs_only_its_line(tmp_path: Path) -> None:
    """What a crash can leave: a run of NUL bytes where a few rows were."""
    path = tmp_path / "news.csv"
    path.write_bytes(b"\x00" * 9000 + b"\ntitle,body\nFirst,Fine\n")
    articles, report = read(path)
    assert [article.title for article in articles] == ["First"]
    assert skips(report) == [(1, "NUL byte in the record (binary data)")]


def test_not_utf8_falls_back_per_record_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes(
        '{"title": "Café opens", "body": "x"}\n'.encode()
        + '{"title": "£15m deal", "body": "x"}\n'.encode("cp1252")
        + '{"title": "Ça va", "body": "x"}\n'.encode()
        + '{"title": "€2 fee", "body": "x"}\n'.encode("cp1252")
    )
    articles, report = read(path)
    assert [article.title for article in articles] == [
        "Café opens", "£15m deal", "Ça va", "€2 fee"
    ]  # fmt: skip
    [warning] = report.warnings
    assert warning.line == 2 and "decoded as cp1252" in warning.reason


def test_json_array_items_stream_and_a_bad_item_costs_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    items = [GOOD, "not an object", {"title": "Big", "body": "x" * 3000}, {"title": "Last"}]
    path.write_text("[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n")
    articles, report = read(path, max_article_bytes=1000)
    assert [article.title for article in articles] == ["Dam opens", "Last"]
    assert skips(report) == [
        (3, "array item 2: not a JSON object (str)"),
        (4, "array item 3: record larger than the 1,000 bytes size limit (--max-article-mb); "
            "not read"),
    ]  # fmt: skip


def test_a_pretty_printed_object_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    path.write_text(json.dumps(GOOD, indent=2))
    [article], report = read(path)
    assert article.title == "Dam opens" and report.skipped == []


def test_malformed_json_spanning_lines_names_the_line_of_the_error(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('{"title": "no closing brace"\n' + jsonl(GOOD))
    articles, report = read(path)
    assert [article.title for article in articles] == ["Dam opens"]
    assert skips(report) == [(1, "malformed JSON at line 2, column 1: Expecting ',' delimiter")]
