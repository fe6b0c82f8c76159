"""An ``OptionList`` that renders its rows once per width, not once per resize.

Textual's ``OptionList`` drops every rendered row on any ``Resize`` event, and Textual
sends one whenever the list's scroll extent changes, that is after every new set of
results or facet counts.  Each search's rows were therefore rendered twice, in two
frames (measured on Reuters-21578: ~9 ms of the result list's frame and ~14 ms of the
facet list's).  Rendered rows depend on the width alone, so a resize that keeps the
width keeps them.
"""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList


class WidthCachedOptionList(OptionList):
    """Keeps rendered rows across resizes that do not change the width."""

    _rendered_width = -1

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width == self._rendered_width:
            event.prevent_default()  # OptionList's own _on_resize would drop the rows
            return
        self._rendered_width = event.size.width
