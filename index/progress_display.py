"""How a build's progress is shown: a Rich bar with a real total and ETA on a terminal,
a plain line every few seconds otherwise (a log, CI), JSON Lines with ``--json`` (the
TUI reads those)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any, TextIO

from index.progress import BuildProgress

#: Seconds between plain progress lines when stderr is not a terminal.
PLAIN_PROGRESS_INTERVAL = 5.0


@contextmanager
def progress_reporter(quiet: bool) -> Iterator[Callable[[BuildProgress], None] | None]:
    if quiet:
        yield None
    elif sys.stderr.isatty():
        with _rich_progress() as callback:
            yield callback
    else:
        yield _plain_progress(sys.stderr)


@contextmanager
def _rich_progress() -> Iterator[Callable[[BuildProgress], None]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        TextColumn("elapsed · ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task: TaskID = bar.add_task("reading", total=None, count="")

        def update(event: BuildProgress) -> None:
            bar.update(
                task,
                completed=event.done,
                total=event.total,
                description=event.phase,
                count=_counted(event),
            )

        yield update


def _counted(event: BuildProgress) -> str:
    """ "1,200/21,578 · 850 articles/s" while a phase counts articles; "" in a step."""
    if event.total is None and event.done == 0:
        return ""
    of_total = f"/{event.total_text}" if event.total is not None else "/?"
    return f"{event.done:,}{of_total} · {event.articles_per_second:,.0f} articles/s"


def _plain_progress(stream: TextIO) -> Callable[[BuildProgress], None]:
    """A line when a phase starts, one every PLAIN_PROGRESS_INTERVAL seconds, and the
    last count of a phase that counts articles when it ends."""
    last_phase, last_time = "", 0.0
    held: BuildProgress | None = None  # a count not printed yet (too soon after the last)

    def line(event: BuildProgress) -> str:
        if event.total is None and event.done == 0:  # a step: how long the build has run
            return f"{event.phase}… ({event.elapsed_seconds:.0f} s in all)"
        of_total = f" of {event.total_text}" if event.total else ""
        noun = "article" if event.done == 1 else "articles"
        eta = f", ETA {event.eta_seconds:.0f} s" if event.eta_seconds is not None else ""
        return (
            f"{event.phase}: {event.done:,}{of_total} {noun} "
            f"({event.articles_per_second:,.0f}/s{eta})"
        )

    def update(event: BuildProgress) -> None:
        nonlocal last_phase, last_time, held
        now = time.monotonic()
        if event.phase == last_phase and now - last_time < PLAIN_PROGRESS_INTERVAL:
            held = event if event.done else held
            return
        if event.phase != last_phase:
            if held is not None and held.phase == last_phase:
                print(line(held), file=stream, flush=True)
            held = None
            last_phase, last_time = event.phase, now
            if event.done == 0:
                print(f"{event.phase}…", file=stream, flush=True)
                return
        last_phase, last_time, held = event.phase, now, None  # (a held count is older)
        print(line(event), file=stream, flush=True)

    return update


def json_progress(event: BuildProgress) -> None:
    emit_json({"event": "progress", **asdict(event)})


def emit_json(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
