"""Titles for articles that come without one, derived from the lede.

A search result needs a line to show; the first sentence of the body is what an editor
would have written, cut at a clause or word boundary when it runs long.  Every reader
uses this one derivation: plain text, and JSON or CSV records without a title.
"""

from __future__ import annotations

import re

MAX_TITLE_LENGTH = 100
MIN_CLAUSE_LENGTH = 40
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm",
    "gov", "sen", "rep", "st", "rev", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "co", "ltd", "no", "vs",
    "etc", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m"
})  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_CLAUSE_BREAK = re.compile(r"(?:,|;|:| [-–—]{1,2}) ")
_DANGLING_WORDS = frozenset({
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on",
    "or", "over", "than", "that", "the", "to", "under", "with", "which", "who", "whose",
    "while"
})  # fmt: skip
_TRAILING_PUNCTUATION = " .,;:-–—"
# "By Jane Smith" / "By JANE SMITH, Staff Writer": a byline, never a title or a lede.
BYLINE = re.compile(
    r"^(?:By|BY) (?P<name>[A-Z][\w.'’-]*(?: [A-Z&][\w.'’-]*){0,4})(?:,[^.!?]{0,40})?$"
)


def byline_name(paragraph: str) -> str | None:
    """The reporter a byline paragraph names ("By Jane Reporter" -> "Jane Reporter")."""
    match = BYLINE.match(paragraph) if len(paragraph) <= 80 else None
    return match.group("name") if match else None


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (abbreviations and initials do not end one)."""
    head = " ".join(text[:2000].split())
    for match in _SENTENCE_END.finditer(head):
        word = head[: match.start()].rsplit(" ", 1)[-1].lower().strip('"“(')
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        return head[: match.end()]
    return head


def _balance_quotes(title: str) -> str:
    """Drop a quote mark left open by cutting, so a title never shows a stray `"`."""
    if title.count('"') % 2:
        title = title.replace('"', "", 1) if title.startswith('"') else title.rstrip('"')
    if title.count("“") != title.count("”"):
        title = title.replace("“", "").replace("”", "")
    return title.strip()


def title_from_lede(text: str) -> str:
    """A title of at most ~100 characters from the first sentence of ``text``'s first line.

    Abbreviations ("U.S.", "Mr.") and initials do not end the sentence.
    """
    sentence = first_sentence(text.strip().partition("\n")[0])
    if len(sentence) <= MAX_TITLE_LENGTH:
        return _balance_quotes(sentence.rstrip(_TRAILING_PUNCTUATION))
    window = sentence[: MAX_TITLE_LENGTH + 1]
    clause_ends = [m.start() for m in _CLAUSE_BREAK.finditer(window)]
    clause_ends = [end for end in clause_ends if end >= MIN_CLAUSE_LENGTH]
    if clause_ends:
        return _balance_quotes(window[: clause_ends[-1]].rstrip(_TRAILING_PUNCTUATION))
    words = window.rsplit(" ", 1)[0].split(" ") if " " in window else [window[:MAX_TITLE_LENGTH]]
    while len(words) > 1 and words[-1].lower() in _DANGLING_WORDS:
        words.pop()
    return _balance_quotes(" ".join(words).rstrip(_TRAILING_PUNCTUATION)) + "…"
