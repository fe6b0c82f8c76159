"""HTML pages, one article per file: the main text without navigation, adverts, comments
or footers, and the title, date, author and site from the page's metadata.

trafilatura finds the main text (README, Design); headings inside it become subheads,
the first one (usually the headline) the title when the page's metadata gives none. Its
date search is limited to the page's metadata and markup (``extensive_search`` off): a
date written in the story is never the publication date.
"""

from __future__ import annotations

import warnings
from typing import Any

from corpus.extract.dates import parse_date
from corpus.model import Article
from corpus.readers.page import Page, page_article

FORMAT = "html"
_DATES = {"extensive_search": False, "original_date": True}


def _extract(text: str) -> Any:
    import trafilatura

    with warnings.catch_warnings():  # its HTML parser warns about odd markup
        warnings.simplefilter("ignore")
        return trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATES,
        )


def parse_html(text: str, *, article_id: str, path: str, category: str = "") -> Article:
    """Read one HTML page; raises ``ValueError`` when it holds no article text."""
    document = _extract(text)
    if document is None or document.body is None:
        raise ValueError("no article text in the page")
    page = Page(title=document.title or "", source=document.sitename or "", url=document.url or "")
    page.date = parse_date(document.date) if document.date else None
    page.authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    for element in document.body:
        page.add("".join(element.itertext()), heading=element.tag == "head")
    return page_article(page, article_id=article_id, path=path, category=category, fmt=FORMAT)
