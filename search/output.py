"""The text ``newsdesk search`` and ``newsdesk show`` print.

Article text is untrusted: it goes through ``rich.text.Text`` (never parsed as markup)
after control characters are removed, so it can neither style the output nor send
escape sequences to the terminal.  A terminal gets Rich's colour and wrapping; a pipe
or file gets the plain text, one line per line, unwrapped and without trailing spaces.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.text import Text

from corpus.model import Article
from search.present.highlight import clean_text
from search.results import Hit, SearchResults

#: Facet values listed per facet in the text output.
SHOWN_FACET_VALUES = 5
#: Month histograms longer than this are left to the year line.
SHOWN_MONTHS = 12
#: Follows a date taken from the story's text, not from its metadata.
INFERRED_MARK = "(inferred)"


class _Console(Console):
    """Rich's console, but a closed pipe raises BrokenPipeError for ``newsdesk``'s
    ``main`` to handle like any other (Rich would exit with status 1)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def write_text(text: Text, out: TextIO | None = None) -> None:
    """Print ``text``: styled and wrapped by Rich on a terminal, plain otherwise."""
    stream = out or sys.stdout
    console = _Console(file=stream, highlight=False, soft_wrap=False)
    if console.is_terminal:
        console.print(text)
        return
    lines = (line.rstrip() for line in text.plain.split("\n"))
    stream.write("\n".join(lines) + "\n")


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 story", "1,234 stories"."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count:,} {word}"


def stories(count: int) -> str:
    return counted(count, "story", "stories")


def date_text(when: datetime | None, inferred: bool) -> str:
    """YYYY-MM-DD, marked when the date was read from the text; "" for none."""
    if when is None:
        return ""
    shown = when.strftime("%Y-%m-%d")
    return f"{shown} {INFERRED_MARK}" if inferred else shown


# -- search ------------------------------------------------------------------------------
#: Why a query of only stop words finds nothing (the index leaves such words out).
STOP_WORDS_NOTE = (
    "Nothing to search for: “{query}” has only words too common to be indexed "
    "(the, of, and ...); add a word that says what the story is about"
)


def summary_text(results: SearchResults, *, every_version: bool = False) -> str:
    """The first line: which hits of how many, or why there are none; "(incomplete)"
    when the time limit cut the query short.  ``every_version``: the hits count articles
    (each version of a story), not stories."""
    incomplete = " (incomplete)" if results.partial else ""
    if results.only_stop_words:
        return STOP_WORDS_NOTE.format(query=clean_text(results.query).strip())
    noun = "articles" if every_version else "stories"
    if results.total == 0:
        query = clean_text(results.query)
        matched = f"match “{query}”" if query.strip() else "match"
        if results.partial:
            return f"No {noun} found that {matched} before the time limit"
        return f"No {noun} {matched}"
    total = (
        counted(results.total, "article", "articles") if every_version else stories(results.total)
    )
    if not results.hits:
        last_page = -(-results.total // results.page_size)
        pages = "page 1" if last_page == 1 else f"pages 1-{last_page:,}"
        return (
            f"No {noun} on page {results.page:,}: {total} in all"
            f"{incomplete}, on {pages} at {results.page_size:,} a page"
        )
    first = (results.page - 1) * results.page_size + 1
    last = first + len(results.hits) - 1
    shown = f"{first:,}" if first == last else f"{first:,}-{last:,}"
    folded = f" (+{counted(results.folded, 'other version')})" if results.folded else ""
    return f"{shown} of {total}{folded}{incomplete}"


def relaxed_note(results: SearchResults) -> str:
    """Say exactly how the any-word fallback applied (none, or only a few, had every word)."""
    if results.all_words_total == 0:
        return "No story has every word: showing stories with any of them."
    have = "has" if results.all_words_total == 1 else "have"
    return (
        f"Only {stories(results.all_words_total)} {have} every word (listed first); "
        "stories with some of the words follow."
    )


def missing_shards_note(results: SearchResults) -> str:
    """Which shards of a cluster did not answer (their stories are left out)."""
    names = ", ".join(str(number) for number in results.missing_shards)
    shards = "shard" if len(results.missing_shards) == 1 else "shards"
    return (
        f"Incomplete: {shards} {names} did not answer; their stories are not counted. "
        "Search again in a moment (a stopped worker is restarted)."
    )


PARTIAL_NOTE = (
    "Time limit reached: the count, the hits, their snippets and the facet counts may be "
    "incomplete. Narrow the query (more words, a field, a date) for complete results."
)


def results_text(
    results: SearchResults, why: Mapping[str, str] | None = None, *, every_version: bool = False
) -> Text:
    """Everything ``newsdesk search`` prints for one page of results (``why``: a line
    saying why each story matched, by id: ``--explain``; ``every_version``: articles
    counted, not stories)."""
    text = Text()
    text.append(summary_text(results, every_version=every_version), style="bold")
    text.append(f"  ({results.took_ms:,.0f} ms)\n", style="dim")
    if results.relaxed:
        text.append(relaxed_note(results) + "\n", style="yellow")
    if results.missing_shards:
        text.append(missing_shards_note(results) + "\n", style="yellow")
    elif results.partial:
        text.append(PARTIAL_NOTE + "\n", style="yellow")
    if results.suggestion:
        text.append("Did you mean: ")
        text.append(clean_text(results.suggestion) + "\n", style="bold")
    first = (results.page - 1) * results.page_size + 1
    for number, hit in enumerate(results.hits, start=first):
        text.append("\n")
        text.append_text(hit_text(number, hit))
        if why and hit.id in why:
            text.append("\nwhy: ", style="magenta")
            text.append(clean_text(why[hit.id]), style="magenta")
        text.append("\n")
    facets = facet_text(results)
    if facets.plain:
        text.append("\n")
        text.append_text(facets)
    text.rstrip()
    return text


def hit_text(number: int, hit: Hit) -> Text:
    text = Text()
    text.append(f"{number:,}. ", style="dim")
    text.append(clean_text(hit.title) or "(untitled)", style="bold cyan")
    text.append(f"  [{clean_text(hit.id)}]\n", style="dim")
    meta = [date_text(hit.date, hit.date_inferred), hit.source, hit.category]
    meta.append(", ".join(hit.places[:5]))
    if hit.versions > 1:
        meta.append(f"{hit.versions} versions")
    text.append(clean_text(" · ".join(part for part in meta if part)), style="green")
    snippet = Text(hit.snippet)  # already plain text; spans index into it
    for start, end in hit.highlights:
        snippet.stylize("bold yellow", start, end)
    text.append("\n")
    text.append_text(snippet)
    return text


def versions_text(article_id: str, hits: Sequence[Hit]) -> Text:
    """``newsdesk versions``: the story's versions, earliest first."""
    text = Text()
    if len(hits) < 2:
        text.append(f"[{clean_text(article_id)}] has no other version", style="bold")
        return text
    text.append(f"{len(hits)} versions, earliest first", style="bold")
    for number, hit in enumerate(hits, start=1):
        text.append("\n\n")
        text.append_text(hit_text(number, replace(hit, versions=1)))  # (said once, above)
    return text


def facet_text(results: SearchResults) -> Text:
    """One line per facet; the date lines say how many matching stories have no date."""
    text = Text()
    undated = f" · {results.undated:,} undated" if results.undated else ""
    for name, pairs in results.facets.items():
        dates = name in ("month", "year")
        shown = pairs if dates else pairs[:SHOWN_FACET_VALUES]
        if name == "month" and not 0 < len(shown) <= SHOWN_MONTHS:
            continue  # the year line summarises long histograms
        if not shown and not (name == "year" and undated):
            continue
        values = ", ".join(f"{clean_text(value)} ({count:,})" for value, count in shown)
        more = " …" if len(shown) < len(pairs) else ""
        text.append(f"{name}: ", style="bold")
        text.append(values + more)
        if dates and undated:
            text.append(undated if values else undated.removeprefix(" · "), style="dim")
        text.append("\n")
    text.rstrip()
    return text


# -- show --------------------------------------------------------------------------------
def article_text(article: Article) -> Text:
    """The whole story: headline, metadata, body with subheads in place, captions."""
    text = Text()
    text.append(clean_text(article.title) + "\n", style="bold cyan")
    when = date_text(article.date, article.date_inferred)
    meta = [when, article.source, article.category, ", ".join(article.places)]
    text.append(clean_text(" · ".join(part for part in meta if part)) + "\n", style="green")
    subheads = {clean_text(subhead) for subhead in article.subheads}
    for paragraph in article.body.split("\n"):
        line = clean_text(paragraph)
        if not line:
            continue
        text.append("\n")
        text.append(line + "\n", style="bold" if line in subheads else "")
    for caption in article.captions:
        text.append("\n")
        text.append("Picture: ", style="dim")
        text.append(clean_text(caption) + "\n", style="italic")
    if article.credits:
        text.append("\nCredits: " + clean_text(", ".join(article.credits)) + "\n", style="dim")
    if article.url:
        text.append(clean_text(article.url) + "\n", style="dim")
    text.rstrip()
    return text
