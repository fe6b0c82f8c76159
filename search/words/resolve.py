"""Resolving a parsed query against one index generation's vocabulary.

The parser leaves every word that depends on the index as an ``Expansion``; here each
becomes the terms it stands for: a wildcard or fuzzy word the stems it matches (so it
matches stemmed text, e.g. ``offensi*`` finds "offens"), a facet prefix the values that
start with it, a facet word the values holding it.  An expansion with no term matches
nothing; one with more than ``MAX_EXPANSIONS`` is refused with its position.
"""

from __future__ import annotations

import dataclasses

from whoosh import query as wq

from search.errors import QueryError
from search.query.parser import NOTHING, Expansion, ParsedQuery, QueryWord, any_field
from search.words.vocabulary import Vocabulary

#: Most words one prefix/wildcard/fuzzy word may expand to.
MAX_EXPANSIONS = 1000
#: A word being typed stands for itself and its commonest completions, at most these...
COMPLETIONS = 20
#: ... each weighing this much of the word as typed when that is a word of the index
#: (typing "oil" lists the stories "oil" does, "oilseed" ones after; "greensp" is no
#: word: its completions weigh fully).  A fuzzy word's other spellings weigh as much.
VARIANT_WEIGHT = 0.05


def resolve_query(parsed: ParsedQuery, vocabulary: Vocabulary) -> ParsedQuery:
    """``parsed`` with every ``Expansion`` replaced by its terms (their terms join the
    highlighted ones); raises ``QueryError`` for a word that expands too far."""
    resolver = _Resolver(vocabulary)
    strict = resolver.query(parsed.strict) if parsed.strict is not None else None
    relaxed = resolver.query(parsed.relaxed) if parsed.relaxed is not None else None
    if not resolver.expanded:
        return parsed
    return dataclasses.replace(
        parsed,
        strict=strict,
        relaxed=relaxed,
        highlight_terms=parsed.highlight_terms | resolver.highlight,
        # A word being typed that begins words of the index is no typo (yet); a facet
        # value no article holds may be one.
        words=(
            *(w for w in parsed.words if w.start not in resolver.completed),
            *resolver.unknown_values,
        ),
    )


class _Resolver:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.highlight: set[str] = set()
        self.expanded: dict[Expansion, wq.Query] = {}
        #: Positions of words being typed that have completions.
        self.completed: set[int] = set()
        #: Facet values typed that no article holds (for did-you-mean).
        self.unknown_values: list[QueryWord] = []

    def query(self, query: wq.Query) -> wq.Query:
        if isinstance(query, Expansion):
            found = self.expanded.get(query)
            if found is None:
                found = self.expanded[query] = self.expansion(query)
            return found
        if isinstance(query, wq.Not):
            return wq.Not(self.query(query.query), boost=query.boost)
        if isinstance(query, wq.Or):
            children = [self.query(child) for child in query.subqueries]
            return wq.Or(children, boost=query.boost, minmatch=query.minmatch, scale=query.scale)
        if isinstance(query, wq.And):
            return wq.And([self.query(child) for child in query.subqueries], boost=query.boost)
        return query

    def expansion(self, expansion: Expansion) -> wq.Query:
        if expansion.kind == "words":
            return self.words(expansion)
        if expansion.kind == "completion":
            return self.completing(expansion)
        [(fieldname, _)] = expansion.fields
        if expansion.kind == "prefix":
            values = self.vocabulary.terms_starting(fieldname, expansion.pattern)
        else:
            values = self.vocabulary.matching_values(fieldname, expansion.pattern)
            typed, start = expansion.word, expansion.position
            unknown = values == [expansion.pattern] and not self.vocabulary.field_frequency(
                fieldname, expansion.pattern
            )
            if unknown and expansion.highlight:
                self.unknown_values.append(QueryWord(typed, start, start + len(typed), fieldname))
        if not values:
            return NOTHING
        terms = [wq.Term(fieldname, value) for value in values]
        return terms[0] if len(terms) == 1 else wq.Or(terms)

    def words(self, expansion: Expansion) -> wq.Query:
        pattern, fuzzy = expansion.pattern, expansion.fuzzy
        if fuzzy is not None:
            stems = self.vocabulary.fuzzy_stems(pattern, fuzzy or (1 if len(pattern) < 5 else 2))
        else:
            stems = self.vocabulary.wildcard_stems(pattern, MAX_EXPANSIONS)
        if len(stems) > MAX_EXPANSIONS:
            raise QueryError(
                f"{expansion.word!r} matches more than {MAX_EXPANSIONS} words; type more letters",
                expansion.position,
            )
        if not stems:
            return NOTHING
        if expansion.highlight:
            self.highlight.update(stems)
        if fuzzy is not None and expansion.exact in stems:
            # The word as typed first: its near spellings weigh less ("oil~": oil, then
            # soil, coil, oils), as Lucene's fuzzy query scores by similarity.
            others = sorted(stems - {expansion.exact})
            return _word_and_variants(expansion.fields, expansion.exact, others, VARIANT_WEIGHT)
        return any_field(expansion.fields, [(stem, 0) for stem in sorted(stems)], single=True)

    def completing(self, expansion: Expansion) -> wq.Query:
        """A word being typed: its own stem and its ``COMPLETIONS`` commonest completions
        (none while it begins more than ``MAX_EXPANSIONS`` words: type on)."""
        vocabulary, exact = self.vocabulary, expansion.exact
        found = vocabulary.completions(expansion.pattern, MAX_EXPANSIONS)
        completions = [stem for stem in found if stem != exact][:COMPLETIONS]
        if completions:
            self.completed.add(expansion.position)
        weight = VARIANT_WEIGHT if exact and vocabulary.doc_frequency(exact) else 1.0
        if expansion.highlight:
            self.highlight.update([exact, *completions] if exact else completions)
        return _word_and_variants(expansion.fields, exact, completions, weight)


def _word_and_variants(
    fields: tuple[tuple[str, float], ...], word: str, variants: list[str], weight: float
) -> wq.Query:
    """``word`` (a stem; "" for none) or any of ``variants``, which weigh ``weight`` of it."""
    parts = []
    if word:
        parts.append(any_field(fields, [(word, 0)], single=True))
    if variants:
        weighted = tuple((name, boost * weight) for name, boost in fields)
        parts.append(any_field(weighted, [(stem, 0) for stem in variants], single=True))
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.Or(parts)
