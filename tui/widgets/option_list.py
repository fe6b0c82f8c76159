"""An ``OptionList`` that renders its rows once per width, and :class:`Row` rows directly.

Textual's ``OptionList`` drops every rendered row on any ``Resize`` event, and Textual
sends one whenever the list's scroll extent changes, that is after every new set of
results or facet counts.  Each search's rows were therefore rendered twice, in two
frames (measured on Reuters-21578: ~9 ms of the result list's frame and ~14 ms of the
facet list's).  Rendered rows depend on the width they are rendered at alone, so they
are kept until that width changes: the content width (inside the scrollbar), not the
widget's, since a height-only resize can add or remove a scrollbar, and rows rendered for
the wider content would then be cut at the right (a facet count "1,230" shown as "1,2").

Rows that are :class:`~tui.widgets.rows.Row` visuals skip Textual's generic visual
pipeline (text selection, auto-links, alignment: a row has none of them), which was about
a third of a list's render time; any other prompt is rendered by ``OptionList`` itself.
A row's strips are built in one pass (padding, list style and the option's click meta
together), ``render_line`` looks the option styles up once per render pass instead of
once per line, and the scrollbar is drawn directly too (:mod:`tui.widgets.scrollbar`).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region, Spacing
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.rows import Row
from tui.widgets.scrollbar import direct_vertical_scrollbar


class WidthCachedOptionList(OptionList):
    """Keeps rendered rows across resizes that do not change the width rows render at."""

    #: The content width the cached rows (and option heights) were rendered at.
    _rendered_width = -1
    #: Option styles by component class, looked up once per render pass (None between).
    _pass_styles: dict[str, Style] | None = None
    _pass_padding: Spacing | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return direct_vertical_scrollbar(self)

    def on_resize(self, event: events.Resize) -> None:
        """OptionList's own ``_on_resize`` would drop the rows: :meth:`render_lines` drops
        them instead, and only when the width they render at has changed."""
        event.prevent_default()
        if self.row_width() != self._rendered_width:
            self.refresh()

    def row_width(self) -> int:
        """The width rows are rendered at: inside padding, border, scrollbar and gutter."""
        return self.scrollable_content_region.width - self._get_left_gutter_width()

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.row_width()
        if width != self._rendered_width:  # e.g. a scrollbar came or went: re-measure, redraw
            self._rendered_width = width
            self._option_render_cache.clear()
            self._line_cache.clear()
        self._pass_styles = {}
        self._pass_padding = self.get_component_styles("option-list--option").padding
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = self._pass_padding = None

    def render_line(self, y: int) -> Strip:
        """``OptionList.render_line`` without its per-line bookkeeping: the lines were
        updated once by ``render_lines`` and the option styles are looked up once a pass."""
        styles = self._pass_styles
        if styles is None:
            return super().render_line(y)
        lines = self._line_cache.lines
        line_number = self.scroll_offset.y + y
        if not 0 <= line_number < len(lines):
            return super().render_line(y)  # past the last option: OptionList's blank line
        option_index, line_offset = lines[line_number]
        option = self.options[option_index]
        component_class = ""
        if option.disabled:
            component_class = "option-list--option-disabled"
        elif self.highlighted == option_index:
            component_class = "option-list--option-highlighted"
        elif self._mouse_hovering_over == option_index:
            component_class = "option-list--option-hover"
        style = styles.get(component_class)
        if style is None:
            style = styles[component_class] = (
                self.get_visual_style("option-list--option", component_class)
                if component_class
                else self.get_visual_style("option-list--option")
            )
        strips = self._get_option_render(option, style)
        return strips[line_offset] if line_offset < len(strips) else super().render_line(y)

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        prompt = option.prompt
        padding = self._pass_padding
        if padding is None:
            padding = self.get_component_styles("option-list--option").padding
        if not isinstance(prompt, Row) or padding.top or padding.bottom:
            return super()._get_option_render(option, style)
        cache_key = (option, style, padding)
        strips = self._option_render_cache.get(cache_key)
        if strips is None:
            width = self.row_width()
            base = style.rich_style
            strips = prompt.row_strips(
                width - padding.width,
                base,
                left=padding.left,
                right=padding.right,
                meta=RichStyle.from_meta({"option": self._option_to_index[option]}),
            )
            if option._divider:
                rule = self.get_visual_style("option-list--separator").rich_style
                strips.append(Strip([Segment("─" * width, rule)], width))
            self._option_render_cache[cache_key] = strips
        return strips
