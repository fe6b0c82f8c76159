"""The copy menu (``c`` in the reader, F8 on the search screen): one key per part of the
story -- id, headline, citation, link, whole text -- copied through the terminal."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from corpus.model import Article
from tui.safe_text import safe_text
from tui.story_actions import COPY_CHOICES, COPY_LABELS, copy_text


class CopyScreen(ModalScreen[None]):
    """Press a part's key to copy it (the app confirms what was copied); Esc closes."""

    CSS_PATH = "copy.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(self, article: Article) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        with Vertical(id="copy"):
            yield Static(safe_text(f"Copy from “{self.article.title}”", "bold", one_line=True))
            menu = Text()
            for key, part in COPY_CHOICES:
                menu.append(f"\n {key} ", style="bold reverse")
                menu.append(f"  {COPY_LABELS[part]}")
            yield Static(menu, id="copy-menu")
            yield Static(Text("Esc closes. Copying uses the terminal (OSC 52).", style="dim"))

    def on_key(self, event: events.Key) -> None:
        part = dict(COPY_CHOICES).get(event.key)
        if part is None:
            return
        event.stop()
        text = copy_text(self.article, part)
        self.app.copy_to_clipboard(text)
        characters = f"{len(text):,} character{'' if len(text) == 1 else 's'}"
        self.app.notify(
            f"{COPY_LABELS[part][:1].upper()}{COPY_LABELS[part][1:]} ({characters}), "
            "through the terminal (OSC 52)",
            title="Copied",
            markup=False,
        )
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
