"""Markdown notes, one article per file, read with markdown-it-py: the text without its
markup (links keep their words, images their alt text, code its code), headings as
subheads (the first, before any text, as the title), and a YAML-style front matter's
``title``, ``date``, ``author``/``byline`` and ``source``/``publisher``/``site`` lines.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from corpus.extract.dates import parse_date
from corpus.model import Article
from corpus.readers.page import Page, page_article

FORMAT = "markdown"
_PARSER = MarkdownIt("commonmark").use(front_matter_plugin)
_TEXT_PARTS = frozenset({"text", "code_inline"})


def _inline_text(token: Any) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in _TEXT_PARTS:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts)


def _front_matter(page: Page, content: str) -> None:
    for line in content.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip().strip("\"'")
        if not value:
            continue
        if key in ("title", "headline"):
            page.title = value
        elif key in ("date", "published", "pubdate"):
            page.date = parse_date(value)
        elif key in ("author", "authors", "byline"):
            page.authors.extend(name.strip() for name in value.strip("[]").split(","))
        elif key in ("source", "publisher", "site"):
            page.source = value
        elif key in ("url", "link"):
            page.url = value


def parse_markdown(text: str, *, article_id: str, path: str, category: str = "") -> Article:
    """Read one Markdown note; raises ``ValueError`` when it holds no text."""
    page = Page()
    tokens = _PARSER.parse(text)
    for index, token in enumerate(tokens):
        if token.type == "front_matter":
            _front_matter(page, token.content)
        elif token.type == "inline":
            heading = index > 0 and tokens[index - 1].type == "heading_open"
            page.add(_inline_text(token), heading=heading)
        elif token.type in ("fence", "code_block"):
            page.add(token.content)
    return page_article(page, article_id=article_id, path=path, category=category, fmt=FORMAT)
