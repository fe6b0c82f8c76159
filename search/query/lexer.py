"""Splitting a query string into tokens, each with its position in the string."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from search.errors import QueryError

#: ``name:`` at the start of a word (a field prefix, if the name is a known field).
_FIELD = re.compile(r"([A-Za-z_]\w*):")
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR"}
_STOP = set(' \t\n\r\f\v()"')
#: ``~N`` right after a phrase's closing quote.
_PROXIMITY = re.compile(r"~(\d+)(?![^\s()])")
#: The widest proximity honoured (a story's paragraph or two).
MAX_PROXIMITY = 1000


@dataclass(frozen=True, slots=True)
class Token:
    """kind: WORD, PHRASE, FIELD, RANGE, LPAREN, RPAREN, AND, OR, NOT or MINUS."""

    kind: str
    text: str
    start: int
    end: int
    field: str | None = None
    #: Edit distance for a fuzzy word (0 = the default for its length); None = not fuzzy.
    fuzzy: int | None = None
    #: The word is still being typed (the query's last, no space after it).
    completing: bool = False
    #: ``"a b"~N``: at most N other words between each word of the phrase and the next.
    proximity: int = 0

    def with_field(self, name: str) -> Token:
        return replace(self, field=name) if self.kind in ("WORD", "PHRASE") else self


def tokenize(text: str, known_fields: frozenset[str] | None = None) -> list[Token]:
    """Tokens of ``text``; raises QueryError for an unclosed quote or date range.

    A ``name:`` prefix becomes a FIELD token when ``name`` is followed by a value (the
    parser rejects unknown names); a trailing ``name:`` with nothing after it is a word.
    """
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
        elif char in "()":
            kind = "LPAREN" if char == "(" else "RPAREN"
            tokens.append(Token(kind, char, position, position + 1))
            position += 1
        elif char == '"':
            closing = text.find('"', position + 1)
            if closing < 0:
                raise QueryError("unclosed quote '\"'", position)
            if not text[position + 1 : closing].strip():
                raise QueryError("empty quotes: put the words of a phrase between them", position)
            proximity = _PROXIMITY.match(text, closing + 1)
            if proximity is None and text.startswith("~", closing + 1):
                raise QueryError(
                    "'~' after a phrase takes how many words may come between its words: "
                    '"rate cut"~3',
                    closing + 1,
                )
            end = proximity.end() if proximity else closing + 1
            within = min(int(proximity.group(1)), MAX_PROXIMITY) if proximity else 0
            phrase = text[position + 1 : closing]
            tokens.append(Token("PHRASE", phrase, position, end, proximity=within))
            position = end
        elif (
            char in "-+" and position + 1 < length and text[position + 1] not in _STOP | {"-", "+"}
        ):
            if char == "-":
                tokens.append(Token("MINUS", char, position, position + 1))
            position += 1
        elif (match := _FIELD.match(text, position)) and _has_value(text, match.end()):
            tokens.append(Token("FIELD", match.group(1), position, match.end()))
            position = match.end()
            if text[position] == "[":
                closing = text.find("]", position)
                if closing < 0:
                    raise QueryError("unclosed date range '['", position)
                tokens.append(Token("RANGE", text[position : closing + 1], position, closing + 1))
                position = closing + 1
        else:
            end = position
            while end < length and text[end] not in _STOP:
                end += 1
            tokens.append(_word(text[position:end], position, end))
            position = end
    return tokens


def _has_value(text: str, position: int) -> bool:
    return position < len(text) and not text[position].isspace() and text[position] != ")"


def _word(word: str, start: int, end: int) -> Token:
    if word in _OPERATORS:
        return Token(_OPERATORS[word], word, start, end)
    base, tilde, distance = word.rpartition("~")
    if tilde and base.strip("~") and (distance == "" or distance.isdigit()):
        return Token("WORD", base, start, end, fuzzy=int(distance) if distance else 0)
    return Token("WORD", word, start, end)
