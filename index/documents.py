"""Converting between ``corpus.Article`` and the stored Whoosh document (both directions).

The index stores every Article field, so ``document_to_article`` rebuilds the exact record
the corpus produced (``engine.get`` and the reader use it; no corpus file is re-read).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from corpus.model import Article
from index.schema import FACET_FIELDS, LIST_SEPARATOR, TEXT_SEPARATOR

#: Text fields stored joined by TEXT_SEPARATOR (one entry per line).
_JOINED_TEXT = ("captions", "subheads")


def _facet_value(value: str) -> str:
    """A facet value as stored: commas and all (only the separator itself, a control
    character corpus never lets through, could split it)."""
    return value.replace(LIST_SEPARATOR, " ").strip()


def article_to_document(article: Article, corpus: str = "") -> dict[str, Any]:
    """The keyword arguments for ``writer.add_document``; ``corpus`` is the root (file,
    folder or archive) the article was read from, as the index records it."""
    document: dict[str, Any] = {
        "id": article.id,
        "corpus": corpus,
        "title": article.title,
        "body": article.body,
        "captions": TEXT_SEPARATOR.join(article.captions),
        "subheads": TEXT_SEPARATOR.join(article.subheads),
        "date_inferred": article.date_inferred,
        "dateline": article.dateline,
        "url": article.url,
        "path": article.path,
        "format": article.format,
        "content_hash": article.content_hash,
    }
    if article.format == "smart" and article.body.startswith(article.title):
        # A SMART text (TIME.ALL) has no headline: the title shown is just its first line,
        # cut mid-sentence.  Index those words once, in the body, so the title boost does
        # not count them twice (TIME dev set P@5 .433 -> .457, benchmarks/README.md).
        document["title"] = ""
        document["_stored_title"] = article.title
    if article.date is not None:
        document["date"] = article.date
    for name in FACET_FIELDS:
        value = getattr(article, name)
        values = (value,) if isinstance(value, str) else value
        cleaned = [_facet_value(v) for v in values if v and _facet_value(v)]
        if cleaned:
            document[name] = LIST_SEPARATOR.join(cleaned)
    return document


def _split(value: str, separator: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(separator) if part) if value else ()


def document_to_article(stored: Mapping[str, Any]) -> Article:
    """Rebuild the Article from a hit's stored fields (copy them before the searcher closes)."""
    date = stored.get("date")
    return Article(
        id=stored["id"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        source=stored.get("source", ""),
        date=date if isinstance(date, datetime) else None,
        date_inferred=bool(stored.get("date_inferred", False)),
        category=stored.get("category", ""),
        topics=_split(stored.get("topics", ""), LIST_SEPARATOR),
        places=_split(stored.get("places", ""), LIST_SEPARATOR),
        people=_split(stored.get("people", ""), LIST_SEPARATOR),
        organisations=_split(stored.get("organisations", ""), LIST_SEPARATOR),
        exchanges=_split(stored.get("exchanges", ""), LIST_SEPARATOR),
        captions=_split(stored.get("captions", ""), TEXT_SEPARATOR),
        credits=_split(stored.get("credits", ""), LIST_SEPARATOR),
        subheads=_split(stored.get("subheads", ""), TEXT_SEPARATOR),
        dateline=stored.get("dateline", ""),
        url=stored.get("url", ""),
        path=stored.get("path", ""),
        format=stored.get("format", ""),
        content_hash=stored.get("content_hash", ""),
    )
