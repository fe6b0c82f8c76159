"""Reuters-21578 SGML: the whole shared collection and its known records and quirks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from corpus import Article, CorpusReport, read_corpus
from corpus.readers.reuters import parse_reuters_date, reflow

pytestmark = pytest.mark.corpora


@pytest.fixture(scope="module")
def reuters(corpora: Path) -> tuple[dict[str, Article], CorpusReport]:
    report = CorpusReport()
    articles = {article.id: article for article in read_corpus(corpora / "reuters21578", report)}
    return articles, report


def test_every_record_reads_without_skips(reuters: tuple[dict[str, Article], CorpusReport]) -> None:
    articles, report = reuters
    assert len(articles) == 21_578
    assert set(articles) == {str(number) for number in range(1, 21_579)}
    assert report.skipped == []
    assert report.counts == {"reuters-sgml": 21_578}
    assert all(article.source == "Reuters" for article in articles.values())


def test_metadata_counts_match_the_collection(
    reuters: tuple[dict[str, Article], CorpusReport],
) -> None:
    articles = reuters[0].values()
    assert sum(bool(article.topics) for article in articles) == 11_367
    assert sum(bool(article.places) for article in articles) == 18_798
    assert sum(bool(article.people) for article in articles) == 1_156
    assert sum(bool(article.organisations) for article in articles) == 881
    assert sum(bool(article.exchanges) for article in articles) == 482
    assert all(article.date and article.date.year == 1987 for article in articles)


def test_first_record(reuters: tuple[dict[str, Article], CorpusReport]) -> None:
    article = reuters[0]["1"]
    assert article.title == "BAHIA COCOA REVIEW"
    assert article.date == datetime(1987, 2, 26, 15, 1, 1)
    assert article.topics == ("Cocoa",)  # the code book lists "COCOA" bare
    assert article.places == ("El Salvador", "United States", "Uruguay")
    assert article.dateline.startswith("SALVADOR")
    assert article.body.startswith("Showers continued throughout the week in the Bahia cocoa zone")
    assert article.path.endswith("reuters21578.tar.gz::reuters21578/reut2-000.sgm")


def test_bodies_are_reflowed_and_clean(reuters: tuple[dict[str, Article], CorpusReport]) -> None:
    articles = reuters[0]
    first = articles["1"].body
    assert "\n\n" in first  # paragraphs kept
    assert "Bahia cocoa zone, alleviating" in first  # hard wrap undone
    for article in articles.values():
        assert not article.body.endswith("Reuter"), article.id
        assert "&#" not in article.body and "&lt;" not in article.title, article.id
    assert articles["2"].title == "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"


def test_latin1_byte_is_decoded_with_a_warning(
    reuters: tuple[dict[str, Article], CorpusReport],
) -> None:
    articles, report = reuters
    assert "growth.üside" in articles["17980"].body
    assert len(report.warnings) == 1
    warning = report.warnings[0]
    assert warning.path.endswith("reut2-017.sgm") and warning.line is not None
    assert "0xFC" in warning.reason


def test_brief_and_unprocessed_texts(reuters: tuple[dict[str, Article], CorpusReport]) -> None:
    articles = reuters[0]
    brief = articles["30"]
    assert brief.title == "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK"
    assert brief.body == ""
    unprocessed = articles["99"]
    assert unprocessed.title == "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26"
    assert "Net free reserves.............644 vs.....1,337" in unprocessed.body
    assert not unprocessed.body.rstrip().endswith("Reuter")


def test_ignored_files_beside_the_data(reuters: tuple[dict[str, Article], CorpusReport]) -> None:
    ignored = {entry.path.rpartition("/")[2] for entry in reuters[1].ignored}
    assert {"README.txt", "lewis.dtd", "all-people-strings.lc.txt"} <= ignored
    assert {"cat-descriptions_120396.txt", "feldman-cia-worldfactbook-data.txt"} <= ignored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1)),
        ("  2-JUN-1987 13:10:10.20", datetime(1987, 6, 2, 13, 10, 10)),
        ("3-MAR-1987  09:15:05.40", datetime(1987, 3, 3, 9, 15, 5)),
        ("27-MAR-1987 14:04:26.14&#5;&#5;&#5;F", datetime(1987, 3, 27, 14, 4, 26)),
        ("31-MAR-1987 605:12:19.12", datetime(1987, 3, 31)),
        ("9-APR-1987 00:00:00.00    # date added by S Finch", datetime(1987, 4, 9)),
        ("no date here", None),
    ],
)
def test_reuters_dates(value: str, expected: datetime | None) -> None:
    assert parse_reuters_date(value) == expected


def test_reflow_keeps_indented_lines_as_paragraphs() -> None:
    body = "First line of\na paragraph.\n    Second paragraph\nwraps too.\n Reuter\n"
    assert reflow(body) == "First line of a paragraph.\n\nSecond paragraph wraps too."
