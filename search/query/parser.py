"""The query language: a small recursive-descent parser that builds Whoosh queries.

Our own parser (rather than ``whoosh.qparser``) so that every malformed input becomes a
``QueryError`` naming the problem and its position, field names have aliases, dates
have a friendly syntax, and the "loose" words of a query are known, so the engine can
relax an all-words query into a ranked any-word one. Tokenising lives in ``lexer.py``.

Parsing never reads the index: a word whose terms depend on the index's vocabulary (a
wildcard, a fuzzy word, a word inside a facet value) becomes an ``Expansion``
placeholder, which ``search.words.resolve`` replaces with the terms it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Literal

from whoosh import query as wq

from search.errors import QueryError
from search.query.analysis import analyze_words, check_pattern, fold
from search.query.dates import date_query
from search.query.fields import DEFAULT_FIELD_BOOSTS, FIELD_ALIASES, place_value
from search.query.lexer import Token, tokenize

__all__ = [
    "DEFAULT_FIELD_BOOSTS",
    "FIELD_ALIASES",
    "Expansion",
    "ParsedQuery",
    "QueryWord",
    "parse_query",
    "place_value",
]

#: Bounds that keep a pasted paragraph or a pathological query from running away.
MAX_TOKENS = 256
MAX_NESTING = 32

#: Coordination factor of the relaxed any-word query (documents matching more words win).
#: Whoosh's SQR bonus adds (matched - 1) / (terms - scale)**2, about 0.003 per matched
#: term of a 10-word query over two fields, so it mostly breaks ties: on the TIME dev
#: set 0.9 and 0 (no bonus) differ by at most 0.003 MAP (``benchmarks/tune_ranking.py``).
RELAXED_SCALE = 0.9

#: Matches no article (a prefix or fuzzy word with no expansion). Unlike NullQuery,
#: which And/Or drop (a stop word), it keeps an all-words query from matching.
NOTHING = wq.Term("id", "\x00no-such-article")


@dataclass(frozen=True)
class Expansion(wq.Query):  # type: ignore[misc]
    """A word whose terms come from the index's vocabulary, until resolved:

    - ``words``: a wildcard (``fuzzy`` None) or fuzzy word in the full-text ``fields``;
    - ``completion``: the word still being typed (``as_you_type``), ``pattern`` its
      prefix: itself and the words it begins, in the full-text ``fields``;
    - ``prefix``: ``field:val*``, the facet values starting with ``pattern``;
    - ``values``: ``field:word``, the facet values equal to it or holding it as a word.
    """

    kind: Literal["words", "completion", "prefix", "values"]
    word: str
    pattern: str
    fields: tuple[tuple[str, float], ...]
    position: int
    fuzzy: int | None = None
    #: Whether the terms it resolves to are highlighted (not inside a negation).
    highlight: bool = False
    #: A fuzzy or completed word's stem as typed ("" when it has none), which the other
    #: words it stands for rank below.
    exact: str = ""


@dataclass(frozen=True, slots=True)
class QueryWord:
    """A plain word the user typed (for did-you-mean), with its place in the query;
    ``field``: a facet field whose value it is (``place:brazill``), none holding it."""

    text: str
    start: int
    end: int
    field: str = ""


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What the engine needs from a query string."""

    text: str
    #: All-words query; None means "every article" (browse mode).
    strict: wq.Query | None
    #: Any-word fallback (loose words OR-ed); None when relaxing changes nothing.
    relaxed: wq.Query | None
    #: Indexed (stemmed) terms whose occurrences should be highlighted.
    highlight_terms: frozenset[str]
    words: tuple[QueryWord, ...] = ()

    @property
    def browse(self) -> bool:
        return self.strict is None

    @property
    def only_stop_words(self) -> bool:
        """Every word is one too common to be indexed ("the", "of"): nothing to match."""
        return self.strict is wq.NullQuery and any(c.isalnum() for c in self.text)


@dataclass
class _Parser:
    text: str
    tokens: list[Token]
    boosts: Mapping[str, float]
    index: int = 0
    highlight: set[str] = field(default_factory=set)
    words: list[QueryWord] = field(default_factory=list)
    negated: int = 0
    depth: int = 0

    # -- token helpers -------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    # -- grammar -------------------------------------------------------------------
    def parse_or(self, first: list[tuple[wq.Query, bool]] | None = None) -> wq.Query:
        """OR-ed branches; ``first`` is the first branch's clauses when already parsed."""
        branches = [self.combine_and(self.parse_and() if first is None else first)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in ("OR", "RPAREN"):  # type: ignore[union-attr]
                raise QueryError("OR needs a word after it", token.start)
            branches.append(self.combine_and(self.parse_and()))
        return branches[0] if len(branches) == 1 else wq.Or(branches)

    def parse_and(self) -> list[tuple[wq.Query, bool]]:
        """Clauses joined by (implicit) AND; the flag marks loose plain words."""
        clauses: list[tuple[wq.Query, bool]] = []
        while (token := self.peek()) is not None and token.kind not in ("OR", "RPAREN"):
            if token.kind == "AND":
                self.take()
                continue
            if token.kind == "LPAREN":
                clauses.extend(self.parse_group())
                continue
            clauses.append(self.parse_unary())
        return clauses

    def parse_group(self) -> list[tuple[wq.Query, bool]]:
        """``( ... )`` as clauses of the enclosing AND.

        A group without OR only groups what AND already groups, so its words stay loose
        (relaxable): "the baath (renaissance) party" relaxes like "the baath renaissance
        party" instead of requiring "renaissance".  A group with OR is one required clause.
        """
        opening = self.take()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QueryError(f"parentheses nested more than {MAX_NESTING} deep", opening.start)
        clauses = self.parse_and()
        has_or = (token := self.peek()) is not None and token.kind == "OR"
        inner = self.parse_or(clauses) if has_or else None
        self.depth -= 1
        self.take()  # its ")": parse_query balanced them
        return clauses if inner is None else [(inner, False)]

    def combine_and(self, clauses: list[tuple[wq.Query, bool]]) -> wq.Query:
        queries = _unique(query for query, _ in clauses if query is not wq.NullQuery)
        if not queries:
            return wq.NullQuery
        if len(queries) == 1:
            return _standalone(queries[0])
        return wq.And(queries)

    def parse_unary(self) -> tuple[wq.Query, bool]:
        token = self.take()
        if token.kind in ("NOT", "MINUS"):
            if self.peek() is None or self.peek().kind in ("OR", "RPAREN", "AND"):  # type: ignore[union-attr]
                raise QueryError(f"{token.text!r} needs a word after it", token.start)
            self.negated += 1
            inner, _ = self.parse_unary()
            self.negated -= 1
            return (wq.Not(inner) if inner is not wq.NullQuery else wq.NullQuery), False
        if token.kind == "LPAREN":  # a negated group: -(a b), NOT (a OR b)
            self.index -= 1
            return self.combine_and(self.parse_group()), False
        if token.kind == "FIELD":
            return self.parse_field(token), False
        if token.kind == "PHRASE":  # relaxes as one word does
            return self.phrase_query(token, None), not self.negated
        loose = not self.negated
        return self.word_query(token, None), loose

    def parse_field(self, token: Token) -> wq.Query:
        name = token.text.lower()
        target = FIELD_ALIASES.get(name)
        if target is None:
            known = ", ".join(sorted(set(FIELD_ALIASES.values())))
            raise QueryError(
                f"unknown field {token.text!r} (known: {known}); "
                "put text with a colon in quotes to search for it",
                token.start,
            )
        value = self.peek()
        if value is None or value.kind not in ("WORD", "PHRASE", "LPAREN", "RANGE"):
            raise QueryError(f"field {token.text!r} needs a value after the colon", token.end)
        self.take()
        if target == "date":
            if value.kind not in ("WORD", "RANGE", "PHRASE"):
                raise QueryError("date needs a value like 2017, 2017-09 or [A to B]", value.start)
            return date_query(value.text, value.start)
        if value.kind == "RANGE":
            raise QueryError(f"ranges are only allowed on date, not {token.text!r}", value.start)
        if value.kind == "LPAREN":
            return self.field_group(value, target)
        if value.kind == "PHRASE":
            return self.phrase_query(value, target)
        return self.word_query(value, target)

    def field_group(self, opening: Token, target: str) -> wq.Query:
        """``field:(a OR b)``: every word inside applies to that field."""
        depth = 1
        inner: list[Token] = []
        while depth:
            token = self.peek()
            if token is None:
                raise QueryError("unclosed parenthesis '('", opening.start)
            self.take()
            depth += {"LPAREN": 1, "RPAREN": -1}.get(token.kind, 0)
            if depth:
                inner.append(token.with_field(target))
        sub = _Parser(self.text, inner, self.boosts, negated=self.negated)
        result = sub.parse_or()
        self.highlight |= sub.highlight
        return result

    # -- leaves --------------------------------------------------------------------
    def text_fields(self, target: str | None) -> list[tuple[str, float]]:
        if target is None:
            return [(name, boost) for name, boost in self.boosts.items() if boost > 0]
        return [(target, 1.0)]

    def word_query(self, token: Token, target: str | None) -> wq.Query:
        target = target or token.field
        if target is not None and target not in DEFAULT_FIELD_BOOSTS:
            return self.keyword_query(token, target)
        word = token.text
        if token.completing:
            return self.completing_query(token, target)
        if word.strip("*?") == "":
            return wq.Every()
        if "*" in word or "?" in word or token.fuzzy is not None:
            pattern = check_pattern(word, token.fuzzy, token.start)
            fields = tuple(self.text_fields(target))
            exact = _stem_as_typed(word) if token.fuzzy is not None else ""
            return Expansion(
                "words", word, pattern, fields, token.start, token.fuzzy, not self.negated, exact
            )
        analyzed = analyze_words(word)
        if not analyzed:
            return wq.NullQuery
        if not self.negated:
            self.highlight.update(term for term, _ in analyzed)
            if len(analyzed) == 1:  # (a text field named or not: "title:opecc" too)
                self.words.append(QueryWord(word, token.start, token.end))
        return any_field(self.text_fields(target), analyzed, single=False)

    def completing_query(self, token: Token, target: str | None) -> wq.Query:
        """The word being typed: itself and the words it begins ("greensp" -> Greenspan)."""
        exact = _stem_as_typed(token.text)
        fields = tuple(self.text_fields(target))
        if not self.negated and target is None and exact:
            self.words.append(QueryWord(token.text, token.start, token.end))  # did-you-mean
        return Expansion(
            "completion", token.text, fold(token.text), fields, token.start, None,
            not self.negated, exact,
        )  # fmt: skip

    def phrase_query(self, token: Token, target: str | None) -> wq.Query:
        target = target or token.field
        if target is not None and target not in DEFAULT_FIELD_BOOSTS:
            return self.keyword_query(token, target)
        analyzed = analyze_words(token.text)
        if not analyzed:
            return wq.NullQuery
        if not self.negated:
            self.highlight.update(term for term, _ in analyzed)
            # Each word of the phrase may be respelled in place ("opecc meeting").
            inside = token.start + 1  # (after the opening quote)
            self.words.extend(
                QueryWord(found.group(), inside + found.start(), inside + found.end())
                for found in _PHRASE_WORD.finditer(token.text)
            )
        return any_field(
            self.text_fields(target), analyzed, single=False, proximity=token.proximity
        )

    def keyword_query(self, token: Token, target: str) -> wq.Query:
        """A facet/keyword field: the value is one term (lower-cased, accents folded)."""
        value = fold(place_value(token.text) if target == "places" else token.text.strip())
        if target == "id":
            return wq.Term("id", token.text.strip())
        if not value:
            return wq.NullQuery
        if token.kind == "WORD" and value.endswith("*") and "*" not in value[:-1]:
            prefix = value[:-1]
            if not prefix:
                return wq.Every()
            return Expansion("prefix", token.text, prefix, ((target, 1.0),), token.start)
        # The value's own place in the query (inside its quotes): did-you-mean respells it
        # there; a value ruled out (``highlight`` False) is never respelled.
        where = token.start + 1 if token.kind == "PHRASE" else token.start
        return Expansion(
            "values", token.text, value, ((target, 1.0),), where, highlight=not self.negated
        )


#: A word inside a quoted phrase, for did-you-mean.
_PHRASE_WORD = re.compile(r"[^\W\d_]+")


def _stem_as_typed(word: str) -> str:
    """The term ``word`` itself is indexed as ("" for a stop word or several terms)."""
    analyzed = analyze_words(word)
    return analyzed[0][0] if len(analyzed) == 1 else ""


def _standalone(query: wq.Query) -> wq.Query:
    """A lone negation means "everything except": give it something to subtract from."""
    if isinstance(query, wq.Not):
        return wq.And([wq.Every(), query])
    return query


def any_field(
    fields: Iterable[tuple[str, float]],
    analyzed: list[tuple[str, int]],
    *,
    single: bool,
    proximity: int = 0,
) -> wq.Query:
    """The same words in any of the fields (BM25F-style: each field with its boost).

    ``single`` means "any one of these terms" (an expansion); otherwise several terms
    form a phrase (a hyphenated word or a quoted phrase), in order, with at most
    ``proximity`` other words between one and the next (``"rate cut"~3``).
    """
    per_field: list[wq.Query] = []
    for name, boost in fields:
        if single:
            if not analyzed:
                continue
            terms = [wq.Term(name, term, boost=boost) for term, _ in analyzed]
            per_field.append(terms[0] if len(terms) == 1 else wq.Or(terms))
        elif len(analyzed) == 1:
            per_field.append(wq.Term(name, analyzed[0][0], boost=boost))
        else:
            positions = [pos for _, pos in analyzed]
            gaps = [b - a for a, b in pairwise(positions)]
            slop = max([1, *gaps]) + proximity
            words = [term for term, _ in analyzed]
            per_field.append(wq.Phrase(name, words, slop=slop, boost=boost))
    if not per_field:
        return wq.NullQuery
    return per_field[0] if len(per_field) == 1 else wq.Or(per_field)


def parse_query(
    text: str, *, field_boosts: Mapping[str, float] | None = None, as_you_type: bool = False
) -> ParsedQuery:
    """Parse ``text``; raises QueryError (with a position) for anything malformed.

    ``as_you_type``: the query is being typed, so its last word, unless a space follows
    it, also stands for the words it begins (``_completing``).

    Wildcards, fuzzy words and facet values stay ``Expansion`` placeholders: resolve
    them against an index with ``search.words.resolve.resolve_query``.
    """
    tokens = _balanced(tokenize(text), len(text))
    if as_you_type:
        tokens = _completing(tokens, text)
    if len(tokens) > MAX_TOKENS:
        raise QueryError(
            f"query too long: at most {MAX_TOKENS} words and operators", tokens[MAX_TOKENS].start
        )
    if not tokens:
        return ParsedQuery(text, None, None, frozenset())
    parser = _Parser(text, tokens, field_boosts or DEFAULT_FIELD_BOOSTS)
    clauses = parser.parse_and()
    if (token := parser.peek()) is not None and token.kind == "OR":
        parser.index = 0
        parser.highlight.clear()
        parser.words.clear()
        strict = parser.parse_or()
        relaxed = None
    else:
        strict = parser.combine_and(clauses)
        relaxed = _relax(clauses)
    if isinstance(strict, wq.Every):
        strict = None
    return ParsedQuery(text, strict, relaxed, frozenset(parser.highlight), tuple(parser.words))


#: Letters a word being typed needs before it stands for the words it begins.
COMPLETE_FROM = 2


def _completing(tokens: list[Token], text: str) -> list[Token]:
    """Mark the last token as the word being typed: a plain word (no wildcard, fuzzy
    mark or quotes) of ``COMPLETE_FROM`` letters or more, at the very end of ``text``."""
    if not tokens:
        return tokens
    last = tokens[-1]
    plain = last.kind == "WORD" and last.fuzzy is None and not any(c in last.text for c in "*?")
    if plain and last.end == len(text) and sum(c.isalnum() for c in last.text) >= COMPLETE_FROM:
        return [*tokens[:-1], replace(last, completing=True)]
    return tokens


def _balanced(tokens: list[Token], end: int) -> list[Token]:
    """Parentheses as a pasted question uses them: a ``)`` with no ``(`` before it is
    dropped ("(a) is x; b) is y"), and a ``(`` still open at the end is closed there
    (what "iraq (hawija OR mosul" means while it is being typed)."""
    kept: list[Token] = []
    depth = 0
    for token in tokens:
        if token.kind == "RPAREN":
            if depth == 0:
                continue
            depth -= 1
        elif token.kind == "LPAREN":
            depth += 1
        kept.append(token)
    return kept + [Token("RPAREN", ")", end, end)] * depth


def _unique(queries: Iterable[wq.Query]) -> list[wq.Query]:
    """Drop repeated clauses ("oil oil oil" ranks as "oil"), keeping the first's place."""
    kept: list[wq.Query] = []
    for query in queries:
        if query not in kept:
            kept.append(query)
    return kept


def _relax(clauses: list[tuple[wq.Query, bool]]) -> wq.Query | None:
    """Keep fields, exclusions and OR groups required; OR the loose words and phrases
    with coordination (a pasted question quoting a phrase no article holds still finds
    the articles with its other words).
    A lone ``*`` (``Every``) is no word to match: OR-ed in, it would make every article
    an any-word match (and leave Whoosh's coordination with no terms to count)."""
    loose = _unique(
        query
        for query, is_loose in clauses
        if is_loose and query is not wq.NullQuery and not isinstance(query, wq.Every)
    )
    if len(loose) < 2:
        return None
    required = _unique(
        query for query, is_loose in clauses if not is_loose and query is not wq.NullQuery
    )
    any_word = wq.Or(loose, scale=RELAXED_SCALE)
    if not required:
        return any_word
    return wq.And([*required, any_word])
