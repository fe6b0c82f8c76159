"""Turning untrusted article text into inert ``rich.text.Text``.

Article text comes from the corpus and may contain Rich/Textual markup (``[@click=...]``)
or terminal escape sequences (``\\x1b]0;...\\x07``, ``\\x1b[2J``).  Everything the UI shows
from an article goes through :func:`safe_text` or :func:`highlighted_text`: the result is
a ``Text`` object (never parsed as markup) with escape sequences and control characters
removed, so the text displays literally and can never act on the app or the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.text import Text

from corpus.errors import NewsdeskError

#: ANSI escape sequences (CSI, OSC, DCS/SOS/PM/APC strings and two-byte ESC forms), then any
#: remaining C0/C1 control character except newline and tab.
_UNSAFE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                       # CSI ... final byte
    | \x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?    # OSC/DCS/SOS/PM/APC ... BEL or ST
    | \x9b[0-?]*[ -/]*[@-~]                       # 8-bit CSI
    | \x1b[ -/]*[0-~]?                            # other ESC sequences (or a lone ESC)
    | [\x00-\x08\x0b-\x1f\x7f-\x9f]               # other control characters
    """,
    re.VERBOSE,
)

Span = tuple[int, int]


def clean(text: str) -> str:
    """The text without escape sequences or control characters (tabs become spaces)."""
    return _UNSAFE.sub("", text).replace("\t", " ")


def clean_with_spans(text: str, spans: Iterable[Span]) -> tuple[str, list[Span]]:
    """Clean ``text`` and move the (start, end) ``spans`` to the same characters after cleaning.

    Spans index the original text (they come from the search engine); removing escape
    sequences shifts characters left, so each offset is mapped through the removals.
    """
    removed: list[tuple[int, int]] = [(m.start(), m.end()) for m in _UNSAFE.finditer(text)]
    cleaned = clean(text)
    if not removed:
        return cleaned, [(s, e) for s, e in spans if 0 <= s < e <= len(text)]

    def shift(offset: int) -> int:
        lost = 0
        for start, end in removed:
            if start >= offset:
                break
            lost += min(end, offset) - start
        return offset - lost

    moved = [(shift(s), shift(e)) for s, e in spans if 0 <= s < e <= len(text)]
    return cleaned, [(s, e) for s, e in moved if s < e]


def safe_text(text: str, style: str | Style = "", *, one_line: bool = False) -> Text:
    """An inert ``Text`` for untrusted ``text`` (optionally with newlines folded to spaces)."""
    cleaned = clean(text)
    if one_line:
        cleaned = " ".join(cleaned.split())
    return Text(cleaned, style=style, end="")


def highlighted_text(
    text: str,
    spans: Sequence[Span],
    *,
    style: str | Style = "",
    match_style: str | Style = "bold reverse",
    current: int | None = None,
    current_style: str | Style = "bold black on yellow",
) -> Text:
    """Untrusted ``text`` with the ``spans`` (matched words) styled; ``current`` stands out."""
    cleaned, moved = clean_with_spans(text, spans)
    result = Text(cleaned, style=style, end="")
    for index, (start, end) in enumerate(moved):
        result.stylize(current_style if index == current else match_style, start, end)
    return result


def one_line(text: Text) -> Text:
    """``text`` with newlines shown as spaces (for list rows), keeping its styles."""
    plain = text.plain
    if "\n" not in plain:
        return text
    copy = text.copy()
    copy.plain = plain.replace("\n", " ")
    return copy


def failure_text(error: BaseException | None) -> str:
    """ "Bad query: unclosed quote …", "Unexpected error: ValueError: …" (escapes removed)."""
    if isinstance(error, NewsdeskError):
        return clean(f"{error.title}: {error}")
    return clean(f"Unexpected error: {type(error).__name__}: {error}")
