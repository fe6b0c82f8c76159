"""The reader: one whole story, matches highlighted, next/previous match, related stories.

The body keeps subheads in reading order as their own paragraphs (the corpus guarantees
it), so each paragraph that equals one of the article's subheads is styled as a subhead
in place.  Captions (with their photo credits) are set apart after the story.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from corpus.errors import NewsdeskError
from corpus.model import Article
from corpus.report import counted
from search.errors import SearchError
from search.marks import Marks
from search.results import Hit, Span
from tui.backend import SearchBackend, query_spans
from tui.date_label import date_label
from tui.safe_text import failure_text, highlighted_text, safe_text
from tui.screens.copy import CopyScreen
from tui.screens.prompt import PromptScreen
from tui.story_actions import note_on, open_plan, run_plan, toggle_mark
from tui.widgets.preview import article_metadata
from tui.widgets.result_list import hit_row, with_dividers
from tui.widgets.rows import Part, Row


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of the body, with the matches inside it (offsets local to it)."""

    text: str
    spans: tuple[Span, ...]
    first_match: int  # global index of spans[0] among all the body's matches
    subhead: bool


def split_paragraphs(body: str, spans: Sequence[Span], subheads: Sequence[str]) -> list[Paragraph]:
    """Cut the body into non-blank lines, moving each match span into its paragraph."""
    subhead_set = {" ".join(s.split()) for s in subheads}
    ordered = sorted(spans)
    paragraphs: list[Paragraph] = []
    match_index = 0
    for found in re.finditer(r"[^\n]+", body):
        text = found.group()
        if not text.strip():
            continue
        start, end = found.span()
        local = tuple((s - start, e - start) for s, e in ordered if start <= s and e <= end)
        paragraphs.append(
            Paragraph(text, local, match_index, " ".join(text.split()) in subhead_set)
        )
        match_index += len(local)
    return paragraphs


class ReaderScreen(Screen[None]):
    """A story on its own screen; Escape goes back to where the user came from."""

    CSS_PATH = "reader.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "app.help", "Help"),  # first: the footer never cuts it off
        Binding("escape,q", "back", "Back", key_display="esc"),
        Binding("n", "next_match", "Next", tooltip="Next match"),
        Binding("N,p", "previous_match", "Previous", key_display="N/p", tooltip="Previous match"),
        Binding("r", "focus_related", "Related", tooltip="To the related stories"),
        Binding(
            "v", "focus_versions", "Versions", tooltip="To the story's other versions", show=False
        ),
        Binding("c", "copy", "Copy", tooltip="Copy its id, headline, citation, link or text"),
        Binding(
            "o", "open", "Open", tooltip="Its web address in the browser, or its file in $PAGER"
        ),
        Binding("e", "edit", "Edit", tooltip="Its file in $EDITOR", show=False),
        Binding("slash", "find", "Find", tooltip="Find words in the story (n, N)", show=False),
        Binding("m", "mark", "Mark", tooltip="Mark the story ★ (again: unmark)", show=False),
        Binding("a", "note", "Note", tooltip="A note on the story (marks it)", show=False),
        Binding("s", "focus_story", "Story", show=False),
        # Pager keys (less, newsboat): line, page, top and bottom of the story.
        Binding("j", "scroll_story('down')", "Line down", show=False),
        Binding("k", "scroll_story('up')", "Line up", show=False),
        Binding("space", "scroll_story('page_down')", "Page down", show=False),
        Binding("b", "scroll_story('page_up')", "Page up", show=False),
        Binding("g", "scroll_story('home')", "Top", show=False),
        Binding("G", "scroll_story('end')", "Bottom", show=False),
    ]

    def __init__(
        self,
        engine: SearchBackend,
        article_id: str,
        query: str,
        *,
        as_you_type: bool = False,
        index_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        #: The index the story is read from (marks record it).
        self.index_dir = index_dir
        self.article_id = article_id
        self.search_query = query
        #: The query was being typed: its last word also matches the words it begins.
        self.as_you_type = as_you_type
        self.article: Article | None = None
        self.paragraphs: list[Paragraph] = []
        self.match_count = 0
        self.current_match: int | None = None
        self.related: list[Hit] = []
        #: Every version of the story, earliest first (this article among them).
        self.versions: list[Hit] = []
        #: The story is loaded (its versions known); ``v`` pressed before waits for it.
        self.loaded = False
        self._versions_wanted = False
        #: Words being found with / ("": the query's matches are the ones n / N go to).
        self.finding = ""
        self._query_spans: tuple[Span, ...] = ()

    def compose(self) -> ComposeResult:
        with Horizontal(id="reader-main"):
            with VerticalScroll(id="story"):
                yield Static("Loading…", id="headline", markup=False)
                yield Static("", id="metadata", markup=False)
                yield Vertical(id="body")
                yield Vertical(id="captions")
            with Vertical(id="related-panel"):
                with Vertical(id="versions-panel"):
                    yield Static("Versions", id="versions-heading", classes="panel-heading")
                    yield OptionList(id="versions", markup=False)
                yield Static("Related stories", classes="panel-heading")
                yield OptionList(id="related", markup=False)
        yield Static("", id="match-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#versions-panel").display = False
        self.query_one("#story").focus()
        self._load()

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def _load(self) -> None:
        article = self.engine.get(self.article_id)
        query = self.search_query  # highlighting only: one that cannot be parsed shows none
        typing = self.as_you_type
        title_spans = query_spans(self.engine, query, article.title, as_you_type=typing)
        body_spans = query_spans(self.engine, query, article.body, as_you_type=typing)
        related = self.engine.related(self.article_id, limit=8)
        versions = self.engine.versions(self.article_id)
        self.app.call_from_thread(self._show, article, title_spans, body_spans, related, versions)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        title = error.title if isinstance(error, NewsdeskError) else "Unexpected error"
        self.query_one("#headline", Static).update(Text(title, style="bold"))
        self.query_one("#metadata", Static).update(
            safe_text(f"{error}\n\nPress Escape to go back.")
        )

    def _show(
        self,
        article: Article,
        title_spans: Sequence[Span],
        body_spans: Sequence[Span],
        related: list[Hit],
        versions: list[Hit],
    ) -> None:
        self.article = article
        self._query_spans = tuple(body_spans)
        self.query_one("#headline", Static).update(
            highlighted_text(article.title or "(untitled)", title_spans, style="bold")
        )
        self.query_one("#metadata", Static).update(metadata_text(article, len(versions)))
        self._set_matches(body_spans)
        body = self.query_one("#body", Vertical)
        body.remove_children()
        body.mount_all(
            Static(
                self._paragraph_text(p),
                markup=False,
                classes="subhead" if p.subhead else "paragraph",
            )
            for p in self.paragraphs
        )
        captions = self.query_one("#captions", Vertical)
        captions.remove_children()
        if article.captions:
            captions.mount(Static("Photos and graphics", classes="panel-heading"))
            captions.mount_all(
                Static(safe_text(c), markup=False, classes="caption") for c in article.captions
            )
        self.related = related
        related_list = self.query_one("#related", OptionList)
        related_list.set_options(
            with_dividers(Option(hit_row(hit), id=str(i)) for i, hit in enumerate(related))
        )
        related_list.highlighted = 0 if related else None
        self._show_versions(versions)
        self.loaded = True
        if self._versions_wanted:
            self._versions_wanted = False
            self.action_focus_versions()
        self._update_match_status()

    def _show_versions(self, versions: list[Hit]) -> None:
        """The story's versions, earliest first, this one marked (none: no panel)."""
        self.versions = versions if len(versions) > 1 else []
        self.query_one("#versions-panel").display = bool(self.versions)
        self.set_class(bool(self.versions), "-with-versions")
        if not self.versions:
            return
        heading = f"Versions ({len(self.versions)}, earliest first) · v"
        self.query_one("#versions-heading", Static).update(Text(heading, style="bold"))
        versions_list = self.query_one("#versions", OptionList)
        versions_list.set_options(
            Option(row, id=str(number))
            for number, row in enumerate(version_rows(self.versions, self.article_id))
        )
        ids = [hit.id for hit in self.versions]
        versions_list.highlighted = ids.index(self.article_id) if self.article_id in ids else 0

    def _set_matches(self, spans: Sequence[Span]) -> None:
        """The matches n / N go through: the query's, or the words being found."""
        assert self.article is not None
        self.paragraphs = split_paragraphs(self.article.body, spans, self.article.subheads)
        self.match_count = sum(len(p.spans) for p in self.paragraphs)
        self.current_match = None

    def action_find(self) -> None:
        if self.article is None:
            return
        prompt = PromptScreen(
            "Find in the story", self.finding, placeholder="words, as written (any case)",
            hint="Enter finds · n / N next, previous · empty: the query's matches again",
        )  # fmt: skip
        self.app.push_screen(prompt, self._find)

    def _find(self, text: str | None) -> None:
        if text is None or self.article is None:
            return
        self.finding = " ".join(text.split())
        if self.finding:
            pattern = re.compile(re.escape(self.finding), re.IGNORECASE)
            spans: Sequence[Span] = [found.span() for found in pattern.finditer(self.article.body)]
        else:
            spans = self._query_spans
        self._set_matches(spans)
        for widget, paragraph in zip(
            self.query_one("#body", Vertical).query(Static), self.paragraphs, strict=True
        ):
            widget.update(self._paragraph_text(paragraph))
        if self.match_count:
            self._go_to_match(0)
        else:
            self._update_match_status()

    def _paragraph_text(self, paragraph: Paragraph) -> Text:
        current = None
        if self.current_match is not None:
            local = self.current_match - paragraph.first_match
            current = local if 0 <= local < len(paragraph.spans) else None
        style = "bold" if paragraph.subhead else ""
        return highlighted_text(paragraph.text, paragraph.spans, style=style, current=current)

    def _update_match_status(self) -> None:
        status = self.query_one("#match-status", Static)
        if self.finding:
            found = f"“{self.finding}”"
            if not self.match_count:
                status.update(safe_text(f"{found} is not in the story", "dim", one_line=True))
            else:
                where = self.current_match + 1 if self.current_match is not None else 0
                said = f"{found}: {where} of {self.match_count} · n next · N previous"
                status.update(safe_text(said, one_line=True))
        elif not self.search_query.strip():
            status.update(Text(""))
        elif self.match_count == 0:
            status.update(Text("No matches of the query in the body", style="dim"))
        elif self.current_match is None:
            matches = counted(self.match_count, "match", "matches")
            status.update(Text(f"{matches} · n next · N previous", style="dim"))
        else:
            status.update(Text(f"Match {self.current_match + 1} of {self.match_count}"))

    def _go_to_match(self, index: int) -> None:
        previous = self.current_match
        self.current_match = index % self.match_count
        body_widgets = list(self.query_one("#body", Vertical).query(Static))
        for number, paragraph in enumerate(self.paragraphs):
            spans = range(paragraph.first_match, paragraph.first_match + len(paragraph.spans))
            if previous in spans or self.current_match in spans:
                body_widgets[number].update(self._paragraph_text(paragraph))
            if self.current_match in spans:
                self.query_one("#story", VerticalScroll).scroll_to_center(
                    body_widgets[number], animate=False
                )
        self._update_match_status()

    def action_next_match(self) -> None:
        if self.match_count:
            self._go_to_match(0 if self.current_match is None else self.current_match + 1)

    def action_previous_match(self) -> None:
        if self.match_count:
            self._go_to_match(-1 if self.current_match is None else self.current_match - 1)

    def action_back(self) -> None:
        self.dismiss()

    def action_focus_related(self) -> None:
        self.query_one("#related").focus()

    def action_focus_versions(self) -> None:
        if not self.loaded:  # (a cluster takes seconds: go there once they are known)
            self._versions_wanted = True
        elif self.versions:
            self.query_one("#versions").focus()
        else:
            self.notify("This story has no other version", timeout=3)

    def action_copy(self) -> None:
        if self.article is not None:
            self.app.push_screen(CopyScreen(self.article))

    def action_open(self) -> None:
        if self.article is not None:
            run_plan(self.app, open_plan(self.article, edit=False, environ=os.environ))

    def action_mark(self) -> None:
        if self.article is not None:
            toggle_mark(self.app, self.article, self.index_dir)

    def action_note(self) -> None:
        article = self.article
        if article is None:
            return
        try:
            mark = Marks().marks.get(article.id)
        except SearchError as error:
            self.notify(failure_text(error), severity="error", markup=False)
            return

        def kept(note: str | None) -> None:
            if note is not None:
                note_on(self.app, article, note, self.index_dir)

        prompt = PromptScreen(
            f"Note on “{article.title}”", mark.note if mark else "",
            placeholder="why this story matters", hint="Enter keeps it, marking the story",
        )  # fmt: skip
        self.app.push_screen(prompt, kept)

    def action_edit(self) -> None:
        if self.article is not None:
            run_plan(self.app, open_plan(self.article, edit=True, environ=os.environ))

    def action_scroll_story(self, where: str) -> None:
        story = self.query_one("#story", VerticalScroll)
        moves = {
            "down": story.scroll_down, "up": story.scroll_up,
            "page_down": story.scroll_page_down, "page_up": story.scroll_page_up,
            "home": story.scroll_home, "end": story.scroll_end,
        }  # fmt: skip
        moves[where](animate=False)

    def action_focus_story(self) -> None:
        self.query_one("#story").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        shown = self.versions if event.option_list.id == "versions" else self.related
        if event.option_index < len(shown):
            hit = shown[event.option_index]
            if hit.id != self.article_id:
                self.app.push_screen(
                    ReaderScreen(self.engine, hit.id, self.search_query, index_dir=self.index_dir)
                )


def metadata_text(article: Article, versions: int = 1) -> Text:
    """Date · source · category · places (and how many versions the story has), then
    dateline and credits on their own lines."""
    metadata = article_metadata(article)
    if versions > 1:
        metadata += f" · {versions} versions (v)"
    lines = [safe_text(metadata, "dim", one_line=True)]
    if article.dateline:
        lines.append(safe_text(f"Dateline: {article.dateline}", "dim", one_line=True))
    if article.credits:
        lines.append(safe_text(f"Credits: {', '.join(article.credits)}", "italic", one_line=True))
    if article.url:
        lines.append(safe_text(article.url, "dim", one_line=True))
    return Text("\n", end="").join(lines)


def version_label(hit: Hit) -> str:
    """ "1987-04-02 · Reuters · BUNDESBANK LEAVES ..." """
    when = date_label(hit.date, hit.date_inferred)
    if hit.date is not None and (hit.date.hour or hit.date.minute):  # same-day versions
        when = f"{when} {hit.date:%H:%M}"
    return " · ".join(part for part in (when, hit.source, hit.title or "(untitled)") if part)


def version_rows(versions: Sequence[Hit], current_id: str) -> list[Row]:
    """A row per version; those alike in date, source and headline (an exact copy
    filed twice) show their ids too, which tell them apart."""
    labels = Counter(version_label(hit) for hit in versions)
    return [
        version_row(hit, current=hit.id == current_id, with_id=labels[version_label(hit)] > 1)
        for hit in versions
    ]


def version_row(hit: Hit, *, current: bool, with_id: bool = False) -> Row:
    """ "▸ 1987-04-02 · Reuters · BUNDESBANK LEAVES ..." (▸: the version on screen);
    ``with_id``: its id too, never cut (copies alike in date, source and headline)."""
    row = Text("▸ " if current else "  ", style="bold")
    row += safe_text(version_label(hit), one_line=True)
    tail = Text(" ") + safe_text(f"[{hit.id}]", "dim", one_line=True) if with_id else None
    return Row([Part(row, tail=tail)])
