"""How the UI shows a story's date: "2017-09-22", or "2017-09-22 (inferred)" when the date
was read from the story's text rather than its metadata (the CLI's wording too).

Result rows, the preview and the reader all show dates through :func:`date_label`, so a
guessed date is never shown as a fact anywhere.
"""

from __future__ import annotations

from datetime import datetime

#: Follows a date taken from the text, not from the article's metadata.
INFERRED_MARK = "(inferred)"


def date_label(date: datetime | None, inferred: bool) -> str:
    """The date as YYYY-MM-DD, marked when inferred; "" for no date."""
    if date is None:
        return ""
    shown = date.strftime("%Y-%m-%d")
    return f"{shown} {INFERRED_MARK}" if inferred else shown
