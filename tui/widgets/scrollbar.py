"""Vertical scrollbars drawn straight from their segments (result, facet and preview panes).

Textual draws a ``ScrollBar`` as a Rich renderable: each paint goes through a Rich console
render and the generic per-line widget pipeline, ~2 ms a scrollbar on this machine, and
every new search repaints two or three of them (their thumbs move).  The bar itself is a
column of one-cell segments (``ScrollBarRender.render_bar``), so :class:`DirectScrollBar`
turns those segments into strips directly: same glyphs, colours and mouse actions.
"""

from __future__ import annotations

from rich.color import Color
from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

#: Textual's own fallbacks when a scrollbar style has no colour.
_BACK = Color.parse("#555555")
_BAR = Color.parse("bright_magenta")


class DirectScrollBar(ScrollBar):
    """A vertical ``ScrollBar`` rendered without the Rich console (see module doc)."""

    def render_lines(self, crop: Region) -> list[Strip]:
        width, height = self.size
        renderable = self.render()
        if not self.vertical or not isinstance(renderable, ScrollBarRender) or not width:
            return super().render_lines(crop)
        style = renderable.style
        assert not isinstance(style, str)  # ScrollBar.render passes a Style
        bar = ScrollBarRender.render_bar(
            size=height,
            virtual_size=renderable.virtual_size,
            window_size=renderable.window_size,
            position=renderable.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or _BACK,
            bar_color=style.color or _BAR,
        )
        base = self.visual_style.rich_style  # what Rich's render would apply under the bar
        _, background = self.background_colors
        filters = self.get_line_filters()
        strips: list[Strip] = []
        for text, segment_style, _ in bar.segments[crop.y : crop.bottom]:
            strip = Strip([Segment(text, base + segment_style)], width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(
                strip if crop.column_span == (0, width) else strip.crop(*crop.column_span)
            )
        return strips


def direct_vertical_scrollbar(widget: Widget) -> ScrollBar:
    """``widget``'s vertical scrollbar, created as a :class:`DirectScrollBar` (as
    ``Widget.vertical_scrollbar`` creates Textual's own, which it then returns)."""
    if widget._vertical_scrollbar is None:
        scroll_bar = DirectScrollBar(
            vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
        )
        scroll_bar.display = False
        widget._vertical_scrollbar = scroll_bar
        widget.app._start_widget(widget, scroll_bar)
    return widget._vertical_scrollbar
