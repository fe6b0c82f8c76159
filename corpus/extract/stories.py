"""What kind of story a text is, and how far its opening runs: the places a story is
about are those of its opening and those it names more than once (``find_places``)."""

from __future__ import annotations

import re

#: The opening of a story, in characters at least (a headline, a dateline and the first
#: two or three sentences): on Reuters-21578 and CoNLL-2003 (dev) the best balance
#: between places a story is about and places it mentions in passing.
LEAD_CHARS = 400

_SPORTS = re.compile(
    r"^\s*(?:SOCCER|FOOTBALL|CRICKET|TENNIS|GOLF|RUGBY(?: UNION| LEAGUE)?|BASEBALL|"
    r"BASKETBALL|ICE HOCKEY|HOCKEY|ATHLETICS|CYCLING|MOTOR RACING|MOTORCYCLING|BOXING|"
    r"SQUASH|BADMINTON|SWIMMING|SAILING|YACHTING|HORSE RACING|SKIING|NFL|NBA|NHL)\b"
    r"\s*[-:–]",
    re.IGNORECASE,
)


def is_sports(text: str, category: str = "") -> bool:
    """A sports story ("SOCCER - ...", "Cricket: ...", or filed under "sport"): a town
    there names its team, and every place of a results list counts."""
    return category.casefold() in ("sport", "sports") or _SPORTS.match(text) is not None


def title_and_body_lead(title: str, body: str, *, sports: bool) -> int | None:
    """:func:`lead_length` of a text laid out as ``title``, a blank line, ``body`` (whose
    paragraphs are separated by blank lines): its opening is the title and first
    paragraph."""
    return lead_length(len(title) + 2 + len(body.split("\n\n")[0]), sports=sports)


def lead_length(opening: int, *, sports: bool) -> int | None:
    """Characters of a story that count as its opening, given the length of its
    headline, dateline and first paragraph; None (all of it) for a sports story."""
    return None if sports else max(opening, LEAD_CHARS)
