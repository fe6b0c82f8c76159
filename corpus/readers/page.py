"""What the HTML and Markdown readers share: a page's parts made into an ``Article``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from corpus.extract.cleaning import clean_field
from corpus.extract.dates import stamped_date
from corpus.extract.places import find_places
from corpus.extract.stories import is_sports, title_and_body_lead
from corpus.extract.titles import byline_name, title_from_lede
from corpus.model import Article


@dataclass
class Page:
    """A page read in order: its title, paragraphs (subheads among them) and metadata."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    subheads: list[str] = field(default_factory=list)
    date: datetime | None = None
    source: str = ""
    authors: list[str] = field(default_factory=list)
    url: str = ""

    def add(self, text: str, *, heading: bool = False) -> None:
        # The parser decoded character references ("&#x202e;"): clean the text it made.
        text = clean_field(text)
        if not text:
            return
        if heading and not self.paragraphs and text == " ".join(self.title.split()):
            return  # the headline again, above the text
        if heading and not self.title and not self.paragraphs:
            self.title = text  # the page's first heading, before any text, is its title
            return
        if heading:
            self.subheads.append(text)
        elif not self.paragraphs or self.paragraphs == self.subheads:
            name = byline_name(text)  # "By Jane Reporter" under the title: a credit
            if name:
                self.authors.append(name)
                return
        self.paragraphs.append(text)


def page_article(page: Page, *, article_id: str, path: str, category: str, fmt: str) -> Article:
    """The article of a page; raises ValueError when it holds no text."""
    body = "\n\n".join(page.paragraphs)
    if not body and not page.title:
        raise ValueError("no article text in the page")
    title = clean_field(page.title)
    first = next((p for p in page.paragraphs if p not in page.subheads), "")
    lead = title_and_body_lead(title, first, sports=is_sports(title or body, category))
    date = page.date or stamped_date(body)
    return Article(
        id=clean_field(article_id),
        title=title or title_from_lede(first or body),
        title_inferred=not title,
        body=body,
        source=clean_field(page.source),
        date=date,
        date_inferred=page.date is None and date is not None,
        category=clean_field(category),
        places=find_places(f"{title}\n\n{body}", lead=lead),
        credits=tuple(dict.fromkeys(clean_field(name) for name in page.authors if name)),
        subheads=tuple(page.subheads),
        url=clean_field(page.url),
        path=clean_field(path),
        format=fmt,
    )
