"""The field registry: one declaration per field of the index.

Each ``Field`` says what the field is (its Whoosh type follows from its kind), how an
``Article`` value is stored in it, whether plain words search it (and with what BM25F
weight), whether every result counts it as a facet, the names a query or a filter may
use for it, and its display name.  The schema (``index.schema``), the conversion between
``Article`` and Whoosh document (``index.documents``), the facet columns
(``index.columns``), the postings files, query parsing and filters (``search.query``)
and the TUI's labels all read it, so a new facet is one line here (and its extraction
in ``corpus``).  The JSON name of a field is its ``name``, as in ``Article``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Separator of the values of a multi-valued field, stored and indexed: the ASCII unit
#: separator, which article text never holds (corpus removes control characters), so any
#: value -- commas included -- round-trips.
LIST_SEPARATOR = "\x1f"
#: Separator of the entries of multi-paragraph text fields (captions, subheads).
TEXT_SEPARATOR = "\n"

Kind = Literal["id", "text", "keyword", "date", "flag", "stored", "signature"]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of the index.

    - ``kind``: ``id`` (one exact term), ``text`` (words, stemmed), ``keyword`` (each
      value one term, lower-cased and folded), ``date``, ``flag``, ``stored`` only, or
      ``signature`` (a per-document column of fixed-size bytes, neither searched nor
      stored: ``index.near_duplicates``);
    - ``many``: the ``Article`` value is a tuple, stored joined (by ``LIST_SEPARATOR``
      for keywords, ``TEXT_SEPARATOR`` for text);
    - ``boost``: for text fields, the BM25F weight a plain query word has there;
    - ``facet``: every result counts its values (the sidebar, ``--json`` facets);
    - ``aliases``: what a query (``person:blair``) or a filter may call it.
    """

    name: str
    kind: Kind
    label: str
    aliases: tuple[str, ...] = ()
    many: bool = False
    boost: float = 0.0
    facet: bool = False


FIELDS: tuple[Field, ...] = (
    Field("id", "id", "ID", ("id",)),
    Field("corpus", "id", "Corpus"),  # the root the article was read from (no Article field)
    # Full-text fields (title > subheads/captions > body; the TIME dev set cannot tune
    # them: it has no subheads or captions and no real headlines, so they stay mild).
    Field("title", "text", "Headline", ("title", "headline"), boost=1.1),
    Field("subheads", "text", "Subheads", ("subhead", "subheads"), many=True, boost=1.05),
    Field("captions", "text", "Captions", ("caption", "captions"), many=True, boost=1.05),
    Field("body", "text", "Body", ("body", "text"), boost=1.0),
    Field("title_inferred", "flag", "Title inferred"),
    Field("date", "date", "Date", ("date",)),
    Field("date_inferred", "flag", "Date inferred"),
    Field("dateline", "stored", "Dateline"),
    Field("url", "stored", "URL"),
    Field("path", "id", "Path"),
    Field("format", "id", "Format"),
    Field("content_hash", "stored", "Content hash"),
    # No Article field: made from the headline and body (``index.near_duplicates``).
    Field("near_signature", "signature", "Near-duplicate signature"),
    # Keyword fields: filters and field queries; the first six are facets.
    Field("source", "keyword", "Source", ("source", "agency"), facet=True),
    Field("category", "keyword", "Category", ("category", "cat", "section"), facet=True),
    Field("topics", "keyword", "Topics", ("topic", "topics"), many=True, facet=True),
    Field("places", "keyword", "Places", ("place", "places", "location"), many=True, facet=True),
    Field("people", "keyword", "People", ("person", "people"), many=True, facet=True),
    Field(
        "organisations",
        "keyword",
        "Organisations",
        ("org", "orgs", "organisation", "organisations", "organization", "organizations"),
        many=True,
        facet=True,
    ),
    Field("exchanges", "keyword", "Exchanges", ("exchange", "exchanges"), many=True),
    Field("credits", "keyword", "Credits", ("credit", "credits"), many=True),
)

#: Facets computed from the date (histograms), after the field facets.
DATE_FACETS = ("month", "year")
_DATE_LABELS = {"month": "Month", "year": "Year"}

BY_NAME = {field.name: field for field in FIELDS}
#: Full-text fields, searched by plain words.
TEXT_FIELDS = tuple(field.name for field in FIELDS if field.kind == "text")
#: Multi-valued keyword fields users filter on (stored LIST_SEPARATOR-joined).
KEYWORD_FIELDS = tuple(field.name for field in FIELDS if field.kind == "keyword")
#: Keyword fields every result counts.
FIELD_FACETS = tuple(field.name for field in FIELDS if field.facet)
ALL_FACETS = (*FIELD_FACETS, *DATE_FACETS)
#: Names a query may give a field (``date`` included), mapped to the field.
FIELD_ALIASES = {alias: field.name for field in FIELDS for alias in field.aliases}
#: BM25F weight of a plain word in each full-text field.
DEFAULT_FIELD_BOOSTS = {field.name: field.boost for field in FIELDS if field.kind == "text"}


def label(name: str) -> str:
    """The display name of a field or date facet ("organisations" -> "Organisations")."""
    field = BY_NAME.get(name)
    return field.label if field is not None else _DATE_LABELS.get(name, name.title())
