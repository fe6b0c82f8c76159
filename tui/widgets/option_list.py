"""An ``OptionList`` that renders its rows once per width, and :class:`Row` rows directly.

Textual's ``OptionList`` drops every rendered row on any ``Resize`` event, and Textual
sends one whenever the list's scroll extent changes, that is after every new set of
results or facet counts.  Each search's rows were therefore rendered twice, in two
frames (measured on Reuters-21578: ~9 ms of the result list's frame and ~14 ms of the
facet list's).  Rendered rows depend on the width alone, so a resize that keeps the
width keeps them.

Rows that are :class:`~tui.widgets.rows.Row` visuals skip Textual's generic visual
pipeline (text selection, auto-links, alignment: a row has none of them), which was about
a third of a list's render time; any other prompt is rendered by ``OptionList`` itself.
"""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.rows import Row


class WidthCachedOptionList(OptionList):
    """Keeps rendered rows across resizes that do not change the width."""

    _rendered_width = -1

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width == self._rendered_width:
            event.prevent_default()  # OptionList's own _on_resize would drop the rows
            return
        self._rendered_width = event.size.width

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        prompt = option.prompt
        padding = self.get_component_styles("option-list--option").padding
        if not isinstance(prompt, Row) or padding.top or padding.bottom:
            return super()._get_option_render(option, style)
        cache_key = (option, style, padding)
        strips = self._option_render_cache.get(cache_key)
        if strips is None:
            width = self.scrollable_content_region.width - self._get_left_gutter_width()
            base = style.rich_style
            meta = {"option": self._option_to_index[option]}
            left = Segment(" " * padding.left, base) if padding.left else None
            strips = [
                Strip.join([Strip([left], padding.left), strip] if left else [strip])
                .extend_cell_length(width, base)
                .apply_meta(meta)
                for strip in prompt.row_strips(width - padding.width, base)
            ]
            if option._divider:
                rule = self.get_visual_style("option-list--separator").rich_style
                strips.append(Strip([Segment("─" * width, rule)], width))
            self._option_render_cache[cache_key] = strips
        return strips
