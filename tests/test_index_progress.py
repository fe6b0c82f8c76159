"""The build's progress tells the truth in every phase: each phase by name with its own
count and total, the commit's steps (which count no articles) by name, and a clock that
moves on while a step runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from test_index_corpora import _reuters_files

from index import BuildProgress, build_index
from index import progress as progress_module
from index.progress import ProgressMeter
from tui.widgets.index_progress import progress_line

STEPS = ["writing segments", "merging segments", "writing postings files", "writing facet columns"]


def test_a_multiprocess_build_reports_every_phase_in_order(corpora: Path, tmp_path: Path) -> None:
    folder = _reuters_files(corpora, tmp_path / "reuters", ("reut2-000.sgm", "reut2-001.sgm",
                                                            "reut2-002.sgm"))  # fmt: skip
    events: list[BuildProgress] = []
    summary = build_index([folder], tmp_path / "index", procs=2, progress=events.append)
    assert summary.added == 3000  # past the threshold: the worker processes write it
    phases = list(dict.fromkeys(event.phase for event in events))
    assert phases == ["reading", "indexing", *STEPS, "committing"]
    indexing = [event for event in events if event.phase == "indexing"]
    assert {event.total for event in indexing} == {3000} and indexing[-1].done == 3000
    assert not any(event.estimated for event in indexing)  # a count, not "~3,000"
    for event in events:
        if event.phase in (*STEPS, "committing"):  # a step: no count, no made-up total
            assert (event.done, event.total, event.eta_seconds) == (0, None, None)
    elapsed = [event.elapsed_seconds for event in events]
    assert elapsed == sorted(elapsed) and elapsed[-1] > 0


def test_the_clock_moves_on_through_a_step_that_counts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(progress_module, "TICK_SECONDS", 0.01)
    events: list[BuildProgress] = []
    ticked = threading.Event()

    def record(event: BuildProgress) -> None:
        events.append(event)
        if len([e for e in events if e.phase == "merging segments"]) >= 3:
            ticked.set()

    meter = ProgressMeter(record, None)
    with meter.ticking():
        meter.step("merging segments")
        assert ticked.wait(timeout=10)  # repeated with nothing else reported
    merging = [e.elapsed_seconds for e in events if e.phase == "merging segments"]
    assert merging == sorted(merging) and merging[-1] > merging[0]
    line = progress_line(BuildProgress(0, None, 0.0, None, "merging segments", 65.2))
    assert line == "merging segments… · 1:05 in all"


def test_one_big_file_has_a_reading_total_long_before_it_ends(
    corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AG News is one CSV of 7,600 stories inside an archive: the reading phase
    estimates its total from how far into that file it is, not only when it ends."""
    monkeypatch.setattr(progress_module, "_UPDATES_PER_SECOND", 1000)  # see every estimate
    events: list[BuildProgress] = []
    archive = corpora / "ag_news" / "ag_news_csv-test.tar.gz"
    summary = build_index([archive], tmp_path / "index", progress=events.append)
    read = summary.added
    assert read > 7000
    reading = [event for event in events if event.phase == "reading"]
    early = [event for event in reading if event.done < read // 2 and event.total is not None]
    assert early, "no total while the first half of the file was read"
    assert all(0.7 * read <= event.total <= 1.4 * read for event in early)  # type: ignore[operator]
    assert all(event.estimated for event in early)  # shown as "~7,600"
    assert (reading[-1].done, reading[-1].total) == (read, read)
    assert not reading[-1].estimated  # the final count is no estimate


def test_the_summary_rate_counts_the_articles_written() -> None:
    """Adding one story to a 2,225-story index said "1,113 articles/s"."""
    from index.build import BuildSummary
    from index.cli import describe_summary

    added = BuildSummary(1, 0, 0, 2225, 2226, [], 2.0, Path("/tmp/index"))
    assert "(2.0 s, 0.5 articles/s)" in describe_summary(added)
    built = BuildSummary(2225, 0, 0, 0, 2225, [], 4.3, Path("/tmp/index"), rebuilt=True)
    assert "built 2,225 articles; index holds 2,225 articles (4.3 s, 517 articles/s)" in (
        describe_summary(built)
    )
    same = BuildSummary(0, 0, 0, 2225, 2225, [], 0.3, Path("/tmp/index"))
    assert "(0.3 s) at /tmp/index" in describe_summary(same)


def test_plain_progress_lines_never_count_backwards(monkeypatch: pytest.MonkeyPatch) -> None:
    """A log read "indexing: 21,578 of 21,578" then "21,528": a count held back (too
    soon after the last line) was printed after a newer one, when the phase ended."""
    import io

    from index import progress_display

    clock = iter([0.0, 1.0, 10.0, 11.0, 12.0])
    monkeypatch.setattr(progress_display.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    update = progress_display._plain_progress(stream)
    for done, phase in ((0, "indexing"), (50, "indexing"), (100, "indexing"), (0, "committing")):
        update(BuildProgress(done, 100, 10.0, None, phase, 1.0))
    counts = [int(line.split(": ")[1].split(" ")[0]) for line in stream.getvalue().splitlines()
              if line.startswith("indexing: ")]  # fmt: skip
    assert counts == sorted(counts) and counts[-1] == 100
