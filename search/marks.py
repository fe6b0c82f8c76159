"""Bookmarks: stories a journalist marks to come back to, each with an optional note.

Marks are kept by article id (with the headline and content hash at the time, so a
story gone from the index or changed since is still named and flagged), in one JSON file
in the XDG data dir (``marks.json``; ``$NEWSDESK_MARKS``), rewritten whole through a
temporary file renamed over it; a damaged file is an error naming it, never replaced.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_data_path

from corpus.model import Article
from search.errors import ArticleNotFoundError, SearchError
from search.present.hitcache import to_hit
from search.results import Hit
from search.user_data import index_key, write_json

FORMAT = 2
#: Format 1 marks name no index ("" : judged against any).
_READABLE = (1, FORMAT)


def default_marks_path() -> Path:
    """``$NEWSDESK_MARKS`` if set, else ``marks.json`` in the per-user data dir."""
    configured = os.environ.get("NEWSDESK_MARKS")
    if configured:
        return Path(configured).expanduser()
    return user_data_path("newsdesk") / "marks.json"


@dataclass(frozen=True, slots=True)
class Mark:
    """One marked story: its id, what it was when marked, and the note on it."""

    id: str
    title: str
    marked: str  #: when (ISO 8601, UTC)
    content_hash: str = ""
    note: str = ""
    #: The index it was marked in (its full path; "" in marks older than this field).
    index: str = ""


class Marks:
    """The marked stories of one file, in the order they were marked."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_marks_path()
        self.marks: dict[str, Mark] = self._read()

    def _read(self) -> dict[str, Mark]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            items = data["marks"] if data.get("format") in _READABLE else None
            if not isinstance(items, list):
                raise ValueError("not a list of marks")
            known = set(Mark.__dataclass_fields__)
            return {
                str(item["id"]): Mark(**{k: v for k, v in item.items() if k in known})
                for item in items
            }
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise SearchError(
                f"cannot read the marked stories in {self.path}: {error}; fix or move the file"
            ) from None

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.marks

    def of_index(self, index: str | Path) -> list[Mark]:
        """The marks made in ``index`` (and those older marks that do not say where)."""
        where = index_key(index)
        return [mark for mark in self.marks.values() if mark.index in ("", where)]

    def mark(
        self, article: Article, note: str | None = None, *, index: str | Path | None = None
    ) -> Mark:
        """Mark ``article`` of the index ``index`` (again: its note replaced when one is
        given)."""
        old = self.marks.get(article.id)
        mark = Mark(
            id=article.id,
            title=article.title,
            marked=old.marked if old else datetime.now(UTC).isoformat(timespec="seconds"),
            content_hash=article.content_hash,
            note=" ".join(note.split()) if note is not None else (old.note if old else ""),
            index=index_key(index) if index is not None else (old.index if old else ""),
        )
        self.marks[article.id] = mark
        self._write()
        return mark

    def unmark(self, article_id: str) -> None:
        if article_id not in self.marks:
            raise SearchError(f"story {article_id!r} is not marked")
        del self.marks[article_id]
        self._write()

    def _write(self) -> None:
        document = {"format": FORMAT, "marks": [asdict(mark) for mark in self.marks.values()]}
        write_json(self.path, document, "marks")


@dataclass(frozen=True, slots=True)
class MarkedStory:
    """A mark with the story as the index holds it now (None: no longer there)."""

    mark: Mark
    hit: Hit | None
    #: False when the index could not be read (``hit`` is then None: not known).
    checked: bool = True

    def elsewhere(self, index: str | Path) -> bool:
        """Not in ``index``, but marked in another one (so not "gone": elsewhere)."""
        return self.hit is None and self.mark.index not in ("", index_key(index))

    @property
    def changed(self) -> bool:
        """The story's text changed since it was marked."""
        return self.hit is not None and self.hit.content_hash != self.mark.content_hash


def marked_stories(marks: Marks, get: Callable[[str], Article]) -> Iterator[MarkedStory]:
    """Each mark with its story read from the index (``get``: ``Engine.get``)."""
    for mark in marks.marks.values():
        try:
            article = get(mark.id)
        except ArticleNotFoundError:
            yield MarkedStory(mark, None)
            continue
        yield MarkedStory(mark, to_hit(article, 0.0, "", ()))


def marks_to_export(
    marks: Marks, get: Callable[[str], Article], index: str | Path
) -> tuple[list[Hit], dict[str, str], int]:
    """What an export of the marked stories holds (``newsdesk marks --format``, the
    TUI's F7): the marked stories found in ``index`` (wherever they were marked), their
    notes, and how many marks are this index's (marked here, or found here)."""
    found = [story for story in marked_stories(marks, get) if story.hit is not None]
    own = {mark.id for mark in marks.of_index(index)} | {story.mark.id for story in found}
    notes = {story.mark.id: story.mark.note for story in found}
    return [story.hit for story in found if story.hit is not None], notes, len(own)
