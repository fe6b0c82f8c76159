"""The query language's error handling: every malformed query is a QueryError with a
position, or is read leniently; nothing else ever escapes (checked with Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search_support import SEED_ID, sample_engine, sample_index_dir
from whoosh import query as wq

from search import QueryError, SearchResults
from search.query.parser import Expansion, parse_query
from search.words import resolve as resolve_module
from tui.cli import main


@pytest.mark.parametrize(
    ("query", "problem", "position"),
    [
        ('"hawija offensive', "unclosed quote", 0),
        ("colour:red", "unknown field 'colour'", 0),
        ("hawija OR", "OR needs a word", 7),
        ("NOT", "'NOT' needs a word", 0),
        ("date:2017-13", "impossible date", 5),
        ("date:last-week", "cannot read date", 5),
        ("date:[2017-09-01 to", "unclosed date range", 5),
        ("date:[2017-09-30 to 2017-09-01]", "ends before it starts", 5),
        ("title:[a to b]", "only allowed on date", 6),
        ("hawija~7", "fuzzy distance 7 is too large", 0),
        ("hawi*~", "mixes a wildcard and '~'", 0),
        ("x" * 40 + "~", "fuzzy words are limited to 30 letters", 0),
        ("(" * 40 + "hawija" + ")" * 40, "nested more than 32 deep", 32),
        ("oil " * 300, "query too long", 4 * 256),
    ],
)
def test_malformed_queries_name_problem_and_position(
    query: str, problem: str, position: int
) -> None:
    with pytest.raises(QueryError) as caught:
        sample_engine().search(query)
    error = caught.value
    assert problem in error.problem
    assert error.position == position
    assert f"position {position}" in str(error)
    assert error.exit_status == 2


@pytest.mark.parametrize(
    ("query", "expected_total"),
    [
        ("*", None),  # a lone star: every article, as an empty query
        ("hawija *", 1),  # beside words a lone star adds nothing ...
        ("qzxv *", 0),  # ... not even every article as an any-word match
        ("hawija AND", 1),  # dangling AND: ignored
        ("OR hawija", 1),  # leading OR: ignored
        ("the", 0),  # only a stop word: nothing to match, no error
        ("hawija -", 1),
    ],
)
def test_lenient_readings(query: str, expected_total: int | None) -> None:
    engine = sample_engine()
    results = engine.search(query)
    if expected_total is None:
        assert results.total == engine.search("").total
    else:
        assert results.total == expected_total


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        # A pasted question's stray ")" (Cranfield's "... (b) the ... c)") is punctuation.
        ("hawija) offensive", "hawija offensive"),
        ("a) hawija b) offensive", "a hawija b offensive"),
        # A "(" still open at the end is closed there, as while it is being typed.
        ("iraq (hawija OR mosul", "iraq (hawija OR mosul)"),
        ("(hawija (offensive", "(hawija (offensive))"),
    ],
)
def test_unbalanced_parentheses_read_as_meant(query: str, same_as: str) -> None:
    engine = sample_engine()
    assert engine.parse(query).strict == engine.parse(same_as).strict
    assert engine.search(query).total == engine.search(same_as).total > 0


def test_a_query_of_only_stop_words_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    engine = sample_engine()
    for query in ("the", "The of", '"the and"'):
        results = engine.search(query)
        assert results.total == 0 and results.only_stop_words
    # A word the index holds, or a word that is simply absent, is no such case.
    assert not engine.search("the hawija").only_stop_words
    assert not engine.search("zzqxv").only_stop_words
    assert not engine.search("").only_stop_words
    assert main(["search", "the", "--index", str(sample_index_dir())]) == 0
    out = capsys.readouterr().out
    assert "too common to be indexed" in out and "No stories match" not in out


def test_repeated_and_very_long_words_stay_cheap() -> None:
    engine = sample_engine()
    assert ids_of(engine.search("hawija " * 200)) == [SEED_ID]
    assert engine.search("a" * 5000).total == 0


def ids_of(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def test_trailing_colon_is_just_punctuation() -> None:
    engine = sample_engine()
    results = engine.search("re: hawija")  # not an unknown field "re"
    assert SEED_ID in ids_of(results)
    assert ids_of(results) == ids_of(engine.search("re hawija"))


def test_unknown_field_message_lists_fields() -> None:
    with pytest.raises(QueryError, match=r"known: .*places"):
        sample_engine().search("colour:red")


def test_oversized_expansions_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve_module, "MAX_EXPANSIONS", 5)
    with pytest.raises(QueryError, match="matches more than 5 words") as caught:
        sample_engine().search("iraq s*")
    assert caught.value.position == 5
    assert sample_engine().search("hawi*").total == 1  # narrow prefixes still work


def test_parsing_reads_no_index_and_resolving_fills_in_the_vocabulary() -> None:
    """A query is checked whole before the index is asked anything: wildcards, fuzzy
    words and facet words stay placeholders until resolved against a generation."""
    parsed = parse_query("hawi* credit:kilic -gove~1")
    placeholders = [q for q in parsed.strict.leaves() if isinstance(q, Expansion)]  # type: ignore[union-attr]
    assert [(q.kind, q.pattern) for q in placeholders] == [
        ("words", "hawi*"),
        ("values", "kilic"),
        ("words", "gove"),
    ]
    with pytest.raises(QueryError, match="fuzzy distance 3 is too large") as caught:
        parse_query("oil gove~3")  # refused by the parser alone
    assert caught.value.position == 4
    resolved = sample_engine().parse("hawi* credit:kilic")
    assert not [q for q in resolved.strict.leaves() if isinstance(q, Expansion)]  # type: ignore[union-attr]
    assert {"hawija"} <= resolved.highlight_terms
    assert wq.Term("credits", "bulent kilic") in resolved.strict.leaves()  # type: ignore[union-attr]


def test_lone_negation_means_everything_else() -> None:
    engine = sample_engine()
    assert engine.search("-hawija").total == engine.search("").total - 1
    assert SEED_ID not in {hit.id for hit in engine.search("-hawija", page_size=2000).hits}


QUERY_ALPHABET = st.sampled_from(
    [*'abchijwyz HAWIJAOR"()*?~:-+[]<>=./\\^&|!{}', "AND", "OR", "NOT", "date:", "title:"]
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(QUERY_ALPHABET, max_size=25).map("".join) | st.text(max_size=40))
def test_random_queries_never_raise_anything_but_query_error(query: str) -> None:
    try:
        results = sample_engine().search(query, page_size=3)
    except QueryError as error:
        assert error.position is None or 0 <= error.position <= len(query)
        assert error.problem
    else:
        assert isinstance(results, SearchResults)
        assert results.total >= len(results.hits)
