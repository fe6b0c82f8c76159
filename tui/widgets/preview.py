"""The preview pane: the highlighted hit's headline, metadata and the start of the story."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.scrollbar import ScrollBar
from textual.widgets import Static

from corpus.model import Article
from search.results import Hit, Span
from tui.date_label import date_label
from tui.safe_text import highlighted_text, safe_text
from tui.widgets.result_list import hit_metadata
from tui.widgets.scrollbar import direct_vertical_scrollbar

#: How much of the body the preview shows (the reader has the rest).
PREVIEW_CHARS = 1500


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
    """Shows one hit; the screen fills in the full article once it has been fetched."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return direct_vertical_scrollbar(self)

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="preview-text", markup=False)

    def _set(self, text: Text) -> None:
        self.query_one("#preview-text", Static).update(text)
        self.scroll_home(animate=False)

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
        self._set(Text(message, style="dim"))
