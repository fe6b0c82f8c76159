"""The result list: one row per hit (title, date · source · places, highlighted snippet)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import events
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from search.results import Hit
from tui.date_label import date_label
from tui.messages import HitChosen, HitHighlighted, MoreResultsWanted, TypedAway
from tui.safe_text import highlighted_text, one_line, safe_text
from tui.widgets.option_list import WidthCachedOptionList
from tui.widgets.rows import Part, Row

#: Snippets longer than this are cut before laying out (a row shows two lines of it).
SNIPPET_CHARS = 180
#: Most lines a hit's title, and its snippet, may take (the preview shows them whole).
TITLE_LINES = 2
SNIPPET_LINES = 2
#: Characters that start or shape a query, besides letters and digits.
_QUERY_MARKS = frozenset('"-*')
#: Load the next page when the cursor is this close to the last loaded hit.
LOOKAHEAD = 3


def hit_metadata(hit: Hit) -> str:
    """ "1987-03-02 · Reuters · Iraq, Iran" (empty parts left out; an inferred date is
    marked: "2017-09-22 (inferred) · AFP · Iraq")."""
    parts = [
        date_label(hit.date, hit.date_inferred),
        hit.source,
        f"{hit.versions} versions" if hit.versions > 1 else "",
        ", ".join(hit.places[:4]) + (" …" if len(hit.places) > 4 else ""),
    ]
    return " · ".join(part for part in parts if part)


def hit_row(hit: Hit, *, new: bool = False, marked: bool = False, compact: bool = False) -> Row:
    """The prompt for one hit: title, metadata and snippet lines, cut to the list's width.

    Every piece of article text is inert ``Text``; a row is at most five lines high and
    its height is known without laying the text out (see :mod:`tui.widgets.rows`)."""
    title = safe_text(hit.title or "(untitled)", "bold", one_line=True)
    if new:  # new in the saved search opened since its last look
        title = Text("● new  ", style="bold green") + title
    if marked:
        title = Text("★ ", style="bold yellow") + title
    metadata = safe_text(hit_metadata(hit), "dim", one_line=True)
    snippet = one_line(highlighted_text(hit.snippet, hit.highlights, match_style="bold reverse"))
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS]
        snippet.rstrip()
        if not snippet.plain.endswith("…"):
            snippet.append("…")
    lines = 1 if compact else TITLE_LINES, 1 if compact else SNIPPET_LINES
    return Row([Part(title, lines[0]), Part(metadata), Part(snippet, max_lines=lines[1])])


def with_dividers(options: Iterable[Option]) -> list[Option | None]:
    """Options with a divider line after each (None marks the previous option's divider)."""
    spaced: list[Option | None] = []
    for option in options:
        spaced += [option, None]
    return spaced


class ResultList(WidthCachedOptionList):
    """Hits of the current query; asks for more when the cursor or scroll nears the end."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.hits: list[Hit] = []
        self.has_more = False
        #: Ids of the stories to mark new (those of a saved search since its last look).
        self.new_ids: frozenset[str] = frozenset()
        #: Ids of the stories the user marked (★).
        self.marked_ids: frozenset[str] = frozenset()
        #: One line of title and one of snippet a row (a short terminal: more rows show).
        #: (Not ``compact``: that is OptionList's own, borderless look.)
        self.dense = False

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._check_scrolled_to_end, init=False)

    def show_hits(self, hits: list[Hit], *, has_more: bool, append: bool = False) -> None:
        """Show ``hits`` (replacing the list, or below it for a next page)."""
        self.has_more = has_more
        first = len(self.hits) if append else 0
        options = with_dividers(
            Option(self._row(hit), id=str(first + i)) for i, hit in enumerate(hits)
        )
        if not has_more and (hits or append):  # all loaded: say so at the bottom
            options.append(Option(Text("  end of the results", style="dim italic"), disabled=True))
        if append:
            self.hits.extend(hits)
            self.add_options(options)
            return
        self.hits = list(hits)
        self.set_options(options)
        self.highlighted = 0 if hits else None

    def _row(self, hit: Hit) -> Row:
        return hit_row(
            hit, new=hit.id in self.new_ids, marked=hit.id in self.marked_ids, compact=self.dense
        )

    def set_dense(self, dense: bool) -> None:
        """Rows of three lines (``dense``) or up to five; the rows shown are redrawn."""
        if dense == self.dense:
            return
        self.dense = dense
        for index, hit in enumerate(self.hits):
            self.replace_option_prompt(str(index), self._row(hit))

    def show_marks(self, marked_ids: frozenset[str]) -> None:
        """Mark ★ the stories of ``marked_ids`` (rows whose mark changed are redrawn)."""
        changed = self.marked_ids ^ marked_ids
        self.marked_ids = marked_ids
        for index, hit in enumerate(self.hits):
            if hit.id in changed:
                self.replace_option_prompt(str(index), self._row(hit))

    @property
    def current_hit(self) -> Hit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        index = event.option_index
        if index < len(self.hits):
            self.post_message(HitHighlighted(self.hits[index]))
        if self.has_more and index >= len(self.hits) - LOOKAHEAD:
            self.post_message(MoreResultsWanted())

    def on_key(self, event: events.Key) -> None:
        """A letter or digit (or a quote, minus or star) typed here goes to the search
        bar, as in fzf; other keys keep their meaning here (? is Help, / the bar)."""
        character = event.character or ""
        if len(character) == 1 and (character.isalnum() or character in _QUERY_MARKS):
            event.stop()
            event.prevent_default()
            self.post_message(TypedAway(character))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.post_message(HitChosen(self.hits[event.option_index]))

    def _check_scrolled_to_end(self) -> None:
        if self.has_more and self.hits and self.scroll_y >= self.max_scroll_y - 1:
            self.post_message(MoreResultsWanted())
