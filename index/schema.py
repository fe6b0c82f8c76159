"""The Whoosh schema: the single source of truth for what is indexed and stored.

Every ``Article`` field is stored, so the index is self-contained: the reader, snippets
and ``Engine.get`` never go back to the corpus files (which may have moved or changed).
Full-text fields are stemmed (English) and accent-folded; facet fields keep their display
form in the stored value while the indexed term is lower-cased and accent-folded, so
``place:raqa`` and a sidebar click on "Raqa" match the same documents.
"""

from __future__ import annotations

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    StripFilter,
)
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

#: Bump when the schema or analysis changes: older indexes must be rebuilt.
#: 2: no ``spell_*`` fields (``search.words.vocabulary`` recovers real words from stems).
#: 3: each article records its ``corpus``; facet values are joined by U+001F, so a value
#:    holding a comma ("Smith, John") is stored and indexed as written.
SCHEMA_VERSION = 3

#: Full-text fields, searched by plain words.
TEXT_FIELDS = ("title", "subheads", "captions", "body")

#: Multi-valued keyword fields users filter and facet on (stored LIST_SEPARATOR-joined).
FACET_FIELDS = (
    "source",
    "category",
    "topics",
    "places",
    "people",
    "organisations",
    "exchanges",
    "credits",
)

#: Separator of the values of a multi-valued field, stored and indexed: the ASCII unit
#: separator, which article text never holds (corpus removes control characters), so any
#: value -- commas included -- round-trips.
LIST_SEPARATOR = "\x1f"
#: Separator of the entries of multi-paragraph text fields (captions, subheads).
TEXT_SEPARATOR = "\n"


def text_analyzer() -> Analyzer:
    """Words, lower-cased, accents folded ("Kılıç" = "kilic"), stop words out, stemmed."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter()
    )


def facet_analyzer() -> Analyzer:
    """LIST_SEPARATOR-separated values, each one term: see :func:`facet_term`."""
    return (
        RegexTokenizer(f"[^{LIST_SEPARATOR}]+")
        | StripFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
    )


def facet_term(value: str) -> str:
    """The indexed term of a facet value ("São Paulo" -> "sao paulo"), as the facet
    analyzer makes it: the one rule that matches a stored spelling to its term."""
    return value.strip().lower().translate(accent_map)


def build_schema() -> Schema:
    """A fresh Schema instance (Whoosh fields are stateful: never share one)."""
    facet = {
        name: KEYWORD(stored=True, scorable=True, analyzer=facet_analyzer())
        for name in FACET_FIELDS
    }
    return Schema(
        id=ID(stored=True, unique=True),
        corpus=ID(stored=True),
        title=TEXT(stored=True, analyzer=text_analyzer()),
        subheads=TEXT(stored=True, analyzer=text_analyzer()),
        captions=TEXT(stored=True, analyzer=text_analyzer()),
        body=TEXT(stored=True, analyzer=text_analyzer()),
        date=DATETIME(stored=True, sortable=True),
        date_inferred=BOOLEAN(stored=True),
        dateline=STORED(),
        url=STORED(),
        path=ID(stored=True),
        format=ID(stored=True),
        content_hash=STORED(),
        **facet,
    )
