"""Converting between ``corpus.Article`` and the stored Whoosh document (both directions).

The index stores every Article field, so ``document_to_article`` rebuilds the exact record
the corpus produced (``engine.get`` and the reader use it; no corpus file is re-read).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from corpus.model import Article
from index import near_duplicates
from index.fields import FIELDS, LIST_SEPARATOR, TEXT_SEPARATOR, Field

#: Fields not copied from the Article as they are: ``corpus`` (the root it was read
#: from), ``date`` (absent when the article has none) and ``near_signature`` (made here).
_SPECIAL = ("corpus", "date", "near_signature")


def _facet_value(value: str) -> str:
    """A facet value as stored: commas and all (only the separator itself, a control
    character corpus never lets through, could split it)."""
    return value.replace(LIST_SEPARATOR, " ").strip()


def _stored(field: Field, value: Any) -> Any:
    """An Article value as the field stores it (tuples joined, facet values cleaned)."""
    if field.kind == "keyword":
        values = value if field.many else (value,)
        return LIST_SEPARATOR.join(v for v in map(_facet_value, values) if v)
    if field.many:
        return TEXT_SEPARATOR.join(value)
    return value


def _article_value(field: Field, stored: Any) -> Any:
    if field.many:
        separator = LIST_SEPARATOR if field.kind == "keyword" else TEXT_SEPARATOR
        return _split(stored or "", separator)
    if field.kind == "flag":
        return bool(stored or False)
    return stored if stored is not None else ""


def article_to_document(article: Article, corpus: str = "") -> dict[str, Any]:
    """The keyword arguments for ``writer.add_document``; ``corpus`` is the root (file,
    folder or archive) the article was read from, as the index records it.  Empty
    facet values are left out (Whoosh then indexes nothing for the field)."""
    document: dict[str, Any] = {"corpus": corpus}
    for field in FIELDS:
        if field.name not in _SPECIAL:
            value = _stored(field, getattr(article, field.name))
            if field.kind != "keyword" or value:
                document[field.name] = value
    if article.title_inferred:
        # No headline (SMART's TIME, a record without a title, a text without a headline
        # line): the title shown is the text's own first words.  Index them once, where
        # they occur, so the title boost does not count them twice (TIME dev set P@5
        # .433 -> .457; JSON Lines TIME as SMART TIME, benchmarks/README.md).
        document["title"] = ""
        document["_stored_title"] = article.title
    if article.credits:
        # Photo credits are searched as words of the captions they belong to ("Kilic"
        # finds the stories with Bulent Kilic's photos); stored, the captions stay as
        # written (and the credits in their own field).
        document["_stored_captions"] = document["captions"]
        document["captions"] = TEXT_SEPARATOR.join((*article.captions, *article.credits))
    if article.date is not None:
        document["date"] = article.date
    near = near_duplicates.signature(article.title, article.body)
    if near != near_duplicates.NO_SIGNATURE:  # (the column's default)
        document["near_signature"] = near
    return document


def _split(value: str, separator: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(separator) if part) if value else ()


def document_to_article(stored: Mapping[str, Any]) -> Article:
    """Rebuild the Article from a hit's stored fields (copy them before the searcher closes)."""
    date = stored.get("date")
    values = {
        field.name: _article_value(field, stored.get(field.name))
        for field in FIELDS
        if field.name not in _SPECIAL
    }
    return Article(**values, date=date if isinstance(date, datetime) else None)
