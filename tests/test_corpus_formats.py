"""JSON Lines, CSV (header and AG News), SMART, and format detection on small files."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from corpus import Article, CorpusReport, read_corpus
from corpus.readers.csvfile import clean_ag_news


def read(path: Path) -> tuple[list[Article], CorpusReport]:
    report = CorpusReport()
    return list(read_corpus(path, report)), report


def test_jsonl_maps_the_usual_field_names(tmp_path: Path) -> None:
    records = [
        {
            "guid": "a-1",
            "headline": "Dam opens",
            "content": "The dam opened on Monday.",
            "pubDate": "Tue, 10 Jun 2003 04:00:00 GMT",
            "publisher": {"name": "Wire"},
            "link": "https://example.org/a",
            "section": "World",
            "locations": "Raqqa; Mosul",
            "tags": ["water", "energy"],
            "byline": "Jo Bloggs",
        },
        {"title": "No id", "text": "Body text.", "published_at": "2017-09-22T10:00:00Z"},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    articles, report = read(path)
    assert report.skipped == [] and report.warnings == []
    first, second = articles
    assert (first.id, first.title, first.body) == ("a-1", "Dam opens", "The dam opened on Monday.")
    assert first.date == datetime(2003, 6, 10, 4, 0) and not first.date_inferred
    assert (first.source, first.url, first.category) == ("Wire", "https://example.org/a", "World")
    assert first.places == ("Raqqa", "Mosul") or "Mosul" in first.places
    assert first.topics == ("water", "energy") and first.credits == ("Jo Bloggs",)
    assert first.format == "jsonl"
    assert second.date == datetime(2017, 9, 22, 10, 0)
    assert second.id and second.id == read(path)[0][1].id  # made from the record: stable


def test_a_record_without_an_id_keeps_its_id_when_the_corpus_moves(tmp_path: Path) -> None:
    first, moved = tmp_path / "first" / "feed", tmp_path / "elsewhere" / "feed"
    first.mkdir(parents=True)
    records = [{"title": "Dam opens", "body": "It opened."}, {"title": "Dam opens", "body": "x"}]
    (first / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    shutil.copytree(first, moved)
    ids = [article.id for article in read(first)[0]]
    assert ids == [article.id for article in read(moved)[0]]
    assert ids[1] == ids[0] + "-2"  # alike in headline, date and source: numbered


def test_a_date_in_seconds_since_1970_may_be_a_number_or_text(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"id": "n", "title": "t", "body": "b", "date": 1108000000}\n'
        '{"id": "s", "title": "t", "body": "b", "date": "1108000000"}\n'
        '{"id": "ms", "title": "t", "body": "b", "date": "1108000000000"}\n'
        '{"id": "stamp", "title": "t", "body": "b", "date": "2012031015"}\n'
    )
    articles, report = read(path)
    assert [article.id for article in articles] == ["n", "s", "ms", "stamp"]
    assert {article.date for article in articles[:3]} == {datetime(2005, 2, 10, 1, 46, 40)}
    # a compact stamp starting with its year is no count of seconds (it would be 2033)
    assert articles[3].date is None and [w.line for w in report.warnings] == [4]


def test_jsonl_infers_the_date_its_dateline_states_and_places(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        json.dumps({"title": "Offensive", "body": "Troops entered Mosul on "
                    "September 22, 2017, officials said."}) + "\n"
        + json.dumps({"title": "Assault", "body": "BAGHDAD, Sept 23, 2017 (AFP) - "
                      "Troops entered Mosul."}) + "\n"
    )  # fmt: skip
    [mentioned, stated], _ = read(path)
    assert mentioned.date is None  # a date the story mentions is not its date
    assert "Mosul" in mentioned.places
    assert stated.date == datetime(2017, 9, 23) and stated.date_inferred


def test_broken_json_line_is_one_skip_and_the_rest_reads(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('{"title": "one", "body": "x"}\n{"title": broken\n[1, 2]\n{"title": "two"}\n')
    articles, report = read(path)
    assert [article.title for article in articles] == ["one", "two"]
    assert [(skip.line, skip.path) for skip in report.skipped] == [(2, str(path)), (3, str(path))]
    assert "malformed JSON" in report.skipped[0].reason
    assert "not a JSON object" in report.skipped[1].reason
    assert str(report.skipped[0]).startswith(f"{path}:2: ")


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text(json.dumps([{"title": "a", "body": "x"}, {"title": "b", "body": "y"}]))
    articles, report = read(path)
    assert [article.title for article in articles] == ["a", "b"] and not report.skipped


def test_header_csv_and_short_row(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        "id,title,description,date,category\n"
        '1,First,"Body, with comma",2004-05-06,tech\n'
        "2,Short row\n"
        "3,Third,More text,22 Sep 2017,world\n"
    )
    articles, report = read(path)
    assert [article.id for article in articles] == ["1", "3"]
    assert articles[0].body == "Body, with comma" and articles[0].category == "tech"
    assert articles[1].date == datetime(2017, 9, 22)
    assert len(report.skipped) == 1
    assert (report.skipped[0].line, report.skipped[0].path) == (3, str(path))
    assert "fields" in report.skipped[0].reason


def test_a_spreadsheets_semicolon_csv_is_read(tmp_path: Path) -> None:
    """Excel where the comma is the decimal mark (most of Europe) saves CSV with ";",
    a byte-order mark and CRLF: the whole file was skipped as naming no known field."""
    path = tmp_path / "export.csv"
    path.write_bytes(
        "\ufefftitle;body;date;source\r\n"
        '"Vote in Cardiff; turnout high";"Turnout was high, officials said.";2005-04-03;BBC\r\n'
        "Second story;Another body, with a comma;04/04/2005;BBC\r\n".encode("utf-8")
    )
    articles, report = read(path)
    assert not report.skipped
    assert [(a.title, a.body, a.source) for a in articles] == [
        ("Vote in Cardiff; turnout high", "Turnout was high, officials said.", "BBC"),
        ("Second story", "Another body, with a comma", "BBC"),
    ]
    tabs = tmp_path / "tabs.csv"
    tabs.write_text("title\tbody\nTabbed\tA body, with commas, here\n")
    [tabbed] = read(tabs)[0]
    assert (tabbed.title, tabbed.body) == ("Tabbed", "A body, with commas, here")


def test_ag_news_layout_is_recognised_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "test.csv"
    path.write_text(
        '"3","Fears for T N pension","Unions  #36;10 million say  quot;no quot;."\n'
        '"4","Race is On","A second\\team doesn #39;t &lt;b&gt;stop&lt;/b&gt; &lt;DELL.O&gt;"\n'
        '"2","only two fields"\n'
    )
    articles, report = read(path)
    assert [article.category for article in articles] == ["Business", "Sci/Tech"]
    assert articles[0].body == 'Unions $10 million say "no".'
    assert articles[1].body == "A second\nteam doesn't stop <DELL.O>"
    assert len(report.skipped) == 1 and report.skipped[0].line == 3


def test_ag_news_entity_debris() -> None:
    assert clean_ag_news("Johnson  amp; Johnson") == "Johnson & Johnson"
    assert clean_ag_news("J amp;J &amp; Co") == "J&J & Co"
    assert clean_ag_news("Sony #146;s iPod   hellip;.") == "Sony’s iPod …."
    assert clean_ag_news("no entity; here") == "no entity; here"


def test_smart_documents(tmp_path: Path) -> None:
    path = tmp_path / "TIME.ALL"
    path.write_text(
        "*TEXT 017 01/04/63 PAGE 020\n\nTHE ALLIES AFTER NASSAU\n\nSECOND LINE .\n\n"
        "*TEXT 431 08/30 63 PAGE 026\n\nKENYA VOTES .\n\n*STOP\n"
    )
    articles, report = read(path)
    assert not report.skipped
    assert [article.id for article in articles] == ["17", "431"]
    assert articles[0].title == "THE ALLIES AFTER NASSAU"
    assert articles[0].body == "THE ALLIES AFTER NASSAU SECOND LINE ."
    assert articles[0].date == datetime(1963, 1, 4) and not articles[0].date_inferred
    assert articles[1].date == datetime(1963, 8, 30)
    assert articles[0].source == "TIME" and articles[0].format == "smart"


def test_truncated_sgml_record_is_one_skip(tmp_path: Path) -> None:
    path = tmp_path / "reut2-900.sgm"
    path.write_text(
        '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'
        '<REUTERS NEWID="5"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT>&#2;\n'
        "<TITLE>GOOD</TITLE><BODY>Fine.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
        '<REUTERS NEWID="6"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT>\n<TITLE>CUT OFF'
    )
    articles, report = read(path)
    assert [(article.id, article.title, article.body) for article in articles] == [
        ("5", "GOOD", "Fine.")
    ]
    assert len(report.skipped) == 1
    assert report.skipped[0].line == 7 and "truncated" in report.skipped[0].reason


def test_records_without_a_title_get_the_lede_not_an_abbreviation(tmp_path: Path) -> None:
    lede = "U.S. stocks fell on Friday as oil prices rose and Mr. J. Smith sold. Traders sighed."
    (tmp_path / "news.jsonl").write_text(json.dumps({"id": "j1", "text": lede}) + "\n")
    (tmp_path / "news.csv").write_text(f'id,category,description\nc1,Business,"{lede}"\n')
    articles, report = read(tmp_path)
    assert report.skipped == []
    expected = "U.S. stocks fell on Friday as oil prices rose and Mr. J. Smith sold"
    assert [(article.id, article.title) for article in articles] == [
        ("c1", expected),
        ("j1", expected),
    ]


def test_a_derived_title_comes_from_the_first_line_only(tmp_path: Path) -> None:
    body = "Markets in turmoil\n\nThe Dow fell 500 points on Monday."
    (tmp_path / "news.jsonl").write_text(json.dumps({"body": body}) + "\n")
    [article], _ = read(tmp_path)
    assert article.title == "Markets in turmoil" and article.body == body
