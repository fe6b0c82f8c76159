"""The TUI's plain-Python parts: sanitising untrusted text, history, filters, timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.history import QueryHistory
from tui.safe_text import clean, clean_with_spans, highlighted_text, safe_text
from tui.search_state import SearchRequest
from tui.settings import Settings
from tui.widgets.rows import Part, Row
from tui.widgets.timeline import by_year, continuous_months

ESCAPES = ("\x1b]0;title\x07", "\x1b[2J", "\x1b[31m", "\x1b]8;;http://x\x1b\\", "\x9b1m", "\x07")


def test_escape_sequences_are_removed_markup_is_kept_literally() -> None:
    text = "[bold]x[/bold] \x1b]0;title\x07[@click=app.quit]click[/]\x1b[2J [link=http://x]l[/link]"
    shown = safe_text(text)
    assert shown.plain == "[bold]x[/bold] [@click=app.quit]click[/] [link=http://x]l[/link]"
    assert not shown.spans  # no style came from the text itself


@given(
    st.lists(st.one_of(st.sampled_from(ESCAPES), st.characters(max_codepoint=0xFF)), max_size=40)
)
def test_no_control_character_survives(parts: list[str]) -> None:
    cleaned = clean("".join(parts))
    assert not any(ord(c) < 32 and c != "\n" for c in cleaned)
    assert not any(0x7F <= ord(c) <= 0x9F for c in cleaned)


@given(
    st.lists(st.sampled_from(["word", "oil", " ", "\n", *ESCAPES]), max_size=20),
)
def test_spans_still_cover_the_same_words_after_cleaning(parts: list[str]) -> None:
    text = "".join(parts)
    spans = []
    offset = 0
    for part in parts:
        if part == "oil":
            spans.append((offset, offset + 3))
        offset += len(part)
    cleaned, moved = clean_with_spans(text, spans)
    assert [cleaned[s:e] for s, e in moved] == ["oil"] * len(spans)


def test_highlighted_text_styles_matches_and_the_current_one() -> None:
    text = highlighted_text("oil and oil", [(0, 3), (8, 11)], current=1)
    styles = [(span.start, span.end, str(span.style)) for span in text.spans]
    assert styles == [(0, 3, "bold reverse"), (8, 11, "bold black on yellow")]


def test_history_moves_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "state" / "history"
    history = QueryHistory(path)
    for query in ("oil", "coffee", "oil"):
        history.add(query)
    assert history.entries == ["coffee", "oil"]  # re-used query moves to the end
    again = QueryHistory(path)
    assert again.previous() == "oil"
    assert again.previous() == "coffee"
    assert again.previous() is None
    assert again.next() == "oil"
    assert again.next() == ""


def test_the_history_file_can_be_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A walk-through in a scratch setup once wrote its queries to the user's history."""
    monkeypatch.setenv("NEWSDESK_HISTORY", str(tmp_path / "history"))
    assert Settings().history_path == tmp_path / "history"


def test_unreadable_history_is_empty_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "history").write_bytes(b"\xff\xfe not utf-8")
    assert QueryHistory(tmp_path / "history").entries == []
    assert QueryHistory(None).previous() is None


def test_filters_or_within_a_field_and_toggle_off() -> None:
    request = SearchRequest("oil").toggle_filter("places", "Iraq").toggle_filter("places", "Iran")
    request = request.toggle_filter("topics", "crude")
    assert request.filters == {"places": ("Iraq", "Iran"), "topics": ("crude",)}
    request = request.toggle_filter("places", "Iraq").remove_filter("topics", "crude")
    assert request.filters == {"places": ("Iran",)}
    assert request.clear_filters().filters == {}


def test_sort_cycles() -> None:
    request = SearchRequest()
    orders = []
    for _ in range(4):
        request = request.next_sort()
        orders.append(request.sort)
    assert orders == ["newest", "oldest", "relevance", "newest"]


def test_timeline_fills_empty_months_across_years() -> None:
    months = continuous_months([("1986-11", 2), ("1987-02", 5)])
    assert months == [("1986-11", 2), ("1986-12", 0), ("1987-01", 0), ("1987-02", 5)]
    assert continuous_months([]) == []


def test_long_timelines_are_drawn_by_year() -> None:
    months = continuous_months([("1987-02", 3), ("1987-03", 4), ("1990-01", 1)])
    assert by_year(months) == [("1987", 7), ("1988", 0), ("1989", 0), ("1990", 1)]


def test_full_collections_wait_for_a_pause_and_settings_come_back() -> None:
    import gc

    from tui.idle_gc import IDLE_SECONDS, MAX_SECONDS, IdleCollector

    now = [100.0]
    before = gc.get_threshold()
    collector = IdleCollector(clock=lambda: now[0])
    collector.start()
    try:
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**6
        gc.collect(1)  # something reached the oldest generation since the last full pass
        collector.activity()
        now[0] += IDLE_SECONDS / 2
        assert not collector.collect_if_due()  # the user is typing: no pause now
        now[0] += IDLE_SECONDS
        assert collector.collect_if_due()  # quiet for a while: collect
        assert not collector.collect_if_due()  # and not again with nothing new
        gc.collect(1)
        for _ in range(int(MAX_SECONDS)):  # a user who never pauses still gets one
            now[0] += 1
            collector.activity()
            if collector.collect_if_due():
                break
        assert collector.collections == 2
    finally:
        collector.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


@given(
    st.text(alphabet=st.sampled_from("ab cd\u00e9\u4e2d"), max_size=120),
    st.integers(min_value=4, max_value=60),
)
def test_row_lines_fit_the_width_and_match_the_measured_height(words: str, width: int) -> None:
    """Heights are measured without laying text out: they must agree with what is drawn."""
    row = Row(
        [
            Part(safe_text(words, "bold", one_line=True), max_lines=2),
            Part(safe_text(words, one_line=True)),
            Part(safe_text(words, one_line=True), tail=safe_text(" 1,234")),
        ]
    )
    lines = row.lines(width)
    assert row.get_height({}, width) == len(lines)
    assert all(line.cell_len <= width for line in lines)
    if width > len(" 1,234"):
        assert lines[-1].plain.endswith(" 1,234")  # a count is not cut while it fits


def test_a_long_row_part_is_cut_with_an_ellipsis_after_its_last_line() -> None:
    snippet = safe_text("one two three four five six seven eight nine ten", one_line=True)
    lines = [line.plain.rstrip() for line in Row([Part(snippet, max_lines=2)]).lines(14)]
    assert lines == ["one two three", "four five six…"]


def test_a_cut_snippet_ends_in_one_ellipsis_even_after_a_fragment_break() -> None:
    """Snippets join fragments with "…"; when the row is cut right after one, the reader
    sees a single ellipsis, not "… …"."""
    from rich.text import Text

    from tui.widgets.rows import part_lines

    snippet = Text(
        "The Brazilian Coffee Institute, IBC, is unlikely to disclose its future export "
        "… quotas and more news follows"
    )
    lines = [line.plain.rstrip() for line in part_lines(Part(snippet, max_lines=2), 40)]
    assert lines == [
        "The Brazilian Coffee Institute, IBC, is",
        "unlikely to disclose its future export …",
    ]


def test_dates_read_from_the_text_are_marked_inferred() -> None:
    """Rows, preview and reader show dates through the same label, as the CLI words it."""
    from dataclasses import replace
    from datetime import datetime

    from corpus.model import Article
    from search.results import Hit
    from tui.date_label import date_label
    from tui.widgets.preview import article_metadata
    from tui.widgets.result_list import hit_metadata

    when = datetime(2017, 9, 22)
    assert date_label(when, inferred=True) == "2017-09-22 (inferred)"
    assert date_label(when, inferred=False) == "2017-09-22"
    assert date_label(None, inferred=True) == ""
    hit = Hit("a", "Title", when, "AFP", "", ("Iraq",), 1.0, "", date_inferred=True)
    assert hit_metadata(hit) == "2017-09-22 (inferred) · AFP · Iraq"
    assert hit_metadata(replace(hit, date_inferred=False)) == "2017-09-22 · AFP · Iraq"
    article = Article(id="a", title="Title", body="", date=when, source="AFP", date_inferred=True)
    assert article_metadata(article) == "2017-09-22 (inferred) · AFP"


def test_timeline_caption_says_how_many_stories_have_no_date() -> None:
    from tui.widgets.timeline import timeline_caption

    months = [("1987-02", 2), ("1987-03", 1)]
    assert timeline_caption(months, 3, 0).plain == "1987-02 → 1987-03 · peak 1987-02 (2)"
    assert timeline_caption(months, 199, 196).plain == (
        "1987-02 → 1987-03 · peak 1987-02 (2)\n199 stories · 196 undated"
    )
    assert timeline_caption([], 1_230, 1_230).plain == "no dates · all 1,230 stories are undated"
    assert timeline_caption([], 1, 1).plain == "no dates · the 1 story is undated"
    assert timeline_caption([], 0, 0).plain == "no dates"


def test_stale_results_say_which_search_they_belong_to() -> None:
    from search.results import SearchResults
    from tui.widgets.result_summary import stale_text

    results = SearchResults(query="oil", total=79, hits=())
    request = SearchRequest("oil  ")
    assert stale_text(results, request, query_error=True).plain == (
        "79 stories for “oil”, the last valid query"
    )
    filtered = request.toggle_filter("places", "Iraq")
    assert stale_text(results, filtered, query_error=False).plain == (
        "79 stories for “oil” and its filters, the last working search"
    )
    assert stale_text(SearchResults("", 1, ()), SearchRequest(), query_error=True).plain == (
        "1 story (browsing), the last valid query"
    )


def test_highlighting_of_a_query_that_cannot_be_read_is_none() -> None:
    """The preview and reader highlight with ``query_spans``: a bad query never hides a story."""
    from search.errors import QueryError
    from tui.backend import SearchBackend, query_spans

    class Matcher:
        def match_spans(
            self, query: str, text: str, *, as_you_type: bool = False
        ) -> tuple[tuple[int, int], ...]:
            if query.count('"') % 2:
                raise QueryError("unclosed quote '\"'", 0)
            return ((0, 3),)

    engine: SearchBackend = Matcher()  # type: ignore[assignment]
    assert query_spans(engine, "oil", "oil price") == ((0, 3),)
    assert query_spans(engine, '"oil pri', "oil price") == ()
    assert query_spans(engine, "  ", "oil price") == ()


def test_the_status_line_says_which_index_and_how_it_is_shown() -> None:
    from datetime import UTC, datetime, timedelta

    from tui.widgets.status_line import IndexStatus, status_text

    built = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    index = IndexStatus(Path("/srv/news/index"), 21_578, built)
    local = built.astimezone()
    line = status_text(index, "newest", {"place": ["Iraq", "Syria"]}, now=built).plain
    assert line == "newest first · 2 filters · " + (
        f"/srv/news/index · 21,578 articles · updated today {local:%H:%M}"
    )
    later = status_text(index, "relevance", {}, every_version=True, now=built + timedelta(days=2))
    assert later.plain.startswith("best match first · every version · /srv/news/index")
    assert later.plain.endswith(f"updated {local:%Y-%m-%d %H:%M}")
    assert status_text(None, "oldest", {}).plain == "oldest first"  # (before the index is read)


def test_versions_alike_in_date_source_and_headline_show_their_ids() -> None:
    """BBC filed "Famed music director Viotti dies" twice: the reader's versions panel
    showed two identical lines with nothing to tell which was which."""
    from datetime import datetime

    from search.results import Hit
    from tui.screens.reader import version_rows

    def hit(article_id: str, hour: int) -> Hit:
        title = "Famed music director Viotti dies"
        return Hit(
            id=article_id, title=title, source="BBC", date=datetime(2005, 2, 7, hour),
            category="", places=(), score=0.0, snippet="",
        )  # fmt: skip

    copies = [hit("entertainment/012", 9), hit("entertainment/177", 9), hit("later", 11)]
    rows = [row.lines(60)[0].plain for row in version_rows(copies, "entertainment/177")]
    assert rows[0].endswith("[entertainment/012]") and rows[1].startswith("▸ ")
    assert rows[1].endswith("[entertainment/177]")
    assert "[" not in rows[2]  # a version unlike the others needs no id
    narrow = version_rows(copies, "later")[0].lines(30)[0].plain
    assert narrow.endswith(" [entertainment/012]") and "…" in narrow  # the id is never cut


def test_the_tui_command_exits_non_zero_when_the_app_stopped_on_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash printed Textual's traceback and still exited 0."""
    import argparse

    from tui import app as app_module
    from tui import commands

    class Crashed:
        return_code = 1

        def run(self) -> None:
            return None

    monkeypatch.setattr(app_module, "create_app", lambda settings: Crashed())
    args = argparse.Namespace(index=str(tmp_path), cluster=None)
    assert commands.run(args) == 1
