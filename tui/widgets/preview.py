"""The preview pane: the highlighted hit's headline, metadata and the start of the story."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.scrollbar import ScrollBar
from textual.timer import Timer
from textual.widgets import Static

from corpus.model import Article
from search.results import Hit, Span
from tui.backend import SearchBackend, query_spans, why_line
from tui.date_label import date_label
from tui.safe_text import highlighted_text, safe_text
from tui.search_state import SearchRequest
from tui.widgets.result_list import hit_metadata
from tui.widgets.scrollbar import direct_vertical_scrollbar

#: How much of the body the preview shows (the reader has the rest).
PREVIEW_CHARS = 1500
#: Seconds the cursor rests on a hit before its full story is read.
PREVIEW_DELAY = 0.1


def article_metadata(article: Article) -> str:
    """ "2017-09-22 (inferred) · AFP · Iraq" (empty parts left out)."""
    parts = [
        date_label(article.date, article.date_inferred),
        article.source,
        article.category,
        ", ".join(article.places),
    ]
    return " · ".join(part for part in parts if part)


def preview_text(
    article: Article, title_spans: Sequence[Span], body_spans: Sequence[Span], why: str = ""
) -> Text:
    """Headline, metadata, why it matched and the first paragraphs, matches highlighted;
    all of it inert."""
    body = article.body[:PREVIEW_CHARS]
    spans = [(s, e) for s, e in body_spans if e <= len(body)]
    parts = [
        highlighted_text(article.title or "(untitled)", title_spans, style="bold"),
        safe_text(article_metadata(article), "dim", one_line=True),
    ]
    if why:
        parts.append(safe_text(f"why: {why}", "italic dim"))
    parts += [
        Text(""),
        highlighted_text(body, spans),
    ]
    if len(article.body) > PREVIEW_CHARS:
        parts.append(Text("… (Enter to read the whole story)", style="dim italic"))
    return Text("\n", end="").join(parts)


class Preview(VerticalScroll):
    """Shows the highlighted hit, then its full article once read (``follow``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        #: The id of the hit whose story is wanted (the last one followed).
        self._wanted: str | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return direct_vertical_scrollbar(self)

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="preview-text", markup=False)

    def _set(self, text: Text) -> None:
        self.query_one("#preview-text", Static).update(text)
        self.scroll_home(animate=False)

    def follow(self, hit: Hit, engine: SearchBackend, shown: SearchRequest | None) -> None:
        """Show ``hit`` at once; read its full story, highlighted for the query of the
        results ``shown`` and with why it matched, after a pause in cursor movement, so
        scrolling through the list (or painting new results) never waits for it.  A
        failure reaches the screen's one handler as the "preview" worker's."""
        self.show_hit(hit)
        self._wanted = hit.id
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY, lambda: self._load(hit, engine, shown))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _load(self, hit: Hit, engine: SearchBackend, shown: SearchRequest | None) -> None:
        article = engine.get(hit.id)
        query, typing = (shown.query, shown.typing) if shown is not None else ("", False)
        title_spans = query_spans(engine, query, article.title, as_you_type=typing)
        body_spans = query_spans(engine, query, article.body[:PREVIEW_CHARS], as_you_type=typing)
        why = why_line(engine, query, hit, as_you_type=typing)
        self.app.call_from_thread(self._loaded, hit.id, article, title_spans, body_spans, why)

    def _loaded(
        self,
        hit_id: str,
        article: Article,
        title_spans: Sequence[Span],
        body_spans: Sequence[Span],
        why: str,
    ) -> None:
        if hit_id == self._wanted:  # (the cursor may have moved on meanwhile)
            self.show_article(article, title_spans, body_spans, why)

    def show_hit(self, hit: Hit) -> None:
        """What the hit itself carries, shown at once while the full article loads."""
        self._set(
            Text("\n", end="").join(
                [
                    safe_text(hit.title or "(untitled)", "bold"),
                    safe_text(hit_metadata(hit), "dim", one_line=True),
                    Text(""),
                    highlighted_text(hit.snippet, hit.highlights),
                ]
            )
        )

    def show_article(
        self,
        article: Article,
        title_spans: Sequence[Span],
        body_spans: Sequence[Span],
        why: str = "",
    ) -> None:
        self._set(preview_text(article, title_spans, body_spans, why))

    def clear(self, message: str = "") -> None:
        self._wanted = None  # a story still loading is no longer wanted
        self._set(Text(message, style="dim"))
