"""Dates: explicit dates found in article text, and date values given as metadata.

All results are naive datetimes.  Aware values (ISO 8601 with an offset, RFC 2822) are
converted to UTC first and then made naive, so every date in the index is on one clock
and "2017-09-22T23:30:00-05:00" sorts after "2017-09-23T03:00:00Z".
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from corpus.extract.cleaning import clean_field

EARLIEST_YEAR = 1900

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<{0}>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|"
    r"July?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
    r"Dec(?:ember|\.)?)"
)
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>(?:19|20)\d\d)"
_DATE_IN_TEXT = re.compile(
    r"(?<![\w-])(?:"
    + _MONTH.format("m1") + r"\s+" + _DAY.format("d1") + r",?\s+" + _YEAR.format("y1")
    + r"|" + _DAY.format("d2") + r"\s+(?:of\s+)?" + _MONTH.format("m2") + r",?\s+"
    + _YEAR.format("y2")
    + r"|" + _YEAR.format("y3") + r"-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)"
    + r")(?![\w-])",
    re.IGNORECASE,
)  # fmt: skip
_REUTERS_STAMP = re.compile(
    r"^\s*(?P<d>\d{1,2})-(?P<m>[A-Za-z]{3})-(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.(?P<f>\d{1,6}))?)?)?"
)
_YEAR_ANYWHERE = re.compile(r"(?:19|20)\d\d")
_NUMERIC = re.compile(r"^\s*(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})\b")


def _month_number(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _make(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _match_to_datetime(match: re.Match[str]) -> datetime | None:
    for suffix in "123":
        year = match.group("y" + suffix)
        if year is None:
            continue
        month_text, day = match.group("m" + suffix), int(match.group("d" + suffix))
        month = int(month_text) if month_text.isdigit() else _month_number(month_text)
        return _make(int(year), month, day)
    return None


def _dates_in_text(text: str) -> Iterator[re.Match[str]]:
    """Written dates in order, looked for only around four-digit years: scanning the
    whole text with the full pattern costs ten times more, and every date has a year."""
    searched_until = 0
    for year in _YEAR_ANYWHERE.finditer(text):
        if year.start() < searched_until:
            continue
        window_start = max(searched_until, year.start() - 30)
        match = _DATE_IN_TEXT.search(text, window_start, year.end() + 8)
        if match is not None:
            searched_until = match.end()
            yield match


def find_date(text: str, *, today: date | None = None) -> datetime | None:
    """The first explicit, plausible full date written in ``text`` (midnight), or None.

    "on September 22, 2017", "22 September 2017", "Sept. 22, 2017" and "2017-09-22" all
    count; a weekday ("Friday") or a month and day without a year do not.  Years before
    1900 or after ``today`` are skipped, and so is today's date itself: a reader that
    stamps files with the day they were read must never look like a dated article.
    """
    today = today or date.today()
    for match in _dates_in_text(text):
        found = _match_to_datetime(match)
        if found is None or not EARLIEST_YEAR <= found.year <= today.year:
            continue
        if found.date() >= today:
            continue
        return found
    return None


# "Published: 22 September 2017", "Last updated on Sept. 22, 2017 10:00 GMT", "Dated ...".
_STAMP_LINE = re.compile(
    r"^(?:(?:First |Last )?(?:Published|Posted|Updated|Filed)|Dated?|Pub(?:lication)? date)"
    r"\b\s*(?::\s*|on\s+)?",
    re.IGNORECASE,
)
#: Lines at each end of a text where a publication stamp is looked for.
STAMP_LINES = 5


def stamped_date(text: str) -> datetime | None:
    """The date a publication stamp line states ("Published: 22 September 2017") among
    the first and last lines of ``text``; a date written anywhere else in a story (a
    birth, an anniversary, a deadline, a kick-off) is never its publication date."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in (*lines[:STAMP_LINES], *lines[-STAMP_LINES:]):
        stamp = _STAMP_LINE.match(line)
        if stamp is not None and len(line) <= 120:
            found = find_date(line[stamp.end() :])
            if found is not None:
                return found
    return None


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


#: A 12-hour time ("2:22 PM", "11.05 a.m."), made a 24-hour one before parsing: RFC
#: 2822's parser reads "2:22 PM" as 02:22 and drops the PM.
_CLOCK_12 = re.compile(
    r"\b(?P<h>[01]?\d)[:.](?P<m>[0-5]\d)(?P<s>:[0-5]\d)?\s*(?P<half>[ap])\.?\s?m\b\.?",
    re.IGNORECASE,
)
#: Zone names news metadata uses that RFC 2822's parser does not know (it knows UT,
#: GMT, Z and the North American ones), as offsets; an unknown name is read as UTC (and
#: an ambiguous one, IST: India, Ireland or Israel, is unknown).
_ZONES = {
    "BST": "+0100", "CET": "+0100", "CEST": "+0200", "MET": "+0100",
    "MEST": "+0200", "WET": "+0000", "WEST": "+0100", "EET": "+0200", "EEST": "+0300",
    "MSK": "+0300", "GST": "+0400", "PKT": "+0500", "HKT": "+0800", "SGT": "+0800",
    "AWST": "+0800", "JST": "+0900", "KST": "+0900", "AEST": "+1000", "AEDT": "+1100",
    "NZST": "+1200", "NZDT": "+1300", "SAST": "+0200", "WAT": "+0100", "EAT": "+0300",
}  # fmt: skip
_ZONE = re.compile(r"(?<=\d )(?:" + "|".join(_ZONES) + r")\b", re.IGNORECASE)


#: A time right after a written date: " 14:22", ", at 2:22" (seconds and zone ignored).
_CLOCK_AFTER = re.compile(r",?\s+(?:at\s+)?(?P<h>[0-2]?\d)[:.](?P<m>[0-5]\d)\b")


def _clock_24(clock: re.Match[str]) -> str:
    hour = int(clock.group("h")) % 12 + (12 if clock.group("half").lower() == "p" else 0)
    return f"{hour:02d}:{clock.group('m')}{clock.group('s') or ''}"


def parse_date(value: str) -> datetime | None:
    """A date given as metadata, as a naive (UTC if it had a zone) datetime, or None.

    Understands ISO 8601 (date, date and time, with or without zone), RFC 2822
    ("Fri, 22 Sep 2017 10:00:00 +0000"), the Reuters-21578 stamp
    "26-FEB-1987 15:01:01.79" with any trailing junk, "2017/09/22" and written dates
    such as "22 Sep 2017" or "September 22, 2017".
    """
    text = clean_field(value)
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return _naive_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    text = _ZONE.sub(lambda zone: _ZONES[zone.group(0).upper()], _CLOCK_12.sub(_clock_24, text))
    try:
        return _naive_utc(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    stamp = _REUTERS_STAMP.match(text)
    if stamp and stamp.group("m").lower() in _MONTHS:
        day = _make(int(stamp.group("y")), _month_number(stamp.group("m")), int(stamp.group("d")))
        if day is None:
            return None
        fraction = (stamp.group("f") or "0").ljust(6, "0")
        try:
            return day.replace(
                hour=int(stamp.group("H") or 0),
                minute=int(stamp.group("M") or 0),
                second=int(stamp.group("S") or 0),
                microsecond=int(fraction),
            )
        except ValueError:
            return day
    numeric = _NUMERIC.match(text)
    if numeric:
        return _make(int(numeric.group("y")), int(numeric.group("m")), int(numeric.group("d")))
    written = _DATE_IN_TEXT.search(text[:80])
    if written is None:
        return None
    day = _match_to_datetime(written)
    # "September 22, 2017 at 2:22 p.m." (the clock made 24-hour above): its time too
    clock = _CLOCK_AFTER.match(text, written.end())
    if day is None or clock is None or int(clock.group("h")) > 23:
        return day
    return day.replace(hour=int(clock.group("h")), minute=int(clock.group("m")))
