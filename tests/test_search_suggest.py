"""Did-you-mean and wildcards without Whoosh's spelling fields: the index holds only
stems ("govern", "economi"), yet users must be offered and matched on real words.

Small hand-made indexes pin the rules; BBC checks them on real text, with every
suggestion confirmed as a word of the corpus by a regex over the articles themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_search_support import corpus_articles, corpus_engine, sample_engine, write_index

from corpus import Article
from index.schema import build_schema
from search import Engine
from search.words import vocabulary

#: Three stories whose words stem to "govern", "economi", "compani".
GOVERNMENT_STORIES = (
    "The government said the economy grew.",
    "Government ministers met; the economy slowed.",
    "Governments and companies disagree about the economy.",
)


def engine_of(*bodies: str) -> Engine:
    articles = [Article(id=f"a{n}", title="", body=body) for n, body in enumerate(bodies)]
    return Engine.for_index(write_index(articles))


def test_schema_has_no_spelling_fields() -> None:
    assert not [name for name in build_schema().names() if name.startswith("spell")]


def test_suggestions_are_real_words_not_stems() -> None:
    engine = engine_of(*GOVERNMENT_STORIES)
    assert engine.search("govenment").suggestion == "government"  # stem "govern"
    assert engine.search("ecconomy").suggestion == "economy"  # stem "economi"
    assert engine.search("compnies").suggestion == "companies"  # stem "compani"
    assert engine.search("governmnets").suggestion == "governments"  # closest real word


def test_words_in_phrases_and_named_fields_are_respelled_in_place() -> None:
    """Journalists quote names: a typo inside quotes or after title: had no did-you-mean."""
    engine = engine_of(*GOVERNMENT_STORIES)
    assert engine.search('"the govenment"').suggestion == '"the government"'
    assert engine.search('"ministers mett"~2').suggestion == '"ministers met"~2'
    assert engine.search("title:ecconomy").suggestion == "title:economy"
    assert engine.search('"government said"').suggestion is None  # a phrase found as it is


def test_a_facet_value_no_article_holds_is_respelled() -> None:
    """``place:brazill`` found nothing and suggested nothing."""
    engine = sample_engine()
    assert engine.search("oil place:brazill").suggestion == "oil place:brazil"
    assert engine.search("topic:cofee").suggestion == "topic:coffee"
    assert engine.search("place:usa").suggestion is None  # an alias of a value
    assert engine.search("oil -place:brazill").suggestion is None  # ruled out: no matter
    # quoted (as names of two words must be): respelled inside the quotes
    assert engine.search('person:"james bker"').suggestion == 'person:"james baker"'


def test_misspelt_endings_still_find_their_stem() -> None:
    # The stemmer cannot strip "-mnet" or see "minister" in "minster": the real words are
    # found by comparing stems with the start of the typed word.
    engine = engine_of(
        "Unemployment fell, the minister said.",
        "The prime minister spoke on unemployment.",
        "A monster.",
    )
    assert engine.search("unemploymnet").suggestion == "unemployment"
    assert engine.search("minster").suggestion == "minister"


def test_known_words_and_stop_words_are_left_alone() -> None:
    engine = engine_of("Economic news from the government.", "The economy.")
    assert engine.search("economies").suggestion is None  # stem "economi" is indexed
    assert engine.search("governing").suggestion is None  # stem "govern" is indexed
    assert engine.search("xylophone the").suggestion is None  # nothing close to either


def test_prefix_finds_words_whose_stem_is_shorter_than_the_prefix() -> None:
    engine = engine_of("An offensive began.", "Happy days.", "We are hoping.", "Offer made.")
    assert [hit.id for hit in engine.search("offensi*").hits] == ["a0"]  # stem "offens"
    assert [hit.id for hit in engine.search("happy*").hits] == ["a1"]  # stem "happi"
    assert [hit.id for hit in engine.search("hoping*").hits] == ["a2"]  # stem "hope"
    assert engine.search("offert*").total == 0  # "offer" begins like it but never matches


@pytest.fixture(scope="module")
def bbc(corpora: Path) -> tuple[Engine, tuple[Article, ...]]:
    path = corpora / "bbc" / "bbc-fulltext.tar.gz"
    return corpus_engine(path), corpus_articles(path)


def corpus_words(articles: tuple[Article, ...]) -> set[str]:
    return {word.lower() for a in articles for word in re.findall(r"\w+", f"{a.title} {a.body}")}


@pytest.mark.corpora
def test_bbc_suggestions_are_words_of_the_corpus(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    engine, articles = bbc
    expected = {
        "govenment": "government",
        "ecconomy": "economy",
        "parliment": "parliament",
        "finacial": "financial",
        "compnay": "company",
        "unemploymnet": "unemployment",
        "minsiter": "minister",
        "tecnology": "technology",
    }
    words = corpus_words(articles)
    for typo, correction in expected.items():
        assert typo not in words
        assert engine.search(typo).suggestion == correction, typo
        assert correction in words


@pytest.mark.corpora
def test_bbc_prefix_finds_every_article_with_a_matching_word(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    engine, articles = bbc
    for pattern in ("offensi", "happy", "economy"):
        wanted = {
            a.id
            for a in articles
            if re.search(rf"\b{pattern}", f"{a.title}\n{a.body}", flags=re.IGNORECASE)
        }
        found = {
            hit.id for hit in engine.search(f"{pattern}*", page_size=3000, every_version=True).hits
        }
        assert wanted and wanted <= found, pattern


@settings(max_examples=300, deadline=None)
@given(st.text("abcé", max_size=8), st.text("abcé", max_size=8), st.sampled_from([None, 1, 2]))
def test_edit_distance_is_whooshs_damerau_levenshtein(
    first: str, second: str, limit: int | None
) -> None:
    """rapidfuzz's OSA in place of Whoosh's pure-Python distance changes no suggestion:
    same distance, and past ``limit`` both say "more than limit"."""
    from whoosh.support.levenshtein import damerau_levenshtein

    from search.words.vocabulary import edit_distance

    ours, whooshs = edit_distance(first, second, limit), damerau_levenshtein(first, second, limit)
    if limit is None:
        assert ours == whooshs
    else:
        assert min(ours, limit + 1) == min(whooshs, limit + 1)


def test_the_vocabulary_caches_stay_within_their_byte_budgets(
    bbc: tuple[Engine, tuple[Article, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Did-you-mean keeps each letter's stems, and facet filters their values' words, in
    caches bounded in bytes: a large archive's vocabulary never fills the memory, and
    what does not fit is read again, with the same answers."""
    monkeypatch.setattr(vocabulary, "STEMS_BYTES", 200_000)
    monkeypatch.setattr(vocabulary, "VALUE_WORDS_BYTES", 2_000)
    engine = bbc[0]
    small = Engine.for_index(engine._current().index)
    live = small._current()
    for query in ("goverment", "elecion", "chelsae", "footbal", "musci"):
        assert small.search(query).suggestion == engine.search(query).suggestion, query
    live.vocabulary.warm()  # every letter's stems, one after another
    assert 0 < live.vocabulary._by_letter.total <= 200_000
    assert small.search("place:york").total == engine.search("place:york").total > 0
    assert live.vocabulary._value_words.total <= 2_000


@pytest.mark.corpora
def test_a_typo_the_archive_holds_a_few_times_is_still_corrected(corpora: Path) -> None:
    engine = corpus_engine(corpora / "reuters21578" / "reuters21578.tar.gz")
    # Reuters-21578 spells "goverment" in 9 stories, "intrest" and "prises" in a few:
    # results for what was typed, and the word thousands of stories use as a suggestion.
    goverment = engine.search("goverment")
    assert goverment.total > 0 and goverment.suggestion == "government"
    assert engine.search("intrest rates").suggestion == "interest rates"
    assert engine.search("oil prises").suggestion == "oil prices"
    # Rare names with no much commoner word one edit away are left alone.
    for name in ("yeutter", "volcker", "lyng", "lawson"):
        assert engine.search(name).suggestion is None, name


@pytest.mark.corpora
def test_a_respelling_must_go_with_the_other_words(
    bbc: tuple[Engine, tuple[Article, ...]],
) -> None:
    engine, _ = bbc
    # BBC has no "wheat": "what" is one edit away but no likelier beside "exports".
    assert engine.search("wheat exports").suggestion is None
    # "comet" is rare and "come" common, but "come" says nothing about "landing".
    assert engine.search("comet landing").suggestion is None
    # Respellings that do go with the rest are offered.
    assert engine.search("intrest rates").suggestion == "interest rates"
    assert engine.search("chelsae fans").suggestion == "chelsea fans"
    assert engine.search("goverment spending").suggestion == "government spending"
