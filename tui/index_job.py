"""Index writes from the app, run as a ``newsdesk index --json`` child process.

The app never builds in its own process: Textual replaces ``sys.stderr`` with an object
whose ``fileno()`` is -1, which makes every multiprocessing start from the app fail
("bad value(s) in fds_to_keep"), and forking the app's threads is unsafe anyway.  A
child process runs exactly what ``newsdesk index`` runs (its worker processes included),
keeps the UI thread free of the build's CPU work, and reports progress, then its summary
or its error, as JSON Lines.  Killing the child (the app quits mid-build) is as safe as a
Ctrl-C: the previous index stays live.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import NewsdeskError
from index import BuildProgress

#: Seconds a cancelled child gets to clean up after Ctrl-C before it is killed.
_CANCEL_GRACE = 10.0


class IndexJobError(NewsdeskError):
    """The child's error, with the name of the exception it raised (``kind``)."""

    def __init__(self, message: str, *, title: str, kind: str) -> None:
        super().__init__(message, title=title)
        self.kind = kind


def error_kind(error: NewsdeskError) -> str:
    """The name of the error's class, also for one raised in a child process."""
    return error.kind if isinstance(error, IndexJobError) else type(error).__name__


@dataclass(frozen=True, slots=True)
class JobSummary:
    """What the write did (the fields of ``index.BuildSummary`` the app shows)."""

    added: int
    updated: int
    deleted: int
    unchanged: int
    total: int
    rebuilt: bool
    #: ``newsdesk index``'s own summary (a line per corpus when several were involved).
    text: str


class IndexJob:
    """One ``newsdesk index`` run in a child process (``run`` blocks: call it from a
    worker thread; ``cancel`` from any thread)."""

    def __init__(
        self,
        index_dir: Path,
        paths: Sequence[str | Path] | None = None,
        *,
        rebuild: bool = False,
    ) -> None:
        self.argv = [sys.executable, "-m", "tui.cli", "index", "--json", "--index", str(index_dir)]
        self.argv += [str(path) for path in paths or ()]
        if rebuild:
            self.argv.append("--rebuild")
        self._process: subprocess.Popen[str] | None = None
        self._cancelled = False

    def run(self, progress: Callable[[BuildProgress], None]) -> JobSummary:
        """Run to the end; raises the child's error as an :class:`IndexJobError`."""
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
            # stderr to a file, not a pipe: a child writing much there can never block
            process = self._process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
            assert process.stdout is not None
            outcome: dict[str, Any] | None = None
            for line in process.stdout:
                event = _event(line)
                if event is None:
                    continue
                if event.get("event") == "progress":
                    progress(_progress(event))
                elif event.get("event") in ("summary", "error"):
                    outcome = event
            status = process.wait()
            errors.seek(0)
            error_text = errors.read()
        if self._cancelled:
            raise IndexJobError(
                "The index update was cancelled; the previous index is unchanged.",
                title="Cancelled",
                kind="Cancelled",
            )
        if outcome is None or outcome["event"] == "error":
            raise _error(outcome, status, error_text)
        return JobSummary(
            added=int(outcome["added"]),
            updated=int(outcome["updated"]),
            deleted=int(outcome["deleted"]),
            unchanged=int(outcome["unchanged"]),
            total=int(outcome["total"]),
            rebuilt=bool(outcome["rebuilt"]),
            text=str(outcome.get("text", "")),
        )

    def cancel(self) -> None:
        """Stop the child as Ctrl-C would (it deletes its temp folder), then for good."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        self._cancelled = True
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=_CANCEL_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()


def _event(line: str) -> dict[str, Any] | None:
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) else None


def _progress(event: dict[str, Any]) -> BuildProgress:
    return BuildProgress(
        done=int(event["done"]),
        total=None if event.get("total") is None else int(event["total"]),
        articles_per_second=float(event["articles_per_second"]),
        eta_seconds=None if event.get("eta_seconds") is None else float(event["eta_seconds"]),
        phase=str(event["phase"]),
        elapsed_seconds=float(event.get("elapsed_seconds", 0.0)),
        estimated=bool(event.get("estimated", False)),
    )


def _error(outcome: dict[str, Any] | None, status: int, errors: str) -> IndexJobError:
    if outcome is not None:
        return IndexJobError(
            str(outcome["message"]), title=str(outcome["title"]), kind=str(outcome["kind"])
        )
    last = next((line for line in reversed(errors.splitlines()) if line.strip()), "")
    return IndexJobError(
        f"`newsdesk index` stopped (exit status {status}): {last or 'no message'}",
        title="Index update failed",
        kind="IndexJobError",
    )
