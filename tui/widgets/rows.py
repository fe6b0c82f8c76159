"""List rows of a few fixed lines, rendered straight to strips (result and facet lists).

Textual renders an ``OptionList`` prompt given as ``rich.text.Text`` by converting it to
``Content`` and word-wrapping it, and measures every option's height the same way on each
``set_options`` — for all options, not only the visible ones.  Profiling
``benchmarks/bench_tui.py`` showed that pipeline to be most of a search's frame
(~0.5 ms a line for the result and facet lists, and ~8 ms of measuring per search).  A
:class:`Row` is a Textual ``Visual`` made of a few one-line parts, each cut to the width
with an ellipsis (a snippet may take two lines): its height is known without rendering and
its strips come from Rich segments directly.  Parts are ``Text`` built by
:mod:`tui.safe_text`, so article text stays inert.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

ELLIPSIS = "…"
#: Resolves style names ("bold", "dim") for ``Text.render``; never writes anywhere.
_CONSOLE = Console(file=io.StringIO(), width=500, color_system="truecolor", legacy_windows=False)


@dataclass(frozen=True, slots=True)
class Part:
    """One field of a row: ``text`` (one line, no newlines) shown on at most ``max_lines``
    lines, then ``tail`` (e.g. a count), which is never cut."""

    text: Text
    max_lines: int = 1
    tail: Text | None = None


def cut(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells, ending in an ellipsis when something was cut."""
    if text.cell_len <= width:
        return text
    cropped = text.copy()
    cropped.rstrip()
    if cropped.cell_len <= width:
        return cropped
    cropped.truncate(max(width - 1, 0))
    cropped.rstrip()
    cropped.append(ELLIPSIS if width > 0 else "")
    return cropped


def part_lines(part: Part, width: int) -> list[Text]:
    """The lines ``part`` takes at ``width`` (none for an empty part)."""
    tail = part.tail
    room = width - tail.cell_len if tail is not None else width
    text = part.text
    if not text.plain and tail is None:
        return []
    if part.max_lines <= 1 or cell_len(text.plain.rstrip()) <= room:
        lines = [cut(text, room)]
    else:
        wrapped = list(text.wrap(_CONSOLE, max(room, 1), overflow="fold"))
        lines = wrapped[: part.max_lines]
        last = lines[-1]
        # More follows: say so at the end of the last line (once: snippets have their own).
        if len(wrapped) > part.max_lines and not last.plain.rstrip().endswith(ELLIPSIS):
            lines[-1] = cut(Text.assemble(last, ELLIPSIS, end=""), room)
    if tail is not None:  # cut only when the tail alone is wider than the row
        lines[-1] = cut(Text.assemble(lines[-1], tail, end=""), width)
    return lines


def part_height(part: Part, width: int) -> int:
    """How many lines ``part`` takes at ``width``, without laying out a two-line part.

    Heights of every option are measured on each new list (not only the visible ones), so
    this avoids word-wrapping snippets that may never be shown: a text too long for one
    line always takes two lines when it may take at most two."""
    if not part.text.plain and part.tail is None:
        return 0
    room = width - (part.tail.cell_len if part.tail is not None else 0)
    if part.max_lines <= 1 or cell_len(part.text.plain.rstrip()) <= room:
        return 1
    if part.max_lines == 2:
        return 2
    return len(part_lines(part, width))


class Row(Visual):
    """A list row: its parts one under the other, each cut to the width (see module doc)."""

    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts = tuple(parts)
        self._lines: dict[int, list[Text]] = {}

    @property
    def plain(self) -> str:
        """The row's whole text (uncut), one line per part."""
        return "\n".join(
            part.text.plain + (part.tail.plain if part.tail else "") for part in self.parts
        )

    def lines(self, width: int) -> list[Text]:
        """The row laid out at ``width`` (cached: a list keeps one width for a long time)."""
        lines = self._lines.get(width)
        if lines is None:
            lines = [line for part in self.parts for line in part_lines(part, width)]
            self._lines = {width: lines}
        return lines

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        widths = [
            part.text.cell_len + (part.tail.cell_len if part.tail else 0) for part in self.parts
        ]
        return min(max(widths, default=0), container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(part_height(part, width) for part in self.parts)

    def row_strips(
        self,
        width: int,
        base: RichStyle,
        *,
        left: int = 0,
        right: int = 0,
        meta: RichStyle | None = None,
    ) -> list[Strip]:
        """The lines as strips ``left + width + right`` cells wide on the ``base`` (list's)
        style, with ``left`` and ``right`` blank cells (padding) and ``meta`` (e.g. the
        option index for mouse clicks) on every segment: one pass over each line's segments.
        """
        styled = base + meta if meta is not None else base
        full_width = left + width + right
        margin = [Segment(" " * left, styled)] if left else []
        strips = []
        for line in self.lines(width):
            segments = margin + [
                Segment(text, styled + style if style is not None else styled)
                for text, style, _ in line.render(_CONSOLE)
            ]
            room = full_width - left - line.cell_len
            if room > 0:
                segments.append(Segment(" " * room, styled))
            strips.append(Strip(segments, max(full_width, left + line.cell_len)))
        return strips

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        strips = self.row_strips(width, style.rich_style)
        return strips if height is None else strips[:height]
