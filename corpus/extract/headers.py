"""Mail and Usenet header blocks ("From: ...", "Subject: ...") opening a text file.

Newsgroup posts and mailed wire copy are plain text with an RFC 822 header block: the
subject is the headline and the headers are metadata, not part of the story.
"""

from __future__ import annotations

import re

# Headers that make a block a message header rather than a "Note: ..." first line.
_MESSAGE_HEADERS = frozenset({"from", "subject", "newsgroups", "message-id", "date", "to"})
_HEADER_LINE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]{0,40}):(?: (?P<value>.*)|$)")
MAX_HEADER_LINES = 60


def split_header_block(text: str) -> tuple[dict[str, str], str] | None:
    """Headers (lower-cased names, first occurrence wins, folded lines joined) and the
    text after the block; None when ``text`` does not open with a message header block."""
    lines = text.lstrip("\n").split("\n", MAX_HEADER_LINES + 1)
    headers: dict[str, str] = {}
    name = ""
    for index, line in enumerate(lines[:MAX_HEADER_LINES]):
        if not line.strip():
            if len(headers) >= 2 and _MESSAGE_HEADERS & headers.keys():
                return headers, "\n".join(lines[index + 1 :])
            return None
        if line[0] in " \t" and name:
            headers[name] = f"{headers[name]} {line.strip()}".strip()
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return None
        name = match.group("name").lower()
        if name in headers:
            name = ""  # a repeated header: keep the first value, ignore its continuation
            continue
        headers[name] = (match.group("value") or "").strip()
    return None
