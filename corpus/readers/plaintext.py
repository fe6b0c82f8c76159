"""Plain-text articles, one per file: agency copy (the seed) and BBC-style files.

Layout understood, line by line:

* credit lines ("Posted with permission from AFP") set ``source`` and are dropped;
* lines ending in a photo credit ("... AFP/File / AHMAD AL-RUBAYE") are captions;
* "- Deadly counterattack in Syria -" lines are subheads, kept in the body in place;
* a short first line followed by a blank line is the headline (BBC style), otherwise
  the title is derived from the lede;
* a wire dateline ("BAGHDAD (AFP) - ") opening the first paragraph sets ``dateline``;
* a mail/Usenet header block at the top ("From:", "Subject:") is metadata: the subject
  is the title, a "Date:" header the date;
* every other run of lines is a paragraph; paragraphs are separated by a blank line.

Dates and places are extracted from the text when the file gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.extract.agencies import agency_of_credit_line, split_dateline
from corpus.extract.captions import Caption, parse_caption
from corpus.extract.cleaning import clean_field, clean_text
from corpus.extract.dates import find_date, parse_date, stamped_date
from corpus.extract.headers import split_header_block
from corpus.extract.places import dateline_place, find_places
from corpus.extract.stories import is_sports, lead_length
from corpus.extract.titles import BYLINE, MAX_TITLE_LENGTH, title_from_lede
from corpus.model import Article

FORMAT = "text"
_SUBHEAD = re.compile(r"^[-–—]{1,2} (?P<text>[^\W\d_][^\n@*=|]{1,98}?) [-–—]{1,2}$")
_HAS_WORD = re.compile(r"[^\W_]")


@dataclass
class _Layout:
    """What the line-by-line pass found, in reading order."""

    headline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    subheads: list[str] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    credit_sources: list[str] = field(default_factory=list)
    reading_order: list[str] = field(default_factory=list)  # paragraphs and captions


def _subhead(line: str) -> str | None:
    if len(line) > 106:
        return None
    match = _SUBHEAD.match(line)
    return match.group("text") if match else None


def _is_headline(lines: list[str], layout: _Layout) -> bool:
    """A lone short line, before any paragraph, not ending like a sentence."""
    line = lines[0]
    return (
        len(lines) == 1
        and not layout.paragraphs
        and not layout.headline
        and len(line) <= MAX_TITLE_LENGTH
        and (line.endswith("...") or line.isupper() or not line.endswith((".", ",", ";", ":")))
        and _HAS_WORD.search(line) is not None
        and BYLINE.match(line) is None
    )


def _is_lede(paragraph: str, layout: _Layout) -> bool:
    """Not a subhead and not a byline: the paragraph a title can be made from."""
    return paragraph not in layout.subheads and not (
        len(paragraph) <= 80 and BYLINE.match(paragraph)
    )


def _layout(text: str, *, headline_allowed: bool) -> _Layout:
    layout = _Layout()
    pending: list[str] = []  # content lines of the paragraph being read
    candidate_headline = headline_allowed
    lines = text.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    # Credit lines head or foot agency copy; elsewhere "Distributed by X" is just text.
    credit_rows = {*filled[:2], *filled[-2:]}

    def flush(blank_follows: bool) -> None:
        nonlocal candidate_headline
        if not pending:
            return
        if candidate_headline and blank_follows and _is_headline(pending, layout):
            layout.headline = pending[0]
            layout.reading_order.append(pending[0])
        else:
            paragraph = " ".join(pending)
            layout.paragraphs.append(paragraph)
            layout.reading_order.append(paragraph)
        candidate_headline = False
        pending.clear()

    for row, raw in enumerate(lines):
        line = " ".join(raw.split())
        if not line:
            flush(blank_follows=True)
            continue
        source = agency_of_credit_line(line) if row in credit_rows else None
        if source is not None:
            flush(blank_follows=False)
            layout.credit_sources.append(source)
            continue
        caption = parse_caption(line) if len(line) <= 600 else None
        if caption is not None:
            flush(blank_follows=False)
            layout.captions.append(caption)
            layout.reading_order.append(caption.text)
            continue
        subhead = _subhead(line)
        if subhead is not None:
            flush(blank_follows=False)
            candidate_headline = False
            layout.subheads.append(subhead)
            layout.paragraphs.append(subhead)
            layout.reading_order.append(subhead)
            continue
        pending.append(line)
    flush(blank_follows=False)
    if layout.headline and not layout.paragraphs:  # a lone line is the text, not a title
        layout.paragraphs.append(layout.headline)
        layout.headline = ""
    return layout


def _lede_end(layout: _Layout, lede: str | None) -> int:
    """How many parts of the reading order open the story: up to its lede (the
    paragraph its dateline opens, else its first paragraph)."""
    captions = {caption.text for caption in layout.captions}
    for i, part in enumerate(layout.reading_order):
        if part == lede or (lede is None and part != layout.headline and part not in captions):
            return i + 1
    return 1


def _with_dateline_place(places: tuple[str, ...], dateline: str) -> tuple[str, ...]:
    """The town a dateline names comes first, even one too small for the gazetteer."""
    stated = dateline_place(dateline) if dateline else None
    if stated is None or stated in places:
        return places
    return (stated, *places)


def parse_plain_text(text: str, *, article_id: str, path: str, category: str = "") -> Article:
    """Read one plain-text article.

    Raises ``ValueError`` (with the reason) only when the text holds no article at all,
    e.g. it is empty, only punctuation, or only a credit line.
    """
    text = clean_text(text)
    headers: dict[str, str] = {}
    message = split_header_block(text)
    if message is not None:
        headers, text = message
    subject = clean_field(headers.get("subject", ""))
    layout = _layout(text, headline_allowed=not subject)
    paragraphs = layout.paragraphs
    dateline_name, dateline_source, dateline_date, byline = "", "", None, ""
    texts = [i for i, p in enumerate(paragraphs) if p not in layout.subheads]
    first_text = texts[0] if texts else None
    # The dateline opens the story, or the paragraph after a headline read as its lede.
    dated_paragraph: str | None = None
    for position in texts[:2]:
        dateline = split_dateline(paragraphs[position])
        if dateline is not None:
            dated_paragraph = paragraphs[position]
            dateline_name, dateline_source = dateline.place, dateline.agency
            dateline_date, byline = dateline.date, dateline.byline
            paragraphs[position] = dateline.text
            break
    body = "\n\n".join(paragraphs)
    title_inferred = not (subject or layout.headline)
    if subject:
        title = subject
    elif layout.headline:
        title = layout.headline
    elif first_text is not None:
        lede = next((p for p in paragraphs[first_text:] if _is_lede(p, layout)), None)
        title = title_from_lede(lede or paragraphs[first_text])
    elif layout.captions:
        title = title_from_lede(layout.captions[0].text)
    else:
        title = ""
    if not _HAS_WORD.search(title) and not _HAS_WORD.search(body):
        raise ValueError("no article text (empty, or only credit lines or punctuation)")
    caption_sources = [caption.agency for caption in layout.captions]
    sources = [*layout.credit_sources, dateline_source, *caption_sources]
    given_date = parse_date(headers["date"]) if headers.get("date") else None
    # What states the day of publication: metadata, the dateline, a stamp line, a photo
    # caption's credit; never a date the story mentions.
    caption_dates = (find_date(caption.text) for caption in layout.captions)
    date = (
        given_date
        or dateline_date
        or stamped_date(text)
        or next((found for found in caption_dates if found), None)
    )
    credits = dict.fromkeys(name for caption in layout.captions for name in caption.credits)
    if byline:
        credits = {byline: None, **credits}
    places_text = "\n".join([dateline_name, subject, *layout.reading_order])
    opening = [dateline_name, subject, *layout.reading_order[: _lede_end(layout, dated_paragraph)]]
    lead = lead_length(len("\n".join(opening)), sports=is_sports(title or body, category))
    return Article(
        id=clean_field(article_id),
        title=clean_field(title),
        title_inferred=title_inferred,
        body=body,
        source=next((s for s in sources if s), ""),
        date=date,
        date_inferred=given_date is None and date is not None,
        category=clean_field(category),
        places=_with_dateline_place(find_places(places_text, lead=lead), dateline_name),
        captions=tuple(caption.text for caption in layout.captions),
        credits=tuple(credits),
        subheads=tuple(layout.subheads),
        dateline=clean_field(dateline_name),
        path=clean_field(path),
        format=FORMAT,
    )
