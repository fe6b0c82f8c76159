"""What callers hand the engine is checked at the boundary: one documented error for a bad
argument, ``QueryError`` (with the position) for text that is not valid Unicode."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from test_search_support import SEED_ID, sample_articles, sample_engine, sample_index_dir

from search import Engine, InvalidArgumentError, QueryError
from search.errors import SearchError
from tui.cli import main

#: How Python keeps the byte 0xFF of an undecodable command line (surrogateescape).
UNDECODABLE = "\udcff"


@pytest.mark.parametrize(
    ("arguments", "argument", "allowed"),
    [
        ({"page": 0}, "page", "at least 1"),
        ({"page": "2"}, "page", "must be an int"),
        ({"page_size": 2.5}, "page_size", "must be an int"),
        ({"page_size": True}, "page_size", "must be an int"),
        ({"sort": "sideways"}, "sort", "relevance, newest, oldest"),
        ({"facet_limit": -1}, "facet_limit", "at least 0"),
        ({"filters": {"places": 3}}, "filters['places']", "a string or a list of strings"),
        ({"filters": {"places": ["Iraq", None]}}, "filters['places']", "list of strings"),
        ({"filters": ["places", "Iraq"]}, "filters", "a mapping of field name"),
        ({"date_from": "2017"}, "date_from", "datetime.date or datetime.datetime"),
        ({"date_to": 2017}, "date_to", "datetime.date or datetime.datetime"),
        ({"facets": "no"}, "facets", "True or False"),
    ],
)
def test_bad_arguments_raise_one_documented_error(
    arguments: dict[str, Any], argument: str, allowed: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        sample_engine().search("oil", **arguments)
    error = caught.value
    assert error.argument == argument
    assert str(error).startswith(f"{argument}: ") and allowed in str(error)
    assert error.title == "Bad argument"
    assert isinstance(error, SearchError) and isinstance(error, ValueError)


def test_a_query_that_is_not_a_string_is_a_bad_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="query: must be a string, not bytes"):
        sample_engine().search(b"oil")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="limit"):
        sample_engine().related(SEED_ID, limit=-1)


@pytest.mark.parametrize("query", [UNDECODABLE, f"oil {UNDECODABLE}*", f"{UNDECODABLE}~"])
def test_lone_surrogates_in_the_query_are_a_query_error_naming_the_position(
    query: str,
) -> None:
    with pytest.raises(QueryError, match="undecodable byte") as caught:
        sample_engine().search(query)
    assert caught.value.position == query.index(UNDECODABLE)


@pytest.mark.parametrize(
    "call",
    [
        lambda engine: engine.search("oil", filters={"places": [f"Ira{UNDECODABLE}"]}),
        lambda engine: engine.search("oil", filters={f"place{UNDECODABLE}": ["Iraq"]}),
        lambda engine: engine.get(f"x{UNDECODABLE}"),
        lambda engine: engine.related(f"x{UNDECODABLE}"),
        lambda engine: engine.match_spans(f"place:{UNDECODABLE}", "some text"),
        lambda engine: engine.parse(f"id:{UNDECODABLE}"),
    ],
)
def test_every_string_from_a_user_is_checked(call: Any) -> None:
    with pytest.raises(QueryError, match="undecodable byte"):
        call(sample_engine())


def test_an_undecodable_command_line_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    index = str(sample_index_dir())
    assert main(["search", f"hawija{UNDECODABLE}*", "--index", index]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    message = captured.err.strip()
    assert "\n" not in message
    assert message.startswith("newsdesk: Bad query: ") and "position 6" in message
    assert UNDECODABLE not in message  # shown escaped, so stderr can print it
    assert main(["show", f"x{UNDECODABLE}", "--index", index]) == 2


def test_timezone_aware_dates_are_converted_to_utc_at_the_day_boundary() -> None:
    engine = sample_engine()
    seed = next(article for article in sample_articles() if article.id == SEED_ID)
    assert seed.date == datetime(2017, 9, 22)  # midnight UTC
    plus_five = timezone(timedelta(hours=5))
    # 04:59 on the 22nd at UTC+5 is 23:59 on the 21st in UTC: before the story...
    before = datetime(2017, 9, 22, 4, 59, tzinfo=plus_five)
    assert SEED_ID not in [hit.id for hit in engine.search("", date_to=before).hits]
    assert SEED_ID in [hit.id for hit in engine.search("", date_from=before).hits]
    # ... and 05:00 there is the story's own instant.
    at = datetime(2017, 9, 22, 5, 0, tzinfo=plus_five)
    assert [hit.id for hit in engine.search("", date_from=at, date_to=at).hits] == [SEED_ID]
    in_utc = datetime(2017, 9, 22, tzinfo=UTC)
    assert [hit.id for hit in engine.search("", date_from=in_utc, date_to=in_utc).hits] == [SEED_ID]
    assert engine.search("", date_from=date(2017, 9, 22)).total == 1


def test_valid_arguments_still_search() -> None:
    results = Engine.search(
        sample_engine(),
        "oil",
        filters={"places": "usa", "topics": {"crude"}},
        facet_limit=0,
        page=2,
        page_size=3,
    )
    assert results.page == 2 and len(results.hits) == 3 and results.total > 6


def test_dates_of_either_kind_are_compared_and_a_reversed_range_is_refused() -> None:
    engine = sample_engine()
    midnight = datetime(1987, 3, 2)
    same_day = engine.search("", date_from=midnight, date_to=date(1987, 3, 2))
    assert same_day.total >= 1  # (a datetime beside a date once raised a TypeError)
    with pytest.raises(InvalidArgumentError, match="is after date_to"):
        engine.search("oil", date_from=date(1987, 3, 6), date_to=datetime(1987, 3, 5, 23))
