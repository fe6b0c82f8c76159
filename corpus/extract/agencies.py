"""News agencies: who supplied an article, read off credit lines and datelines.

The agency names and their spellings live in ``corpus/data/agencies.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from corpus.extract.resources import data_table

# "Posted with permission from AFP", "Copyright 2017 Reuters", "© AFP 2017", "Source: AP".
_CREDIT_LINE = re.compile(
    r"^(?:(?P<explicit>(?:Posted|Reprinted|Published|Republished|Used|Distributed)"
    r"\s+(?:with|by|under)\s+(?:permission|arrangement|licen[cs]e)\s+(?:from|of|with)"
    r"|Courtesy\s+of|Distributed\s+by)"
    r"|Copyright|©|\(c\)|Source:)\s*(?:\d{4}\s+)?(?P<agency>[^\n]{1,80}?)\s*(?:\d{4})?\s*[.,]?\s*"
    r"(?:All\s+rights\s+reserved\.?)?$",
    re.IGNORECASE,
)
# "BAGHDAD (AFP) - ", "WASHINGTON, Sept 22 (Reuters) - ", "(Reuters) - ", "AP - ".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][^\n()]{0,60}?)?\s*\((?P<agency>[A-Za-z][\w .'&-]{0,40})\)\s*[-–—]+\s+"
    r"|^(?P<bare>[A-Z][A-Za-z]{1,20}(?: [A-Z][A-Za-z]+)?)\s+[-–—]{1,2}\s+"
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening "PLACE, date (AGENCY) -" of a wire story, split off its text."""

    place: str
    agency: str
    text: str


@cache
def _spellings() -> dict[str, str]:
    spellings: dict[str, str] = {}
    for canonical, aliases in data_table("agencies.tsv"):
        for spelling in (canonical, *aliases):
            spellings.setdefault(spelling, canonical)
    return spellings


def canonical_agency(name: str) -> str | None:
    """ "Agence France-Presse" -> "AFP"; None for a name that is no known agency."""
    name = " ".join(name.split()).strip(" .,")
    spellings = _spellings()
    return spellings.get(name) or spellings.get(name.removeprefix("The "))


def agency_of_credit_line(line: str) -> str | None:
    """The source named by a stand-alone credit line, or None if it is not one.

    An explicit "with permission from X" names the source whatever X is; "Copyright X"
    and "Source: X" only count when X is a known agency, as such lines also credit
    photographers and websites.
    """
    if len(line) > 120:
        return None
    match = _CREDIT_LINE.match(line.strip())
    if match is None:
        return None
    agency = match.group("agency").strip(" .,")
    known = canonical_agency(agency)
    if known:
        return known
    if match.group("explicit") and agency[:1].isupper() and len(agency.split()) <= 6:
        return agency
    return None


def split_dateline(paragraph: str) -> Dateline | None:
    """Split "BAGHDAD (AFP) - Iraqi forces..." into place, agency and text; None if the
    paragraph does not open with a known agency's dateline."""
    match = _DATELINE.match(paragraph[:160])
    if match is None:
        return None
    agency = canonical_agency(match.group("agency") or match.group("bare") or "")
    rest = paragraph[match.end() :].strip()
    if agency is None or not rest:
        return None
    place = (match.group("place") or "").strip(" ,")
    return Dateline(place=place, agency=agency, text=rest)
