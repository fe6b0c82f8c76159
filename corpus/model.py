"""The one record that flows from ``corpus`` into ``index``: a news article."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Article:
    """A news article as read from a corpus file.

    Every text field is plain text (never markup); list-like fields are tuples so the
    record stays hashable and immutable.  ``body`` keeps subheads in reading order (as
    their own paragraphs) but never captions or photo credits.
    """

    id: str
    title: str
    body: str
    #: The title is not a headline but words of the text (the lede's first words, or a
    #: caption's): the index searches them once, where they occur, not again as a title.
    title_inferred: bool = False
    source: str = ""
    date: datetime | None = None
    date_inferred: bool = False
    category: str = ""
    topics: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    exchanges: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    subheads: tuple[str, ...] = ()
    dateline: str = ""
    url: str = ""
    path: str = ""
    format: str = ""
    content_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash_of(self))


def content_hash_of(article: Article) -> str:
    """Hash of everything a reader sees, so a changed article is re-indexed."""
    digest = hashlib.sha256()
    for part in (
        article.title,
        article.body,
        article.source,
        article.date.isoformat() if article.date else "",
        article.category,
        "\x1f".join(article.topics),
        "\x1f".join(article.places),
        "\x1f".join(article.people),
        "\x1f".join(article.organisations),
        "\x1f".join(article.exchanges),
        "\x1f".join(article.captions),
        "\x1f".join(article.credits),
        "\x1f".join(article.subheads),
        article.dateline,
        article.url,
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:32]
