"""The lists' fast paths draw exactly what Textual would, and the mouse still works on them."""

from __future__ import annotations

from rich.text import Text
from test_tui_support import pilot_test
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.widgets.option_list import WidthCachedOptionList
from tui.widgets.rows import Part, Row
from tui.widgets.scrollbar import DirectScrollBar


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        options = [Option(Row([Part(Text(f"story {i}", style="bold"))])) for i in range(60)]
        yield WidthCachedOptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.selected.append(event.option_index)


def as_plain(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


@pilot_test
async def test_the_direct_scrollbar_draws_what_textual_draws_at_every_position() -> None:
    app = ListApp()
    async with app.run_test(size=(30, 10)) as pilot:
        option_list = app.query_one(WidthCachedOptionList)
        bar = option_list.vertical_scrollbar
        assert isinstance(bar, DirectScrollBar)
        for scroll_y in (0, 17, option_list.max_scroll_y):
            option_list.scroll_to(y=scroll_y, animate=False)
            await pilot.pause()
            region = Region(0, 0, bar.size.width, bar.size.height)
            assert as_plain(bar.render_lines(region)) == as_plain(
                ScrollBar.render_lines(bar, region)
            )


@pilot_test
async def test_scrollbar_track_and_rows_still_take_clicks() -> None:
    app = ListApp()
    async with app.run_test(size=(30, 10)) as pilot:
        option_list = app.query_one(WidthCachedOptionList)
        bar = option_list.vertical_scrollbar
        await pilot.click(bar, offset=(0, bar.size.height - 1))  # the track under the thumb
        await pilot.pause()
        assert option_list.scroll_y > 0
        top = int(option_list.scroll_y)
        inside = option_list.scrollable_content_region.offset - option_list.region.offset
        await pilot.click(option_list, offset=(inside.x + 1, inside.y + 1))  # 2nd visible row
        await pilot.pause()
        assert app.selected == [top + 1]
