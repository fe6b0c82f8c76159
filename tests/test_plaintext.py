"""Plain-text articles: the seed AFP story, BBC files and the layouts in between."""

from __future__ import annotations

import tarfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Article
from corpus.readers.plaintext import parse_plain_text

SEED_CREDITS = ("Ahmad Al-Rubaye", "Thomas Saint-Cricq", "Kun Tian", "Bulent Kilic")


def parse(text: str, category: str = "") -> Article:
    return parse_plain_text(text, article_id="a", path="a.txt", category=category)


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> Article:
    text = seed_path.read_text(encoding="utf-8")
    return parse_plain_text(text, article_id=seed_path.stem, path=str(seed_path))


def test_seed_source_comes_from_the_credit_line(seed: Article) -> None:
    assert seed.source == "AFP"
    assert "Posted with permission" not in seed.body


def test_seed_captions_are_split_from_their_credits(seed: Article) -> None:
    assert len(seed.captions) == 4
    assert "Iraq: Anti-IS offensive" in seed.captions
    assert seed.captions[0].startswith("Iraqi paramilitaries of the Popular Mobilisation")
    assert seed.captions[0].endswith("on September 22, 2017")
    assert not any("AFP" in caption or "/" in caption for caption in seed.captions)


def test_seed_credits_are_title_cased_people(seed: Article) -> None:
    assert seed.credits == SEED_CREDITS


def test_seed_body_holds_no_caption_or_credit_text(seed: Article) -> None:
    body = seed.body.casefold()
    for name in (*SEED_CREDITS, "AL-RUBAYE", "BULENT KILIC", "AFP/File"):
        assert name.casefold() not in body
    for caption in seed.captions:
        assert caption.casefold() not in body


def test_seed_subhead_is_listed_and_stays_in_reading_order(seed: Article) -> None:
    assert seed.subheads == ("Deadly counterattack in Syria",)
    paragraphs = seed.body.split("\n\n")
    at = paragraphs.index("Deadly counterattack in Syria")
    assert paragraphs[at - 1].startswith("The Hawija enclave is one of just two areas")
    assert paragraphs[at + 1].startswith("Further up the Euphrates Valley")


def test_seed_body_is_blank_line_separated_paragraphs(seed: Article) -> None:
    paragraphs = seed.body.split("\n\n")
    assert paragraphs[0].startswith("Iraqi forces Friday launched an assault on")
    assert paragraphs[-1].endswith("between Deir Ezzor and the Iraqi border.")
    assert all(paragraph and "\n" not in paragraph for paragraph in paragraphs)


def test_seed_title_is_derived_from_the_lede(seed: Article) -> None:
    assert seed.title == "Iraqi forces Friday launched an assault on the northern town of Hawija"
    assert len(seed.title) <= 100


def test_seed_date_is_the_first_explicit_date_and_inferred(seed: Article) -> None:
    assert seed.date is not None
    assert (seed.date.year, seed.date.month, seed.date.day) == (2017, 9, 22)
    assert seed.date_inferred


def test_seed_places_are_canonical_and_free_of_common_words(seed: Article) -> None:
    for place in ("Iraq", "Syria", "Hawija", "Raqa", "Sharqat", "Deir Ezzor"):
        assert place in seed.places
    assert "Mosul" not in seed.places  # named once, in passing, in the ninth paragraph
    for word in ("Of", "Most", "Further", "Since", "Split", "Iraqi", "Syrian", "Popular"):
        assert word not in seed.places
    assert len(set(seed.places)) == len(seed.places)


def test_seed_keeps_its_id_and_path(seed: Article, seed_path: Path) -> None:
    assert seed.id == "000_b98891cdbd8958c6"
    assert seed.path == str(seed_path)


BBC_FILES = {
    "bbc/business/001.txt": "Ad sales boost Time Warner profit",
    "bbc/entertainment/001.txt": "Gallery unveils interactive tree",
    "bbc/politics/001.txt": "Labour plans maternity pay rise",
    "bbc/sport/199.txt": "Chelsea sack Mutu",
    "bbc/tech/301.txt": "Rivals of the £400 Apple...",
}


@pytest.fixture(scope="module")
def bbc_texts(corpora: Path) -> dict[str, str]:
    texts = {}
    with tarfile.open(corpora / "bbc" / "bbc-fulltext.tar.gz") as archive:
        for name in BBC_FILES:
            member = archive.extractfile(name)
            assert member is not None
            raw = member.read()
            try:
                texts[name] = raw.decode("utf-8")
            except UnicodeDecodeError:  # sport/199.txt is latin-1
                texts[name] = raw.decode("cp1252")
    return texts


@pytest.mark.parametrize("name", sorted(BBC_FILES))
def test_bbc_first_line_is_the_headline(bbc_texts: dict[str, str], name: str) -> None:
    text = bbc_texts[name]
    category = name.split("/")[1]
    article = parse_plain_text(text, article_id=name[:-4], path=name, category=category)
    assert article.title == BBC_FILES[name]
    assert article.category == category
    second_line = text.split("\n")[2]
    assert article.body.startswith(" ".join(second_line.split()))
    assert BBC_FILES[name] not in article.body
    assert article.source == ""  # BBC files credit nobody
    assert article.captions == () and article.credits == ()


def test_bbc_latin1_file_keeps_its_pound_sign(bbc_texts: dict[str, str]) -> None:
    article = parse(bbc_texts["bbc/sport/199.txt"])
    assert "£15.8m" in article.body


def test_dateline_sets_source_and_dateline_and_leaves_the_text() -> None:
    article = parse("BAGHDAD (AFP) - Iraqi forces attacked Hawija on Friday.\n\nMore later.")
    assert article.source == "AFP"
    assert article.dateline == "BAGHDAD"
    assert article.body.startswith("Iraqi forces attacked Hawija")
    assert article.places[:2] == ("Baghdad", "Hawija")


def test_reuters_dateline_with_date() -> None:
    article = parse("WASHINGTON, Sept 22 (Reuters) - The Federal Reserve held rates.")
    assert (article.source, article.dateline) == ("Reuters", "WASHINGTON")
    assert article.places[0] == "Washington"
    assert article.date is None  # a day without its year states no date
    assert article.body == "The Federal Reserve held rates."
    dated = parse("WASHINGTON, Sept 22, 2017 (Reuters) - The Federal Reserve held rates.")
    assert dated.date == datetime(2017, 9, 22) and dated.dateline == "WASHINGTON"


def test_credit_line_beats_caption_agency_and_is_never_body() -> None:
    text = (
        "Copyright 2017 Reuters\n\nFirefighters at work AFP / John SMITH\n\n"
        "A fire broke out in Lyon on Monday."
    )
    article = parse(text)
    assert article.source == "Reuters"
    assert article.credits == ("John Smith",)
    assert article.body == "A fire broke out in Lyon on Monday."


def test_caption_agency_is_the_source_when_nothing_else_says() -> None:
    article = parse("Smoke over Raqa AFP/File / DELIL SOULEIMAN\n\nFighting went on in Raqqa.")
    assert article.source == "AFP"
    assert article.places == ("Raqa",)


def test_hard_wrapped_lines_join_into_one_paragraph() -> None:
    article = parse("Markets fell sharply\non Monday after the\nannouncement.\n\nSecond one.")
    assert article.body == "Markets fell sharply on Monday after the announcement.\n\nSecond one."
    assert article.title == "Markets fell sharply on Monday after the announcement"


def test_long_first_line_is_not_a_headline() -> None:
    lede = "Shares rose. " * 12
    article = parse(lede + "\n\nSecond paragraph here.")
    assert article.title == "Shares rose"
    assert article.body.startswith("Shares rose. Shares rose.")


def test_a_lone_short_line_is_body_and_title() -> None:
    article = parse("Storm hits coast")
    assert (article.title, article.body) == ("Storm hits coast", "Storm hits coast")


def test_no_date_means_not_inferred() -> None:
    article = parse("Headline\n\nNothing dated happened on Friday.")
    assert article.date is None and not article.date_inferred


def test_terminal_escapes_and_controls_never_reach_a_field() -> None:
    text = (
        "Evil \x1b[31mheadline\x07\n\n\x1b]0;pwned\x07Body\x00 text\twith tab \u202eand bidi."
        "\n\nCaption \x1b[2J here AFP / EVIL \x1bNAME"
    )
    article = parse(text)
    for value in (article.title, article.body, *article.captions, *article.credits):
        assert not any(ord(ch) < 32 and ch != "\n" for ch in value)
        assert "\x1b" not in value and "\u202e" not in value and "\x9b" not in value
    assert "Body text with tab" in article.body


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\n", "   \n \t \n", "Posted with permission from AFP", "--- ... ---", "\x00\x1b\x07"],
)
def test_text_without_an_article_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="no article text"):
        parse(text)


def test_huge_single_line_is_read() -> None:
    text = "The quick brown fox jumped over Paris. " * 30_000
    article = parse(text)
    assert article.title == "The quick brown fox jumped over Paris"
    assert article.places == ("Paris",)
    assert len(article.body) == len(text.strip())


_PIECES = st.sampled_from(
    [
        "\n",
        "\n\n",
        " - ",
        "- ",
        " -",
        " / ",
        "AFP",
        "AFP/File",
        "(Reuters) - ",
        "Posted with permission from ",
        "September 22, 2017",
        "Raqa",
        "...",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), _PIECES), max_size=40).map("".join))
def test_any_text_gives_an_article_or_a_value_error(text: str) -> None:
    try:
        article = parse(text)
    except ValueError:
        return
    assert article.title or article.body
    assert "\x1b" not in article.title + article.body


def test_usenet_header_block_is_metadata_and_subject_is_the_title() -> None:
    text = (
        "From: pbd@runyon.cim.cdc.com (Paul Dokas)\nSubject: Big amateur rockets\n"
        "Organization: ICEM Systems, Inc.\nDate: Fri, 16 Apr 1993 10:00:00 GMT\nLines: 23\n\n"
        "Short intro\n\nI was reading Popular Science this morning in Chicago."
    )
    article = parse(text, category="sci.space")
    assert article.title == "Big amateur rockets"
    assert article.body == "Short intro\n\nI was reading Popular Science this morning in Chicago."
    assert article.date == datetime(1993, 4, 16, 10, 0) and not article.date_inferred
    assert article.places == ("Chicago",)
    assert "Organization" not in article.body and article.category == "sci.space"


def test_credit_phrases_inside_the_story_are_text() -> None:
    text = "One.\n\nTwo.\n\nDistributed by Digital Equipment Research\n\nMore.\n\nEnd."
    article = parse(text)
    assert article.source == ""
    assert "Distributed by Digital Equipment Research" in article.body


@pytest.mark.parametrize("line", ["-2-", "* Never program drunk *", "=== RULES ===", "- 5 -"])
def test_decorated_lines_that_are_not_subheads(line: str) -> None:
    article = parse(f"A first paragraph.\n\n{line}\n\nA second paragraph.")
    assert article.subheads == ()


def test_byline_stays_in_the_body_but_is_not_the_title() -> None:
    article = parse("By JANE SMITH, Staff Writer\n\nMarkets fell on Monday. Then rose.")
    assert article.title == "Markets fell on Monday"
    assert article.body.startswith("By JANE SMITH, Staff Writer\n\nMarkets fell")
