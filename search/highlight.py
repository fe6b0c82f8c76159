"""Snippets and match spans, found with the same analyzer that indexed the text.

Running the field analyzer over the text (with character offsets) and keeping the
tokens whose stemmed form is a query term means a query for "offensives" highlights
"offensive" exactly where it is, and accent folding works the same way as in search.
Snippets are plain text: control characters become spaces, so article text can never
smuggle terminal escapes into a snippet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from corpus.extract.cleaning import clean_field
from index.schema import text_analyzer
from search.results import Span

#: Characters of context kept on each side of a match in a snippet fragment.
CONTEXT_CHARS = 60
#: Longest fragment: dense matches start a new fragment rather than growing one.
MAX_FRAGMENT_CHARS = 170
#: Fragments per snippet, and the length of a snippet with no match (the lede).
MAX_FRAGMENTS = 3
LEDE_CHARS = 240
ELLIPSIS = "…"

_ANALYZER = text_analyzer()
#: The analyzer's own tokenizer pattern, so words are cut exactly as when indexing.
_WORD = re.compile(getattr(_ANALYZER[0], "expression", re.compile(r"\w+(\.?\w+)*")).pattern)
#: The same pattern without its group, so ``findall`` returns whole words.
_WORD_TEXT = re.compile(_WORD.pattern.replace("(", "(?:"))
_WORD_CHAR = re.compile(r"\w")

#: One line of plain text: control characters dropped, whitespace runs collapsed.
clean_text = clean_field


def match_spans(text: str, terms: Iterable[str]) -> tuple[Span, ...]:
    """(start, end) of every word in ``text`` whose indexed form is one of ``terms``."""
    wanted = frozenset(terms)
    if not wanted or not text:
        return ()
    # Analyse each distinct word once (findall runs in C), then find only the words
    # that match, checking each candidate is a whole token as the tokenizer cuts it.
    hits = {word for word in set(_WORD_TEXT.findall(text)) if index_form(word) in wanted}
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
    for token in _ANALYZER(word):
        return str(token.text)
    return None


def make_snippet(sources: Sequence[str], terms: Iterable[str]) -> tuple[str, tuple[Span, ...]]:
    """A snippet from the first text in ``sources`` that contains a query term.

    ``sources`` are in preference order (body, then captions, subheads, title); with no
    match anywhere the snippet is the start of the first non-empty text.
    """
    wanted = frozenset(terms)
    cleaned = [clean_text(source) for source in sources]
    for text in cleaned:
        spans = match_spans(text, wanted)
        if spans:
            return _fragments(text, spans, wanted)
    for text in cleaned:
        if text:
            return _lede(text), ()
    return "", ()


def _lede(text: str) -> str:
    if len(text) <= LEDE_CHARS:
        return text
    cut = text.rfind(" ", 0, LEDE_CHARS)
    return text[: cut if cut > LEDE_CHARS // 2 else LEDE_CHARS] + ELLIPSIS


def _word_start(text: str, position: int) -> int:
    if position <= 0:
        return 0
    space = text.find(" ", position)
    return space + 1 if 0 <= space < position + 20 else position


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", 0, position)
    return space if space > position - 20 else position


def _fragments(
    text: str, spans: tuple[Span, ...], terms: frozenset[str]
) -> tuple[str, tuple[Span, ...]]:
    """Windows of context around the matches, best (most distinct words) first."""
    windows: list[list[int]] = []
    for start, end in spans:
        low = _word_start(text, start - CONTEXT_CHARS)
        high = _word_end(text, end + CONTEXT_CHARS)
        low, high = min(low, start), max(high, end)
        if windows and low <= windows[-1][1]:
            if high - windows[-1][0] <= MAX_FRAGMENT_CHARS or start < windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], high)
                continue
            low = windows[-1][1] + 1  # a fragment of its own, not overlapping
        windows.append([low, high])

    def distinct_words(window: list[int]) -> int:
        inside = {text[s:e].lower() for s, e in spans if window[0] <= s and e <= window[1]}
        return len(inside)

    best = sorted(windows, key=lambda w: (-distinct_words(w), w[0]))[:MAX_FRAGMENTS]
    best.sort()
    pieces: list[str] = []
    out_spans: list[Span] = []
    offset = 0
    for low, high in best:
        prefix = ELLIPSIS if low > 0 and not pieces else (f" {ELLIPSIS} " if pieces else "")
        offset += len(prefix)
        pieces.append(prefix + text[low:high])
        out_spans.extend(
            (s - low + offset, e - low + offset) for s, e in spans if low <= s and e <= high
        )
        offset += high - low
    snippet = "".join(pieces)
    if best and best[-1][1] < len(text):
        snippet += ELLIPSIS
    return snippet, tuple(out_spans)
