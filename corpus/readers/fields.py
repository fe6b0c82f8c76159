"""Mapping a JSON object or CSV row with the usual field names onto an Article.

JSON Lines and header CSV files name their fields in many ways (``headline``,
``pubDate``, ``published_at`` ...); both readers share this one mapping, and fill a
missing date or place list from the text with the extraction functions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache

from corpus.extract.agencies import split_dateline
from corpus.extract.cleaning import clean_text
from corpus.extract.dates import parse_date, stamped_date
from corpus.extract.places import canonical_place, find_places
from corpus.extract.stories import is_sports, title_and_body_lead
from corpus.extract.titles import title_from_lede
from corpus.model import Article
from corpus.report import CorpusReport
from corpus.sources import Entry

#: Article field -> accepted names (compared lower-case, without "_", "-" or spaces).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid"),
    "title": ("title", "headline"),
    "body": ("body", "text", "content", "description", "article"),
    "date": ("date", "published", "pubDate", "published_at", "datetime"),
    "source": ("source", "publisher", "agency"),
    "url": ("url", "link"),
    "category": ("category", "section"),
    "places": ("places", "locations"),
    "topics": ("topics", "tags"),
    "people": ("people", "persons"),
    "organisations": ("organisations", "organizations", "orgs"),
    "exchanges": ("exchanges",),
    "captions": ("captions",),
    "credits": ("credits", "byline", "author", "authors"),
    "subheads": ("subheads",),
    "dateline": ("dateline",),
}

LIST_FIELDS = (
    "places", "topics", "people", "organisations", "exchanges", "captions", "credits", "subheads"
)  # fmt: skip


def _normal_key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


_ALIAS_TO_FIELD = {
    _normal_key(alias): field for field, aliases in FIELD_ALIASES.items() for alias in aliases
}


def known_field(name: str) -> str | None:
    """The Article field a column or key name maps to, or None."""
    return _ALIAS_TO_FIELD.get(_normal_key(name))


def _text(value: object) -> str:
    """Any JSON value as plain text (lists joined as paragraphs, objects by their name)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, Mapping):
        return _text(value.get("name") or value.get("title") or "")
    if isinstance(value, list | tuple):
        return "\n\n".join(part for part in (_text(item) for item in value) if part)
    return clean_text(str(value)).strip()


def _list(value: object) -> tuple[str, ...]:
    """A JSON array, or a string separated by ";" (else ","), as a tuple of strings."""
    if isinstance(value, list | tuple):
        items: Iterable[str] = (_text(item) for item in value)
    else:
        text = _text(value)
        items = text.split(";" if ";" in text else ",")
    return tuple(dict.fromkeys(item.strip() for item in items if item.strip()))


#: Seconds (10 digits) or milliseconds (13) since 1970 as text: from 2001-09-09 on, never
#: a compact stamp that starts with its year ("2012031015" is 2012-03-10 15:00, not 2033).
_EPOCH_TEXT = re.compile(r"1\d{9}(?:\d{3})?", re.ASCII)


def _date(value: object) -> datetime | None:
    if isinstance(value, str) and _EPOCH_TEXT.fullmatch(value.strip()):
        value = int(value)  # seconds (or milliseconds) since 1970, written as text
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 100_000_000_000 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    text = _text(value)
    return parse_date(text) if text else None


@lru_cache(maxsize=4096)
def canonical_places(names: tuple[str, ...]) -> tuple[str, ...]:
    """Given place names in their canonical spelling where the gazetteer knows them."""
    return tuple(dict.fromkeys(canonical_place(name) or name for name in names))


def record_to_article(
    record: Mapping[str, object],
    *,
    entry: Entry,
    line: int | None,
    article_format: str,
    report: CorpusReport,
    identities: dict[str, int] | None = None,
) -> Article | None:
    """The Article for one record, or None (and a skip) when it has no text at all.

    A record that cannot be mapped (values nested too deeply, ...) costs only itself.
    ``identities``: the file's ``TextSource.identities``, for records without an id.
    """
    try:
        article = _record_article(record, entry, line, article_format, report)
        if article is None or article.id:
            return article
        return replace(article, id=record_id(article, entry.relative, identities))
    except (ValueError, LookupError, TypeError, RecursionError) as error:
        report.skip(entry.path, f"cannot read record: {error}", line)
        return None


def _record_article(
    record: Mapping[str, object],
    entry: Entry,
    line: int | None,
    article_format: str,
    report: CorpusReport,
) -> Article | None:
    fields: dict[str, object] = {}
    for key, value in record.items():
        field = known_field(str(key))
        if field is not None and field not in fields and value not in (None, "", [], {}):
            fields[field] = value
    title = _text(fields.get("title"))
    body = _text(fields.get("body"))
    if not title and not body:
        report.skip(entry.path, "record has no title or text", line)
        return None
    lists = {name: _list(fields.get(name)) for name in LIST_FIELDS}
    full_text = f"{title}\n\n{body}"
    sports = is_sports(title or body, _text(fields.get("category")))
    lead = title_and_body_lead(title, body, sports=sports)
    lists["places"] = canonical_places(lists["places"]) or find_places(full_text, lead=lead)
    date = _date(fields["date"]) if "date" in fields else None
    if "date" in fields and date is None:
        report.warn(entry.path, f"unrecognised date {_text(fields['date'])[:40]!r}", line)
    inferred = date is None
    if date is None:  # what the text states of its publication, never a date it mentions
        dateline = split_dateline(body[:160])
        date = dateline.date if dateline is not None else stamped_date(full_text)
    article = Article(
        id=_text(fields.get("id")),
        title=title or title_from_lede(body),
        title_inferred=not title,
        body=body,
        source=_text(fields.get("source")),
        date=date,
        date_inferred=inferred and date is not None,
        category=_text(fields.get("category")),
        url=_text(fields.get("url")),
        dateline=_text(fields.get("dateline")),
        path=entry.path,
        format=article_format,
        places=lists["places"],
        topics=lists["topics"],
        people=lists["people"],
        organisations=lists["organisations"],
        exchanges=lists["exchanges"],
        captions=lists["captions"],
        credits=lists["credits"],
        subheads=lists["subheads"],
    )
    return article


def record_id(article: Article, file: str, identities: dict[str, int] | None) -> str:
    """An id for a record that has none, which a correction of its text keeps (so its
    mark and note stay with it): from its ``file`` (relative to the corpus root given,
    so moving the corpus keeps it) and its url, or its headline, date and source as
    given; the second record of a file alike in these gets "-2", and so on (in file
    order). A record with neither url nor headline is known by its content alone."""
    if identities is None or not (article.url or not article.title_inferred):
        return article.content_hash[:16]
    if article.url:
        identity = f"{file}\x1furl\x1f{article.url}"
    else:
        when = article.date.isoformat() if article.date and not article.date_inferred else ""
        identity = f"{file}\x1f{article.title}\x1f{when}\x1f{article.source}"
    key = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    seen = identities.get(key, 0) + 1
    identities[key] = seen
    return key if seen == 1 else f"{key}-{seen}"
