"""HTML pages, one article per file: the main text without navigation, adverts, comments
or footers, and the title, date, author and site from the page's metadata.

trafilatura finds the main text (README, Design); headings inside it become subheads,
the first one (usually the headline) the title when the page's metadata gives none. Its
date search is limited to the page's metadata and markup (``extensive_search`` off): a
date written in the story is never the publication date.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from corpus.extract.dates import parse_date
from corpus.model import Article
from corpus.readers.page import Page, page_article

FORMAT = "html"
#: The time of day too (htmldate gives the date alone by default): midnight when none.
_DATES = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
#: Elements of trafilatura's output whose text stands apart from its neighbours'.
_BLOCKS = frozenset({"item", "row", "cell", "lb", "p", "head", "quote", "list", "table"})
# "&#27;", "&#x1b;": a reference to a control character (one makes trafilatura give up).
_CONTROL_REFERENCE = re.compile(
    r"&#(?:x0*(?:[01]?[0-9a-fA-F]|[89][0-9a-fA-F]|7[fF])|0*(?:[0-9]|[12][0-9]|3[01]|12[7-9]|1[3-5][0-9]));"
)


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


def _text_of(element: Any) -> str:
    """An element's words, list items, table cells and line breaks kept apart ("one
    two", never "onetwo"); inline markup (emphasis, links) joins its words as written."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        block = node.tag in _BLOCKS
        if block:
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append(" ")

    walk(element)
    return "".join(parts)


def parse_html(text: str, *, article_id: str, path: str, category: str = "") -> Article:
    """Read one HTML page; raises ``ValueError`` when it holds no article text."""
    document = _extract(_CONTROL_REFERENCE.sub(" ", text))
    if document is None or document.body is None:
        raise ValueError("no article text in the page")
    page = Page(title=document.title or "", source=document.sitename or "", url=document.url or "")
    page.date = parse_date(document.date) if document.date else None
    page.authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    for element in document.body:
        page.add(_text_of(element), heading=element.tag == "head")
    return page_article(page, article_id=article_id, path=path, category=category, fmt=FORMAT)
