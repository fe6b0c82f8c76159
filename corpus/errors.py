"""The project's one exception tree.

Every error newsdesk raises on purpose is a :class:`NewsdeskError`.  Each carries a short
``title`` (for dialog headers and CLI prefixes) and a message that tells the user what to
do.  Layers to the right (index, search, tui) subclass these; library errors (Whoosh,
OS) are mapped to them at the boundary where they occur.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises deliberately."""

    title = "newsdesk error"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class CorpusError(NewsdeskError):
    """A corpus path cannot be read at all (missing, not a file or folder, unreadable)."""

    title = "Cannot read corpus"
