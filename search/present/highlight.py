"""Snippets and match spans, found with the same analyzer that indexed the text.

Running the field analyzer over the text (with character offsets) and keeping the
tokens whose stemmed form is a query term means a query for "offensives" highlights
"offensive" exactly where it is, and accent folding works the same way as in search.
Snippets are plain text: control characters become spaces, so article text can never
smuggle terminal escapes into a snippet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh.support.charset import accent_map

from corpus.extract.cleaning import clean_field
from index.schema import text_analyzer
from search.present.fragments import fragments, lede
from search.query.analysis import fold
from search.results import Span

#: Letters at the end of a stem that may differ from the word it came from...
HEAD_SLACK = 1
#: ... when the stem ends in one of these (Porter's rewrites: y -> i, +e, bility -> bl).
REWRITTEN_ENDINGS = ("e", "i", "l")

#: Characters of each text a snippet is looked for in.  A longer text (a book indexed
#: as one story) gets its snippet from this much of its start, so that one huge hit
#: cannot hold a query up; news stories are far shorter (BBC's longest: ~25,000).
SNIPPET_TEXT_CHARS = 100_000
#: Characters of a text ``match_spans`` looks at (the reading view of a huge story).
SPAN_TEXT_CHARS = 1_000_000

_ANALYZER = text_analyzer()
#: The analyzer's own tokenizer pattern, so words are cut exactly as when indexing.
_WORD = re.compile(getattr(_ANALYZER[0], "expression", re.compile(r"\w+(\.?\w+)*")).pattern)
#: The same pattern without its group, so ``findall`` returns whole words.
_WORD_TEXT = re.compile(_WORD.pattern.replace("(", "(?:"))
_WORD_CHAR = re.compile(r"\w")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: Characters whose folded form has another length or word-ness ("İ" lower-cases to two
#: characters; a few combining marks fold to letters): text holding one is matched the
#: slow way, word by word, since positions in the folded text would not line up.
_AWKWARD = re.compile(
    "["
    + "".join(
        re.escape(char)
        for char in map(chr, (0x130, *accent_map))
        if len(char.lower()) != 1
        or bool(_WORD_CHAR.match(char))
        != bool(_WORD_CHAR.match(char.lower().translate(accent_map)))
    )
    + "]"
)


def text_head(text: str, limit: int) -> str:
    """At most ``limit`` characters from the start of ``text``, cut between words (a
    word cut in two could match a query term it is not)."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    return text[: cut if cut > limit // 2 else limit]


def clean_text(text: str) -> str:
    """One line of plain text: control characters dropped, whitespace runs collapsed.

    The same result as ``corpus``'s ``clean_field``.  Stored bodies are usually clean
    already but for their paragraph breaks, and recognising that takes a few scans in C
    (every character ``clean_field`` drops or changes is non-printable), several times
    faster than ``clean_field``'s substitutions; snippets are made for every hit.
    """
    quick = text.replace("\n\n", " ").replace("\n", " ")
    if quick.isprintable() and "  " not in quick and quick == quick.strip():
        return quick
    return clean_field(text)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text cleaned for display and folded for matching.

    ``folded`` is None when the text holds characters that fold awkwardly, which are
    matched word by word instead.
    """

    text: str
    folded: str | None


#: (position among a hit's texts, text) -> the text prepared, perhaps from a cache.
Preparer = Callable[[int, str], Prepared]


def prepare_text(source: str) -> Prepared:
    """``source`` cleaned and folded: the passes over the whole text a snippet needs
    before it can look for the query's words (cacheable per stored text)."""
    text = clean_text(source)
    return Prepared(text, _fold_text(text))


#: Non-ASCII characters common in news text that are not word characters and that folding
#: leaves alone (currency signs, dashes, quotes): a text whose only non-ASCII characters
#: are these folds by lower-casing alone.  Counting them is several times faster than a
#: regex scan of the whole text (half of BBC's stories have a "£" and nothing else).
_PLAIN_SYMBOLS = tuple(
    char
    for char in "£€¥¢–—‘’“”•…°·«»©®™§¶"
    if not _WORD_CHAR.match(char) and char.lower() == char.translate(accent_map) == char
)


def _fold_text(text: str) -> str | None:
    lowered = text.lower()
    if text.isascii():
        return lowered
    others = len(text) - len(text.encode("ascii", "ignore"))
    if others == sum(text.count(char) for char in _PLAIN_SYMBOLS):
        return lowered
    if _AWKWARD.search(text):
        return None
    return _NON_ASCII.sub(_fold_char, lowered)


def match_spans(text: str, terms: Iterable[str]) -> tuple[Span, ...]:
    """(start, end) of every word in ``text`` whose indexed form is one of ``terms``,
    in its first ``SPAN_TEXT_CHARS`` characters."""
    wanted = frozenset(terms)
    if not wanted or not text:
        return ()
    text = text_head(text, SPAN_TEXT_CHARS)
    return _spans(Prepared(text, _fold_text(text)), wanted)


def _spans(prepared: Prepared, wanted: frozenset[str]) -> tuple[Span, ...]:
    if prepared.folded is None:
        return _unicode_spans(prepared.text, wanted)
    return _folded_spans(prepared.text, prepared.folded, wanted)


def _folded_spans(text: str, folded: str, wanted: frozenset[str]) -> tuple[Span, ...]:
    """Searches (in C) of the folded text yield the words that begin like a query
    term; only those are analysed.  Folding keeps every character's position and
    word-ness, so the spans found in the folded text hold for ``text`` itself."""
    spans: list[Span] = []
    size = len(folded)
    for start, end in _candidate_spans(wanted, folded):
        word = folded[start:end]
        if end < size and folded[end] == ".":  # "u.s": the token goes on past the dot
            token = _WORD.match(folded, start)
            if token is None:
                continue
            word, end = token.group(), token.end()
        if index_form(word) not in wanted:
            continue
        # A head is found anywhere, so check here that the word starts a token: not
        # inside a word, not glued on by a dot.
        if (start and _WORD_CHAR.match(folded, start - 1)) or not _token_starts_at(text, start):
            continue
        spans.append((start, end))
    return tuple(spans)


def _fold_char(match: re.Match[str]) -> str:
    return _fold_one(match.group())


@lru_cache(maxsize=4096)
def _fold_one(char: str) -> str:
    return char.translate(accent_map)


def _unicode_spans(text: str, wanted: frozenset[str]) -> tuple[Span, ...]:
    """Accented text: analyse each distinct word that folds to a term's start, then
    find only the words that match, checking each is a whole token as cut when indexing."""
    heads = _heads(wanted)
    hits = {
        word
        for word in set(_WORD_TEXT.findall(text))
        if fold(word).startswith(heads) and index_form(word) in wanted
    }
    if not hits:
        return ()
    alternatives = "|".join(re.escape(word) for word in sorted(hits, key=len, reverse=True))
    spans: list[Span] = []
    for candidate in re.finditer(rf"(?<!\w)(?:{alternatives})", text):
        start = candidate.start()
        token = _WORD.match(text, start)
        if token and token.end() == candidate.end() and _token_starts_at(text, start):
            spans.append((start, token.end()))
    return tuple(spans)


@lru_cache(maxsize=1024)
def _heads(wanted: frozenset[str]) -> tuple[str, ...]:
    """Starts every word indexed as one of ``wanted`` has, once folded.

    Porter stemming keeps a word's start and changes at most the stem's last letter,
    and only to one of ``REWRITTEN_ENDINGS`` ("happi" < "happy", "hope" < "hoping",
    "portabl" < "portability"); any other stem starts the word whole ("ag" < "aged").
    A word whose folded form does not begin so cannot have that stem (checked on all
    distinct words of Reuters-21578, BBC, AG News and TIME; tests compare with the
    analyzer).  Short stems matter most: "ag" cut to "a" would make every "a…" word a
    candidate.
    """
    heads = sorted(
        {
            term[: max(1, len(term) - HEAD_SLACK)] if term.endswith(REWRITTEN_ENDINGS) else term
            for term in wanted
        }
    )
    kept = [head for head in heads if not any(head.startswith(h) and h != head for h in heads)]
    return tuple(kept)


#: The rest of a word, from inside it.
_WORD_REST = re.compile(r"\w*")


def _candidate_spans(wanted: frozenset[str], folded: str) -> list[Span]:
    """(start, end) of every word of ``folded`` that begins at an occurrence of one
    of the heads, in text order; the search resumes after each such word.

    ``str.find`` looks for the heads: compiling a pattern per query (the heads change
    with every query) cost more than the search itself.  No head starts another, so
    two heads never claim the same place; a match inside another's word is rejected by
    the caller anyway.
    """
    found: list[Span] = []
    heads = _heads(wanted)
    for head in heads:
        at = folded.find(head)
        while at >= 0:
            rest = _WORD_REST.match(folded, at + len(head))
            end = rest.end() if rest is not None else at + len(head)
            found.append((at, end))
            at = folded.find(head, end)
    if len(heads) > 1:
        found.sort()
    return found


def _token_starts_at(text: str, position: int) -> bool:
    """False when the word is glued to the previous one by a dot ("U.S", "3.5")."""
    glued = position >= 2 and text[position - 1] == "." and _WORD_CHAR.match(text[position - 2])
    return not glued


@lru_cache(maxsize=100_000)
def index_form(word: str) -> str | None:
    """The term the full-text analyzer makes of one word (None for a stop word).

    Cached per distinct word: highlighting re-analyses whole bodies on every query, and
    running the analyzer's filter chain per token would dominate query time.
    """
    if _token_form is not None and _WORD_TEXT.fullmatch(word):
        return _token_form(word)
    for token in _ANALYZER(word):
        return str(token.text)
    return None


def _direct_token_form() -> Callable[[str], str | None] | None:
    """The analyzer's filters applied to one token by plain calls, or None if the
    analyzer is not the expected chain (tokenizer, lower, charset, stop, stem).

    The same steps as the analyzer, ten times faster than its chain of generators;
    a query's new words would otherwise cost ~30 us each to analyse.
    """
    from whoosh.analysis import CharsetFilter, LowercaseFilter, StemFilter, StopFilter

    steps = getattr(_ANALYZER, "items", [])
    kinds = (LowercaseFilter, CharsetFilter, StopFilter, StemFilter)
    if len(steps) != 5 or not all(type(s) is k for s, k in zip(steps[1:], kinds, strict=True)):
        return None
    charmap, stop, stemmer = steps[2].charmap, steps[3], steps[4]
    if stemmer.lang:
        return None
    stops, shortest, longest = stop.stops, stop.min, stop.max
    stem, ignore = stemmer.stemfn, stemmer.ignore

    def form(token: str) -> str | None:
        text = token.lower().translate(charmap)
        if len(text) < shortest or (longest is not None and len(text) > longest):
            return None
        if text in stops:
            return None
        return text if text in ignore else str(stem(text))

    return form


_token_form = _direct_token_form()


def make_snippet(
    sources: Sequence[str], terms: Iterable[str], prepare: Preparer | None = None
) -> tuple[str, tuple[Span, ...]]:
    """A snippet from the first text in ``sources`` that contains a query term.

    ``sources`` are in preference order (body, then captions, subheads, title); with no
    match anywhere the snippet is the start of the first non-empty text.  Only the
    first ``SNIPPET_TEXT_CHARS`` of each text are looked at.  ``prepare`` (position in
    ``sources``, text) may return cached ``prepare_text`` results.
    """
    wanted = frozenset(terms)
    sources = [text_head(source, SNIPPET_TEXT_CHARS) for source in sources]
    if not wanted:
        for source in sources:
            text = clean_text(source)
            if text:
                return lede(text), ()
        return "", ()
    cleaned: list[str] = []
    for position, source in enumerate(sources):  # one by one: most snippets are from the body
        prepared = prepare(position, source) if prepare else prepare_text(source)
        spans = _spans(prepared, wanted) if prepared.text else ()
        if spans:
            return fragments(prepared.text, spans)
        cleaned.append(prepared.text)
    for text in cleaned:
        if text:
            return lede(text), ()
    return "", ()
