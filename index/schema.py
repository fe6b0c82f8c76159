"""The Whoosh schema: the single source of truth for what is indexed and stored.

Every ``Article`` field is stored, so the index is self-contained: the reader, snippets
and ``Engine.get`` never go back to the corpus files (which may have moved or changed).
Full-text fields are stemmed (English) and accent-folded; facet fields keep their display
form in the stored value while the indexed term is lower-cased and accent-folded, so
``place:raqa`` and a sidebar click on "Raqa" match the same documents.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    StripFilter,
)
from whoosh.analysis.filters import STOP_WORDS
from whoosh.columns import FixedBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from index import fields
from index.near_duplicates import SIGNATURE_BYTES

#: Bump when the schema or analysis changes: older indexes must be rebuilt.
#: 2: no ``spell_*`` fields (``search.words.vocabulary`` recovers real words from stems).
#: 3: each article records its ``corpus``; facet values are joined by U+001F, so a value
#:    holding a comma ("Smith, John") is stored and indexed as written.
#: 4: ``title_inferred``: a title made of the text's first words is searched once, in
#:    the body (every reader says so, not only SMART's).
#: 5: photo credits are searched as words of the captions (``Kilic`` finds "Kılıç").
#: 6: ``near_signature``: each article's MinHash signature (near-duplicates).
SCHEMA_VERSION = 6


def text_analyzer() -> Analyzer:
    """Words, lower-cased, accents folded ("Kılıç" = "kilic"), stop words out, stemmed."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter()
    )


_WORD = re.compile(r"\w+(\.?\w+)*")  # RegexTokenizer's default expression


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return str(stem(word))


def text_terms(text: str) -> list[str]:
    """The terms ``text_analyzer`` makes of ``text``, in order, without its per-token
    objects (several times faster: pseudo-relevance feedback reads whole articles per
    query).  ``tests/test_index_schema.py`` checks the two agree on real articles."""
    terms = []
    for found in _WORD.finditer(text):
        word = found.group().lower().translate(accent_map)
        if len(word) >= 2 and word not in STOP_WORDS:
            terms.append(_stem(word))
    return terms


def facet_analyzer() -> Analyzer:
    """LIST_SEPARATOR-separated values, each one term: see :func:`facet_term`."""
    return (
        RegexTokenizer(f"[^{fields.LIST_SEPARATOR}]+")
        | StripFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
    )


def facet_term(value: str) -> str:
    """The indexed term of a facet value ("São Paulo" -> "sao paulo"), as the facet
    analyzer makes it: the one rule that matches a stored spelling to its term."""
    return value.strip().lower().translate(accent_map)


def _whoosh_field(field: fields.Field) -> FieldType:
    if field.kind == "text":
        return TEXT(stored=True, analyzer=text_analyzer())
    if field.kind == "keyword":
        return KEYWORD(stored=True, scorable=True, analyzer=facet_analyzer())
    if field.kind == "date":
        return DATETIME(stored=True, sortable=True)
    if field.kind == "flag":
        return BOOLEAN(stored=True)
    if field.kind == "id":
        return ID(stored=True, unique=field.name == "id")
    if field.kind == "signature":
        return COLUMN(FixedBytesColumn(SIGNATURE_BYTES))
    return STORED()


def build_schema() -> Schema:
    """A fresh Schema instance (Whoosh fields are stateful: never share one), one
    Whoosh field per field of the registry (``index.fields``)."""
    return Schema(**{field.name: _whoosh_field(field) for field in fields.FIELDS})
