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
    CommaSeparatedTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

#: Bump when the schema or analysis changes: older indexes must be rebuilt.
#: 2: no ``spell_*`` fields (``search.vocabulary`` recovers real words from stems).
SCHEMA_VERSION = 2

#: Full-text fields, searched by plain words.
TEXT_FIELDS = ("title", "subheads", "captions", "body")

#: Multi-valued keyword fields users filter and facet on (stored comma-joined).
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

#: Separator used to store multi-valued fields and multi-paragraph text fields.
LIST_SEPARATOR = ","
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
    """Comma-separated values, each one term, lower-cased and accent-folded."""
    return CommaSeparatedTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    """A fresh Schema instance (Whoosh fields are stateful: never share one)."""
    facet = {
        name: KEYWORD(stored=True, commas=True, scorable=True, analyzer=facet_analyzer())
        for name in FACET_FIELDS
    }
    return Schema(
        id=ID(stored=True, unique=True),
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
