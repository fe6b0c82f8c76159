"""Query history: Alt+Up/Alt+Down (or Ctrl+R) in the search bar, kept across sessions in
a plain text file."""

from __future__ import annotations

import contextlib
from pathlib import Path

#: Oldest entries are dropped beyond this many.
MAX_ENTRIES = 500


class QueryHistory:
    """Past queries, newest last, with a cursor for Up/Down browsing.

    The file holds one query per line; a missing or unreadable file means an empty history
    and a failed save is ignored (history is a convenience, never worth an error dialog).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: list[str] = self._load()
        self._cursor = len(self.entries)
        #: What the bar held when the walk through the history began (given back after
        #: the newest entry, so a query being written is never lost).
        self._draft = ""

    def _load(self) -> list[str]:
        if self.path is None:
            return []
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        return [line for line in lines if line.strip()][-MAX_ENTRIES:]

    def add(self, query: str) -> None:
        """Record ``query`` as the newest entry (moving it if already present) and save."""
        query = " ".join(query.split())
        if query:
            if query in self.entries:
                self.entries.remove(query)
            self.entries.append(query)
            del self.entries[:-MAX_ENTRIES]
            self._save()
        self._cursor = len(self.entries)

    def _save(self) -> None:
        if self.path is None:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text("\n".join(self.entries) + "\n", encoding="utf-8")
            temporary.replace(self.path)

    def previous(self, draft: str = "") -> str | None:
        """The entry before the cursor, or None at the oldest; ``draft`` is what the bar
        holds, kept when the walk starts from it."""
        if self._cursor == 0:
            return None
        if self._cursor == len(self.entries):
            self._draft = draft
        self._cursor -= 1
        return self.entries[self._cursor]

    def next(self) -> str | None:
        """The entry after the cursor; past the newest, the draft the walk began from."""
        if self._cursor >= len(self.entries):
            return None
        self._cursor += 1
        return self.entries[self._cursor] if self._cursor < len(self.entries) else self._draft

    def reset_cursor(self) -> None:
        self._cursor = len(self.entries)
