"""``newsdesk mark ID`` and ``newsdesk marks``: bookmark stories, note them, export them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.text import Text

from index.cli import add_cluster, add_index_dir
from index.errors import NewsdeskIndexError
from index.store import resolve_index_dir
from search.cli import hit_to_json
from search.export import FORMATS, Provenance, emit_export, export_hits
from search.marks import MarkedStory, Marks, marked_stories, marks_to_export
from search.output import counted, date_text, write_text
from search.present.highlight import clean_text


def register(subparsers: Any) -> None:
    mark = subparsers.add_parser(
        "mark",
        help="mark a story to come back to (with a note)",
        description="Mark the story ID (as `newsdesk search` shows ids), with a short note; "
        "again to change the note; --remove to unmark it.",
    )
    mark.add_argument("article_id", metavar="ID")
    mark.add_argument("--note", metavar="TEXT", help="a short note kept with the mark")
    mark.add_argument("--remove", action="store_true", help="unmark the story")
    add_index_dir(mark)
    add_cluster(mark)
    mark.set_defaults(run=run_mark)

    marks = subparsers.add_parser(
        "marks",
        help="list or export the marked stories",
        description="The marked stories with their notes, or an export of them.",
    )
    output = marks.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument("--format", choices=FORMATS, help="export them (with their notes)")
    marks.add_argument("--output", "-o", metavar="FILE", help="write the export to FILE")
    add_index_dir(marks)
    add_cluster(marks)
    marks.set_defaults(run=run_marks)


def run_mark(args: argparse.Namespace) -> int:
    store = Marks()
    if args.remove:
        store.unmark(args.article_id)
        print(f"unmarked {args.article_id}")
        return 0
    from search.engine import Engine

    with Engine.open(args.index, cluster=args.cluster) as engine:
        article = engine.get(args.article_id)  # a mark names a story that exists
    mark = store.mark(article, args.note, index=resolve_index_dir(args.index))
    said = f"marked {mark.id}: {clean_text(mark.title)}"
    print(said + (f" — {clean_text(mark.note)}" if mark.note else ""))
    return 0


def run_marks(args: argparse.Namespace) -> int:
    from search.engine import Engine

    store = Marks()
    index = resolve_index_dir(args.index)
    if args.format:  # an export needs the stories themselves: an unreadable index fails
        with Engine.open(args.index, cluster=args.cluster) as engine:
            hits, notes, total = marks_to_export(store, engine.get, index)
        exported = export_hits(hits, args.format, Provenance.of_marks(index, notes, total))
        emit_export(exported, args.output, args.format, counted(len(hits), "story", "stories"))
        return 0
    try:
        with Engine.open(args.index, cluster=args.cluster) as engine:
            stories = list(marked_stories(store, engine.get))
    except NewsdeskIndexError as error:
        # The marks are the user's own file: list them, say what the index lacks.
        print(f"newsdesk: {error.title}: {error} (the marks are listed as marked)", file=sys.stderr)
        stories = [MarkedStory(mark, None, checked=False) for mark in store.marks.values()]
    if args.json:
        listed = [_story_json(story, index) for story in stories]
        json.dump(listed, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    write_text(_story_lines(stories, index))
    return 0


def _story_json(story: MarkedStory, index: Path) -> dict[str, Any]:
    mark = story.mark
    return {
        "id": mark.id, "title": mark.title, "marked": mark.marked, "note": mark.note,
        "marked_in": mark.index or None,
        "in_index": story.hit is not None if story.checked else None,
        "changed": story.changed,
        "hit": hit_to_json(story.hit) if story.hit is not None else None,
    }  # fmt: skip


def _story_lines(stories: list[MarkedStory], index: Path) -> Text:
    if not stories:
        return Text("No marked stories yet: `newsdesk mark ID` (or m in the TUI) marks one.")
    text = Text()
    for story in stories:
        hit, mark = story.hit, story.mark
        when = date_text(hit.date, hit.date_inferred) if hit is not None else ""
        text.append(f"★ {when or '----------'}  ", style="yellow")
        text.append(clean_text(hit.title if hit is not None else mark.title), style="bold")
        text.append(f"  [{clean_text(mark.id)}]", style="dim")
        if story.checked and story.elsewhere(index):
            text.append(f"  (marked in {clean_text(mark.index)})", style="dim")
        elif hit is None and story.checked:
            text.append("  (no longer in the index)", style="red")
        elif story.changed:
            text.append("  (changed since marked)", style="italic")
        if mark.note:
            text.append(f"\n     {clean_text(mark.note)}", style="italic")
        text.append("\n")
    text.rstrip()
    return text
