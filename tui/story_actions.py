"""What a user does with a story once found: copy a part of it, open its link or file.

Copying goes through the terminal (``App.copy_to_clipboard``: the OSC 52 escape
sequence, which most terminals and tmux pass to the system clipboard; macOS Terminal
does not), and the app says what was copied.  Opening follows the story to where it
came from: its web address in the browser (http and https only: an address in an
article is data, never a command), else its file in ``$PAGER`` (``less``), or in
``$EDITOR`` (``vi``) to edit; a story inside an archive, or one whose file is gone, is
written to a temporary file for the pager instead.  Deciding what to run is a pure
function (:func:`open_plan`), so it is tested without a terminal.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from textual.app import App, SuspendNotSupported

from corpus.model import Article
from search.errors import SearchError
from search.export import citation
from search.marks import Marks
from search.output import article_text
from tui.safe_text import failure_text

#: Formats of one story a file (``Article.format``): the file opens as the story.
_ONE_STORY_FORMATS = frozenset({"text", "html", "markdown"})

#: Parts of a story that can be copied: key, name, and how it is made.
COPY_CHOICES = (
    ("i", "id"),
    ("h", "headline"),
    ("c", "citation"),
    ("l", "link"),
    ("t", "text"),
)
COPY_LABELS = {
    "id": "its id",
    "headline": "the headline",
    "citation": "a Markdown citation (headline, source, date, link, id)",
    "link": "its web address, or its file's path",
    "text": "the whole story",
}


def copy_text(article: Article, part: str) -> str:
    """The text of one part of the story to copy."""
    if part == "id":
        return article.id
    if part == "headline":
        return article.title
    if part == "citation":
        return citation(article)
    if part == "link":
        return article.url or article.path
    return article_text(article).plain  # as `newsdesk show` prints it


@dataclass(frozen=True, slots=True)
class OpenPlan:
    """How to open a story: a web address, or a program on a file (``text``: a story
    with no file of its own, written to a temporary file first)."""

    kind: Literal["url", "program"]
    target: str = ""
    argv: tuple[str, ...] = ()
    text: str = ""
    #: What the app says it does ("Opening … in the browser").
    said: str = ""


def open_plan(article: Article, *, edit: bool, environ: Mapping[str, str]) -> OpenPlan:
    """What opening (or, with ``edit``, editing) ``article`` runs."""
    url = article.url.strip()
    if not edit and url.lower().startswith(("http://", "https://")) and " " not in url:
        return OpenPlan("url", target=url, said=f"Opening {url} in the browser")
    variable, fallback = ("EDITOR", "vi") if edit else ("PAGER", "less")
    program = shlex.split(environ.get(variable) or fallback) or [fallback]
    path = Path(article.path) if article.path and "::" not in article.path else None
    own_file = article.format in _ONE_STORY_FORMATS  # not a line of a JSONL or .sgm file
    if path is not None and own_file and path.is_file():
        return OpenPlan(
            "program", argv=(*program, str(path)), said=f"Opening {path} in {program[0]}"
        )
    text = copy_text(article, "text") + "\n"
    if path is None:
        where = "is inside an archive" if article.path else "is not on disk"
    else:
        where = "holds other stories too" if not own_file else "is not on disk"
    said = f"The story's file {where}: its text opens in {program[0]}"
    return OpenPlan("program", argv=tuple(program), text=text, said=said)


def toggle_mark(app: App[object], article: Article, index: Path | None) -> bool | None:
    """Mark ``article`` (of the index ``index``), or unmark it if marked; the app says
    which.  None: the marks file cannot be read or written (said too)."""
    try:
        marks = Marks()
        if article.id in marks:
            marks.unmark(article.id)
            app.notify("Unmarked", markup=False)
            return False
        marks.mark(article, index=index)
    except SearchError as error:
        app.notify(failure_text(error), severity="error", markup=False)
        return None
    app.notify("Marked ★ (newsdesk marks lists the marked stories)", markup=False)
    return True


def note_on(app: App[object], article: Article, note: str, index: Path | None) -> bool:
    """Keep ``note`` with ``article``, marking it; False if the marks cannot be saved."""
    try:
        Marks().mark(article, note, index=index)
    except SearchError as error:
        app.notify(failure_text(error), severity="error", markup=False)
        return False
    app.notify("Note kept; the story is marked ★", markup=False)
    return True


def pager_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a pager or editor runs in (``less`` shows UTF-8 as such)."""
    return {**environ, "LESSCHARSET": environ.get("LESSCHARSET", "utf-8")}


def run_plan(app: App[object], plan: OpenPlan) -> None:
    """Carry out ``plan``: the browser, or the program with the app suspended meanwhile
    (a failure to start it is said, never raised)."""
    if plan.kind == "url":
        app.open_url(plan.target)
        app.notify(plan.said, markup=False)
        return
    temp: Path | None = None
    argv = list(plan.argv)
    try:
        if plan.text:
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", suffix=".txt", prefix="newsdesk-", delete=False
            ) as handle:
                handle.write(plan.text)
            temp = Path(handle.name)
            argv.append(str(temp))
        # The program draws on the terminal even when standard output is a pipe
        # (``newsdesk pick``): where the app itself draws.
        screen = None if sys.stdout.isatty() else sys.__stderr__
        with app.suspend():
            subprocess.run(argv, env=pager_environment(os.environ), check=False, stdout=screen)
        app.notify(plan.said, markup=False)
    except (OSError, SuspendNotSupported) as error:
        app.notify(f"Cannot run {argv[0]}: {error}", severity="error", markup=False)
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
