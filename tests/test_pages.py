"""HTML pages and Markdown notes in a journalist's folder are read as clean articles."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from corpus import Article, CorpusReport, read_corpus
from index import build_index
from search import Engine

PAGE = """<!doctype html>
<html><head><title>River floods town | Daily Bugle</title>
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2005-03-02T10:00:00Z">
<meta property="og:site_name" content="Daily Bugle">
<script>var tracking = "<b>not text</b>";</script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<div class="ad">Buy one get one free</div>
<article><h1>River floods town</h1>
<p class="byline">By Jane Reporter</p>
<p>The river Severn burst its banks on Tuesday, flooding homes in Shrewsbury. Residents
were evacuated by boat as the water rose two metres overnight, officials said.</p>
<h2>Clean-up begins</h2>
<p>The clean-up would take weeks, the Environment Agency said. The town was last flooded
on 12 June 1998, when a bridge was lost.</p></article>
<footer>Copyright 2005 Daily Bugle. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>
"""

NOTE = """---
title: Council approves new bridge
date: 2005-04-12
author: Sam Writer
source: Town Crier
---

# Council approves new bridge

By Sam Writer

The **city council** of [Leeds](https://example.org/leeds) voted on Monday to build a
new bridge over the river Aire, ending a ten-year dispute.

## What happens next

- Tenders open in May
- Work begins in *spring*
"""


def _read(folder: Path) -> dict[str, Article]:
    report = CorpusReport()
    articles = {article.id: article for article in read_corpus(folder, report)}
    assert not report.skipped and not report.warnings
    return articles


def test_an_html_page_is_its_main_text_with_the_pages_metadata(tmp_path: Path) -> None:
    (tmp_path / "flood.html").write_text(PAGE, encoding="utf-8")
    page = _read(tmp_path)["flood"]
    assert page.format == "html"
    assert page.title == "River floods town"
    assert page.source == "Daily Bugle"
    assert page.credits == ("Jane Reporter",)
    assert page.date == datetime(2005, 3, 2, 10, 0)  # the time of day kept (it was midnight)
    assert page.subheads == ("Clean-up begins",)
    body = page.body
    assert body.startswith("The river Severn burst its banks")
    for boilerplate in ("Home", "Buy one", "Copyright", "Privacy", "tracking", "<", "By Jane"):
        assert boilerplate not in body


def test_a_markdown_note_is_plain_text_with_its_front_matter(tmp_path: Path) -> None:
    (tmp_path / "bridge.md").write_text(NOTE, encoding="utf-8")
    note = _read(tmp_path)["bridge"]
    assert note.format == "markdown"
    assert note.title == "Council approves new bridge"
    assert note.date == datetime(2005, 4, 12)
    assert note.source == "Town Crier"
    assert note.credits == ("Sam Writer",)
    assert note.subheads == ("What happens next",)
    assert note.places == ("Leeds",)
    body = note.body
    assert body.startswith("The city council of Leeds voted on Monday")
    assert "Tenders open in May" in body and "Work begins in spring" in body
    for markup in ("**", "](", "#", "---", "By Sam"):
        assert markup not in body


def test_pages_and_notes_are_searched_with_their_people(tmp_path: Path) -> None:
    corpus = tmp_path / "folder"
    corpus.mkdir()
    (corpus / "flood.html").write_text(PAGE, encoding="utf-8")
    (corpus / "bridge.md").write_text(NOTE, encoding="utf-8")
    build_index([corpus], tmp_path / "index", procs=1)
    with Engine.open(tmp_path / "index") as engine:
        assert [hit.id for hit in engine.search("severn").hits] == ["flood"]
        assert [hit.id for hit in engine.search('source:"town crier"').hits] == ["bridge"]
        assert engine.search("privacy").total == 0  # the footer was never indexed
        assert "Environment Agency" in dict(engine.search("").facets["organisations"])


def test_html_lists_and_tables_keep_their_words_apart_and_no_control_gets_in(
    tmp_path: Path,
) -> None:
    page = PAGE.replace(
        "<h2>Clean-up begins</h2>",
        "<ul><li>Sandbags</li><li>Pumps</li></ul><table><tr><td>Alpha</td><td>Beta</td>"
        "</tr></table><p>Water &#x202e;rose&#x1b; again by the bridge on the river front "
        "overnight, flooding the lower town once more.</p><h2>Clean-up begins</h2>",
    )
    (tmp_path / "flood.html").write_text(page, encoding="utf-8")
    body = _read(tmp_path)["flood"].body
    assert "Sandbags Pumps" in body and "Alpha Beta" in body
    assert "Water rose again" in body.replace("  ", " ")
    assert "\u202e" not in body and "\x1b" not in body


def test_an_html_page_in_the_charset_it_declares_is_read_without_a_warning(
    tmp_path: Path,
) -> None:
    """A page saved as windows-1252 that says so was decoded right but warned "not
    valid UTF-8"; a page that declares nothing still gets the warning."""
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Caf\xe9 opens</title></head><body><article><h1>Caf\xe9 opens in town</h1>"
        "<p>The new caf\xe9 opened on Monday, serving coffee for \u20ac2 a cup to the town.</p>"
        "<p>Its owner said business had been good since the doors opened.</p>"
        "</article></body></html>"
    )
    declared = tmp_path / "declared.html"
    declared.write_bytes(page.encode("cp1252"))
    report = CorpusReport()
    [article] = read_corpus(declared, report)
    assert "café opened" in article.body and "€2" in article.body and not report.warnings
    # A page that says Latin-1 is windows-1252, as browsers read it: its curly quotes
    # and dashes would otherwise become control characters, and be dropped.
    latin = tmp_path / "latin.html"
    latin.write_bytes(
        page.replace("windows-1252", "iso-8859-1")
        .replace("opened on", "opened \u2013 \u201cfinally\u201d \u2013 on")
        .encode("cp1252")
    )
    report = CorpusReport()
    [article] = read_corpus(latin, report)
    assert "opened \u2013 \u201cfinally\u201d \u2013 on" in article.body and not report.warnings
    silent = tmp_path / "silent.html"
    silent.write_bytes(page.replace(" charset=windows-1252", "").encode("cp1252"))
    report = CorpusReport()
    [article] = read_corpus(silent, report)
    assert "café opened" in article.body and "not valid UTF-8" in report.warnings[0].reason
