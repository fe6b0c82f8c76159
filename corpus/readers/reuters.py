"""Reuters-21578 SGML (``reut2-*.sgm``): up to 1,000 ``<REUTERS>`` records per file.

The files are SGML, not XML (no root element, bare ``>`` in ``&lt;SRD>``), so records
are cut out with regular expressions.  Every quirk of the collection is handled here:
numeric control references (``&#3;``), junk after dates, BRIEF texts (a title only),
UNPROC texts (raw text, no TITLE/BODY), ~70-column hard wrapping, the " Reuter"
sign-off, and a record truncated at the end of a file (reported, not raised).  Records
are read one at a time from the stream (:func:`corpus.streams.split_records`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache

from corpus.extract.cleaning import clean_text
from corpus.extract.places import canonical_place
from corpus.model import Article
from corpus.readers.codebook import CodeBook
from corpus.streams import NUL, NUL_REASON, TextSource, split_records, too_large

SOURCE = "Reuters"
FORMAT = "reuters-sgml"
#: The last word of almost every story; not part of the text.
SIGN_OFF = "Reuter"

_RECORD_START = re.compile(r"<REUTERS\b")
_RECORD_END = "</REUTERS>"
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_CONTROL_REFERENCE = re.compile(r"&#\d+;")
_CATEGORY = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2}):(\d{2}))?(?![\d:])")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}


def read_reuters(source: TextSource) -> Iterator[Article]:
    """Yield one Article per complete ``<REUTERS>`` record of an ``.sgm`` file."""
    for line, record in split_records(source, _RECORD_START, _RECORD_END):
        if record is None:
            source.skip(too_large(source.limit, "Reuters record"), line)
            continue
        record = source.recover(record, line)
        if NUL in record:
            source.skip(NUL_REASON, line)
            continue
        close = record.find(_RECORD_END)
        if close < 0:
            source.skip("truncated Reuters record (no </REUTERS>)", line)
            continue
        article = parse_record(clean_text(record[:close]), source.entry.path, source.code_book)
        if article is None:
            source.skip("Reuters record without NEWID", line)
            continue
        yield article


def parse_record(record: str, path: str, book: CodeBook | None = None) -> Article | None:
    """One ``<REUTERS ...>`` record (without its end tag) as an Article; its codes by
    the names ``book`` gives them (the collection's code book, when it was found)."""
    newid = _NEWID.search(record[: record.find(">")])
    if newid is None:
        return None
    text_type, raw_text = _text_element(record)
    title = _unescape(_element(raw_text, "TITLE")).strip(" *\n")
    dateline = _unescape(_element(raw_text, "DATELINE")).strip().rstrip("-").strip()
    if "UNPROC" in text_type:
        body = _unprocessed_body(raw_text)
        title = body.partition("\n")[0].strip()
    elif "BRIEF" in text_type:
        body = ""
    else:
        body = reflow(_unescape(_element(raw_text, "BODY")))
    return Article(
        id=newid.group(1),
        title=title,
        body=body,
        source=SOURCE,
        date=parse_reuters_date(_element(record, "DATE")),
        topics=_named(book, "topics", _categories(record, "TOPICS")),
        places=tuple(_unique(display_place(code) for code in _categories(record, "PLACES"))),
        people=tuple(
            (book and book.name("people", code)) or display_name(code)
            for code in _categories(record, "PEOPLE")
        ),
        organisations=_named(book, "organisations", _categories(record, "ORGS")),
        exchanges=_named(book, "exchanges", _categories(record, "EXCHANGES")),
        dateline=dateline,
        path=path,
        format=FORMAT,
    )


def _text_element(record: str) -> tuple[str, str]:
    """The ``<TEXT TYPE=...>`` attributes and content (find() is much faster than a regex)."""
    start = record.find("<TEXT")
    if start < 0:
        return "", ""
    attributes_end = record.find(">", start)
    end = record.find("</TEXT>", attributes_end)
    content = record[attributes_end + 1 :] if end < 0 else record[attributes_end + 1 : end]
    return record[start + 5 : attributes_end], content


def _element(text: str, tag: str) -> str:
    start = text.find(f"<{tag}>")
    if start < 0:
        return ""
    start += len(tag) + 2
    end = text.find(f"</{tag}>", start)
    return text[start:] if end < 0 else text[start:end]


def _categories(record: str, tag: str) -> tuple[str, ...]:
    return tuple(
        value.strip() for value in _CATEGORY.findall(_element(record, tag)) if value.strip()
    )


def _named(book: CodeBook | None, field: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    """Codes by their names in the code book; without a book the codes as written (a
    code the book lists bare, like the commodity ``castor-oil``, as "Castor Oil")."""
    if book is None:
        return codes
    return tuple(book.name(field, code) or fallback_display(code) for code in codes)


def _unique(values: Iterator[str]) -> Iterator[str]:
    seen: set[str] = set()
    for value in values:
        if value not in seen:
            seen.add(value)
            yield value


def _unescape(text: str) -> str:
    """Drop control references, then decode the only two named entities the files use."""
    text = _CONTROL_REFERENCE.sub("", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _without_sign_off(text: str) -> str:
    """Drop the trailing " Reuter" (a few stories carry it twice)."""
    text = text.rstrip()
    while text[-len(SIGN_OFF) :].lower() == SIGN_OFF.lower():
        before = text[: -len(SIGN_OFF)]
        if before[-1:].isalnum():
            break
        text = before.rstrip()
    return text


def reflow(body: str) -> str:
    """Undo the ~70-column hard wrap: a line indented by spaces starts a new paragraph."""
    paragraphs: list[list[str]] = []
    for line in _without_sign_off(body).split("\n"):
        if not line.strip():
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        if line.startswith(" ") or not paragraphs:
            paragraphs.append([line.strip()])
        else:
            paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(lines) for lines in paragraphs if lines)


def _unprocessed_body(raw_text: str) -> str:
    """UNPROC texts are tables and wire copy: keep their lines, drop the sign-off."""
    lines = [line.rstrip() for line in _without_sign_off(_unescape(raw_text)).split("\n")]
    return "\n".join(lines).strip("\n")


def parse_reuters_date(value: str) -> datetime | None:
    """``26-FEB-1987 15:01:01.79`` (odd spacing and trailing junk tolerated) to seconds.

    An impossible time ("605:12:19") keeps the day and drops the time.
    """
    match = _DATE.search(_CONTROL_REFERENCE.sub(" ", value))
    if match is None:
        return None
    day, month_name, year, hour, minute, second = match.groups()
    month = _MONTHS.get(month_name.upper())
    if month is None:
        return None
    try:
        day_only = datetime(int(year), month, int(day))
    except ValueError:
        return None
    if hour is None:
        return day_only
    try:
        return day_only.replace(hour=int(hour), minute=int(minute), second=int(second))
    except ValueError:
        return day_only


@lru_cache(maxsize=1024)
def display_place(code: str) -> str:
    """A Reuters place code ("el-salvador", "usa") as its canonical display name."""
    return canonical_place(code) or fallback_display(code)


def display_name(code: str) -> str:
    """A Reuters person code ("james-baker") for display ("James Baker")."""
    return fallback_display(code)


def fallback_display(code: str) -> str:
    return code.replace("-", " ").strip().title()
