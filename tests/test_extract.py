"""Metadata extraction: dates, places, agencies, captions, titles, text cleaning."""

from __future__ import annotations

import csv
import io
import tarfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from corpus.extract.agencies import agency_of_credit_line, canonical_agency, split_dateline
from corpus.extract.captions import parse_caption, title_case_name
from corpus.extract.cleaning import clean_field, clean_text
from corpus.extract.dates import find_date, parse_date
from corpus.extract.places import canonical_place, find_places
from corpus.extract.titles import title_from_lede
from corpus.readers.plaintext import parse_plain_text

# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text",
    [
        "launched on September 22, 2017 an assault",
        "on 22 September 2017,",
        "Sept. 22, 2017",
        "Sep 22 2017",
        "on the 22nd of September, 2017",
        "filed 2017-09-22 at noon",
        "SEPTEMBER 22, 2017",
    ],
)
def test_find_date_reads_explicit_dates(text: str) -> None:
    assert find_date(text) == datetime(2017, 9, 22)


@pytest.mark.parametrize(
    "text",
    [
        "Iraqi forces Friday launched an assault",
        "on September 21, swiftly taking the town",
        "in 2014 the caliphate",
        "February 30, 2017",
        "March 3, 1850",
        "May I ask, 2017 was long",
        "call 555-2017-09-22x",
    ],
)
def test_find_date_ignores_what_is_not_a_full_plausible_date(text: str) -> None:
    assert find_date(text) is None


def test_find_date_returns_the_first_plausible_date() -> None:
    text = "Born March 3, 1850; fought on June 6, 1944 and again on 8 May 1945."
    assert find_date(text) == datetime(1944, 6, 6)


def test_find_date_never_returns_today_or_the_future() -> None:
    today = date.today()
    tomorrow = today + timedelta(days=1)
    assert find_date(f"Published {today:%B} {today.day}, {today.year}.") is None
    assert find_date(f"Due {tomorrow:%Y-%m-%d}.") is None
    assert find_date(f"{today:%Y-%m-%d} then 2001-01-02") == datetime(2001, 1, 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-09-22", datetime(2017, 9, 22)),
        ("2017-09-22T10:30:00", datetime(2017, 9, 22, 10, 30)),
        ("2017-09-22T10:30:00Z", datetime(2017, 9, 22, 10, 30)),
        ("2017-09-22T23:30:00-05:00", datetime(2017, 9, 23, 4, 30)),
        ("Fri, 22 Sep 2017 10:00:00 +0200", datetime(2017, 9, 22, 8, 0)),
        ("Fri, 22 Sep 2017 10:00:00 GMT", datetime(2017, 9, 22, 10, 0)),
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000)),
        (" 2-JUN-1987 09:00:00.00", datetime(1987, 6, 2, 9, 0)),
        ("27-MAR-1987 00:02:59.13\x05\x05\x05RM", datetime(1987, 3, 27, 0, 2, 59, 130000)),
        ("22 Sep 2017", datetime(2017, 9, 22)),
        ("September 22, 2017", datetime(2017, 9, 22)),
        ("2017/09/22", datetime(2017, 9, 22)),
        # a 12-hour clock was read as 02:22 (the PM dropped), a zone name RFC 2822 does
        # not know as UTC: both off by hours
        ("Sunday, April 3, 2005 2:22 PM", datetime(2005, 4, 3, 14, 22)),
        ("Sun, 3 Apr 2005 12:05 a.m.", datetime(2005, 4, 3, 0, 5)),
        ("3 Apr 2005 14:22 BST", datetime(2005, 4, 3, 13, 22)),
        ("Sun, 3 Apr 2005 14:22:10 CEST", datetime(2005, 4, 3, 12, 22, 10)),
        ("September 22, 2017 at 2:22 p.m.", datetime(2017, 9, 22, 14, 22)),
        ("2017-09-22 2:22 PM", datetime(2017, 9, 22, 14, 22)),
    ],
)
def test_parse_date_gives_naive_utc(value: str, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is None


@pytest.mark.parametrize("value", ["", "   ", "soon", "2017-13-45", "31-FOO-1987", "Friday"])
def test_parse_date_rejects_non_dates(value: str) -> None:
    assert parse_date(value) is None


# ---------------------------------------------------------------- places


def test_places_are_canonical_deduplicated_in_order_of_first_mention() -> None:
    text = "Fighters near Raqqa and Deir ez-Zor. Later Raqa, Mosul and Raqqah again; then Kiev."
    assert find_places(text) == ("Raqa", "Deir Ezzor", "Mosul", "Kyiv")


@pytest.mark.parametrize(
    "text",
    [
        "Of the 73 troops killed, most died. Most of the dead came near the town.",
        "Further up the valley, Since Monday, the talks Split the party.",
        "Reading the report, Nice words, Mobile phones, Orange juice and Bath time.",
        "Iraqi and Syrian forces with Kurdish fighters.",
        "Michael Jackson met Paris Hilton and George Bush at the Stanley Cup.",
        "He backs New South Wales and New England, not us.",
        "the turkey, china plates and a jordan almond",
    ],
)
def test_common_words_names_and_demonyms_are_not_places(text: str) -> None:
    assert find_places(text) == ()


def test_town_names_count_after_prepositions_and_directions() -> None:
    assert find_places("In London, fans in West London and at Paris.") == ("London", "Paris")


def test_all_caps_lines_are_read_as_names_but_us_is_not_a_country() -> None:
    assert find_places("BAGHDAD (AFP)\nTELL US ABOUT IT") == ("Baghdad",)
    assert find_places("US-backed fighters and U.S. troops") == ("United States",)


def test_longest_name_wins() -> None:
    assert find_places("Papua New Guinea and Guinea-Bissau, not Guinea") == (
        "Papua New Guinea",
        "Guinea-Bissau",
        "Guinea",
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("usa", "United States"),
        ("uk", "United Kingdom"),
        ("west-germany", "West Germany"),
        ("el-salvador", "El Salvador"),
        ("ussr", "Soviet Union"),
        ("hong-kong", "Hong Kong"),
        ("Raqqa", "Raqa"),
        ("U.S.", "United States"),
        ("Britain", "United Kingdom"),
        ("Kiev", "Kyiv"),
        ("  syria ", "Syria"),
        ("Nice", "Nice"),
        ("sao paulo", "São Paulo"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_canonical_place(name: str, expected: str | None) -> None:
    assert canonical_place(name) == expected


def _read_member(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    assert member is not None
    return member.read()


def test_every_reuters_place_code_has_a_canonical_name(corpora: Path) -> None:
    with tarfile.open(corpora / "reuters21578" / "reuters21578.tar.gz") as archive:
        raw = _read_member(archive, "reuters21578/all-places-strings.lc.txt")
    codes = raw.decode("ascii").split()
    assert len(codes) == 175
    unknown = [code for code in codes if canonical_place(code) is None]
    assert unknown == []


@pytest.fixture(scope="module")
def bbc_articles(corpora: Path) -> list[str]:
    texts = []
    with tarfile.open(corpora / "bbc" / "bbc-fulltext.tar.gz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".txt") and "README" not in member.name:
                texts.append(_read_member(archive, member.name).decode("utf-8", "replace"))
    return texts


@pytest.fixture(scope="module")
def ag_news_texts(corpora: Path) -> list[str]:
    with tarfile.open(corpora / "ag_news" / "ag_news_csv-test.tar.gz") as archive:
        raw = _read_member(archive, "ag_news_csv/test.csv").decode("utf-8")
    return [
        f"{title}\n\n{text.replace(chr(92), chr(10))}"
        for _, title, text in csv.reader(io.StringIO(raw))
    ]


ABSURD_PLACES = {
    "Of", "Most", "Further", "Since", "Split", "Mobile", "Reading", "Bath", "Nice", "Orange",
    "Victoria", "George", "Jackson", "Kennedy", "Man", "Van", "Sale", "Bush", "Būsh", "Delta",
    "Independence", "Enterprise", "Hamilton", "Toyota", "Stanley", "Mary", "Douglas", "San",
}  # fmt: skip


def _top_places(texts: list[str], limit: int = 60) -> list[str]:
    counts = Counter(place for text in texts for place in find_places(text))
    return [place for place, _ in counts.most_common(limit)]


def test_bbc_top_place_facets_are_real_places(bbc_articles: list[str]) -> None:
    assert len(bbc_articles) == 2225
    top = _top_places(bbc_articles)
    assert not ABSURD_PLACES & set(top)
    assert {"United Kingdom", "United States", "London", "England"} <= set(top[:6])


def test_ag_news_top_place_facets_are_real_places(ag_news_texts: list[str]) -> None:
    assert len(ag_news_texts) == 7600
    top = _top_places(ag_news_texts)
    assert not ABSURD_PLACES & set(top)
    assert {"United States", "Iraq", "China"} <= set(top[:6])


# ---------------------------------------------------------------- agencies, captions


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Posted with permission from AFP", "AFP"),
        ("Reprinted with permission from Agence France-Presse.", "AFP"),
        ("Copyright 2017 Reuters", "Reuters"),
        ("© AFP 2017", "AFP"),
        ("Source: The Associated Press", "AP"),
        ("Posted with permission from The Guardian", "The Guardian"),
        ("Copyright John Smith", None),
        ("Source: my uncle", None),
        ("The AFP reported that permission was given.", None),
    ],
)
def test_credit_lines(line: str, source: str | None) -> None:
    assert agency_of_credit_line(line) == source


def test_datelines() -> None:
    dateline = split_dateline("MOSUL, Iraq (AFP) - Troops advanced.")
    assert dateline is not None
    assert (dateline.place, dateline.agency, dateline.text) == (
        "MOSUL, Iraq",
        "AFP",
        "Troops advanced.",
    )
    assert split_dateline("AP - A company founded by a chemist") is not None
    assert split_dateline("Mr Smith - the mayor - said no.") is None
    assert split_dateline("(Unknown Wire) - text") is None
    assert canonical_agency("Agence France-Presse") == "AFP"


@pytest.mark.parametrize(
    ("line", "text", "agency", "credits"),
    [
        (
            "Iraq: Anti-IS offensive AFP / Thomas SAINT-CRICQ, Kun TIAN",
            "Iraq: Anti-IS offensive",
            "AFP",
            ("Thomas Saint-Cricq", "Kun Tian"),
        ),
        (
            "Troops in Hawija AFP/File / AHMAD AL-RUBAYE",
            "Troops in Hawija",
            "AFP",
            ("Ahmad Al-Rubaye",),
        ),
        (
            "A protester in Cairo (AFP Photo / Khaled DESOUKI)",
            "A protester in Cairo",
            "AFP",
            ("Khaled Desouki",),
        ),
        (
            "Smoke over Gaza REUTERS/Ahmed Jadallah",
            "Smoke over Gaza",
            "Reuters",
            ("Ahmed Jadallah",),
        ),
        ("Fans cheer Photo: John Smith / AFP", "Fans cheer", "AFP", ("John Smith",)),
        ("Smoke rises over Raqa AFP/File", "Smoke rises over Raqa", "AFP", ()),
        ("Rescuers dig AFP/Getty Images / STR", "Rescuers dig", "AFP", ()),
        ("Leaders meet AP / Jane DOE and John ROE", "Leaders meet", "AP", ("Jane Doe", "John Roe")),
    ],
)
def test_caption_variants(line: str, text: str, agency: str, credits: tuple[str, ...]) -> None:
    caption = parse_caption(line)
    assert caption is not None
    assert (caption.text, caption.agency, caption.credits) == (text, agency, credits)


@pytest.mark.parametrize(
    "line",
    [
        "A top US-led coalition commander told AFP on Thursday that the jihadists were done.",
        "Shares fell 5% AFP / said the analyst, who asked not to be named as he was not allowed.",
        "Prices rose 3/4 of a point on Friday.",
        "Iraq: Anti-IS offensive",
    ],
)
def test_body_sentences_are_not_captions(line: str) -> None:
    assert parse_caption(line) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AHMAD AL-RUBAYE", "Ahmad Al-Rubaye"),
        ("Thomas SAINT-CRICQ", "Thomas Saint-Cricq"),
        ("SEAN O'NEILL", "Sean O'Neill"),
        ("Ronald McDonald", "Ronald McDonald"),
        ("ludwig van BEETHOVEN", "Ludwig van Beethoven"),
    ],
)
def test_title_case_name(raw: str, expected: str) -> None:
    assert title_case_name(raw) == expected


# ---------------------------------------------------------------- titles and cleaning


@pytest.mark.parametrize(
    ("lede", "title"),
    [
        ("Mr. Smith went to Washington. He said hi.", "Mr. Smith went to Washington"),
        (
            "The U.S. economy grew 3% in the quarter. More follows.",
            "The U.S. economy grew 3% in the quarter",
        ),
        ('"We will win," he said. Next.', '"We will win," he said'),
        ("Is this the end? Nobody knows.", "Is this the end?"),
        (
            "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the"
            " three months to December, from $639m year-earlier.",
            "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the"
            " three months…",
        ),
    ],
)
def test_title_from_lede(lede: str, title: str) -> None:
    assert title_from_lede(lede) == title
    assert len(title_from_lede(lede)) <= 101


def test_clean_text_keeps_lines_and_drops_controls() -> None:
    assert clean_text("a\r\nb\rc\td\x1b[0m\x00e\u202e") == "a\nb\nc de"
    assert clean_text("a\r\nb\rc\td\x1b[0m\x00e\x7f\x0c") == "a\nb\nc de\n"  # ASCII only
    # Escape sequences go whole (a colour, a window title, a hyperlink), not just their ESC;
    # an unterminated one loses its ESC only, never the text after it.
    assert clean_text("\x1b[1;31mALERT\x1b[0m: \x1b]0;owned\x07ok") == "ALERT: ok"
    assert clean_text("see \x1b]8;;http://x.example\x1b\\here\x1b]8;;\x1b\\.") == "see here."
    assert clean_text("a \x1b]never ends\nrest") == "a ]never ends\nrest"
    assert clean_text("plain ASCII\nlines") == "plain ASCII\nlines"
    assert clean_field("  a \n b\x07  ") == "a b"
    assert clean_text("bad \udcff surrogate").startswith("bad ")
    clean_text("bad \udcff surrogate").encode("utf-8")


def test_bbc_articles_get_places_and_only_plausible_dates(bbc_articles: list[str]) -> None:
    articles = [
        parse_plain_text(text, article_id=str(i), path="") for i, text in enumerate(bbc_articles)
    ]
    # the places a story is about (its opening's, or named twice): about three in four
    assert sum(1 for article in articles if article.places) > 0.7 * len(articles)
    assert all(article.date is None for article in articles)  # none states its date


def test_header_block_needs_a_message_header_and_a_blank_line() -> None:
    from corpus.extract.headers import split_header_block

    found = split_header_block(
        "From: a@b.c (A B)\nSubject: Re: rockets\n  and more\nLines: 3\n\nBody\n"
    )
    assert found == (
        {"from": "a@b.c (A B)", "subject": "Re: rockets and more", "lines": "3"},
        "Body\n",
    )
    assert split_header_block("Note: this is a story\n\nBody") is None
    assert split_header_block("Iraqi forces: an assault\nSecond: line\n\nBody") is None
    assert split_header_block("From: a\nSubject: b") is None
