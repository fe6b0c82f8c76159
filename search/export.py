"""Search results as files to keep: CSV, JSON Lines, a Markdown list of citations, BibTeX.

Every export says where it came from -- the query, the filters, the index, when -- so a
file found on a desk weeks later can be traced and re-run: CSV and JSON Lines carry it
in every row (``query``, ``filters``, ``index``, ``exported``: sorting or cutting the
rows keeps it), Markdown in its heading, BibTeX in a comment before the entries.

Article text is data: a CSV cell that a spreadsheet would run as a formula (``=``,
``+``, ``-``, ``@`` first) is quoted with a leading apostrophe; Markdown and BibTeX
special characters are escaped, so a headline never becomes a link or a LaTeX command.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from search.errors import ExportError, InvalidArgumentError
from search.results import Hit

#: Export formats, by the name ``--format`` takes.
FORMATS = ("csv", "jsonl", "md", "bib")
#: File name extension of each format.
EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "md": ".md", "bib": ".bib"}

CSV_COLUMNS = (
    "id", "title", "date", "source", "category", "places", "people", "organisations", "topics",
    "url", "path", "versions", "score", "snippet", "note", "query", "filters", "index", "exported",
)  # fmt: skip
#: What a list cell joins its values with ("Iraq; Syria").
LIST_JOINER = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
#: The query column of an export of the marked stories.
MARKED_QUERY = "(marked stories)"
_NOT_IN_LINK = re.compile(r"[\s<>\"`]")
_BIBTEX_KEY_JUNK = re.compile(r"[^A-Za-z0-9:_-]+")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an export came from: the search that made it and the index it ran on."""

    query: str
    index: str
    exported: datetime
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    #: Matching stories in all (an export of one page holds fewer).
    total: int = 0
    #: A note per story id (the marked stories' notes), exported with each story.
    notes: Mapping[str, str] = field(default_factory=dict)
    #: An export of the marked stories (no search: no filters, no sort).
    marked: bool = False

    def __post_init__(self) -> None:
        # The index by its full path: "--index bbc" means nothing where the file goes.
        object.__setattr__(self, "index", str(Path(self.index).absolute()))

    @classmethod
    def of_marks(cls, index: str | Path, notes: Mapping[str, str], total: int) -> Provenance:
        """The provenance of an export of the marked stories (``notes`` by story id;
        ``total``: the stories marked, some perhaps no longer in the index)."""
        return cls(
            query=MARKED_QUERY, index=str(index), exported=datetime.now(UTC), total=total,
            notes=dict(notes), sort="", marked=True,
        )  # fmt: skip

    def filters_text(self) -> str:
        """The filters and date bounds as one line ("topics=acq; from=1987-03-01")."""
        parts = [f"{name}={value}" for name, values in self.filters.items() for value in values]
        if self.date_from is not None:
            parts.append(f"from={self.date_from.isoformat()}")
        if self.date_to is not None:
            parts.append(f"to={self.date_to.isoformat()}")
        return LIST_JOINER.join(parts)


def export_hits(hits: Iterable[Hit], fmt: str, provenance: Provenance) -> str:
    """``hits`` in the export format ``fmt`` (one of :data:`FORMATS`)."""
    writers = {"csv": _csv, "jsonl": _jsonl, "md": _markdown, "bib": _bibtex}
    writer = writers.get(fmt)
    if writer is None:
        raise InvalidArgumentError("format", f"must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return writer(list(hits), provenance)


def hit_record(hit: Hit) -> dict[str, Any]:
    """One hit's fields as plain JSON values (the ``--json`` hit without highlights)."""
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date.isoformat() if hit.date else None,
        "date_inferred": hit.date_inferred,
        "source": hit.source,
        "category": hit.category,
        "places": list(hit.places),
        "people": list(hit.people),
        "organisations": list(hit.organisations),
        "topics": list(hit.topics),
        "url": hit.url,
        "path": hit.path,
        "versions": hit.versions,
        "score": round(hit.score, 6),
        "snippet": hit.snippet,
    }


def _provenance_fields(provenance: Provenance) -> dict[str, str]:
    return {
        "query": provenance.query,
        "filters": provenance.filters_text(),
        "index": provenance.index,
        "exported": provenance.exported.isoformat(timespec="seconds"),
    }


def _csv(hits: list[Hit], provenance: Provenance) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    origin = _provenance_fields(provenance)
    for hit in hits:
        record = {**hit_record(hit), "note": provenance.notes.get(hit.id, ""), **origin}
        writer.writerow(csv_cell(record[column]) for column in CSV_COLUMNS)
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows and never runs (lists joined)."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_JOINER.join(value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text  # a spreadsheet shows it, never runs it
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _jsonl(hits: list[Hit], provenance: Provenance) -> str:
    origin = _provenance_fields(provenance)
    return "".join(
        json.dumps(
            {**hit_record(hit), "note": provenance.notes.get(hit.id, ""), **origin},
            ensure_ascii=False,
        )
        + "\n"
        for hit in hits
    )


class Citable(Protocol):
    """What a citation names: a ``Hit`` or a whole ``Article`` both have it."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def date_inferred(self) -> bool: ...
    @property
    def url(self) -> str: ...
    @property
    def path(self) -> str: ...


def citation(hit: Citable) -> str:
    """A story as a Markdown citation: headline, source, date, link or path, id."""
    parts = [f"**{markdown_text(hit.title or hit.id)}**"]
    if hit.source:
        parts.append(markdown_text(hit.source))
    if hit.date is not None:
        when = f"{hit.date.day} {hit.date:%B %Y}"
        parts.append(when + " (date from the text)" * hit.date_inferred)
    if is_web_address(hit.url):
        parts.append(f"<{hit.url}>")
    elif hit.url or hit.path:
        parts.append(_code(hit.url or hit.path))  # shown, never a link
    parts.append(f"id {_code(hit.id)}")
    return f"{parts[0]}. {' · '.join(parts[1:])}"


def is_web_address(url: str) -> bool:
    """An http(s) address with nothing that could end a link early (an address in an
    article is data: another scheme is never made a link)."""
    return url.lower().startswith(("http://", "https://")) and not _NOT_IN_LINK.search(url)


def _code(text: str) -> str:
    """Text as Markdown inline code (a backquote inside would end it early)."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def markdown_text(text: str) -> str:
    """Plain text that Markdown shows as written (no emphasis, links or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _markdown(hits: list[Hit], provenance: Provenance) -> str:
    query = provenance.query or "(every story)"
    lines = [f"# newsdesk: {markdown_text(query)}", ""]
    if not provenance.marked:  # the marked stories came from no search
        filters = provenance.filters_text()
        lines.append(f"- Filters: {markdown_text(filters) if filters else 'none'}")
        lines.append(f"- Sort: {provenance.sort}")
    lines.append(f"- Index: {_code(provenance.index)}")
    lines.append(f"- Exported: {provenance.exported.isoformat(timespec='seconds')}")
    lines.append(f"- Stories: {len(hits):,} of {provenance.total:,}")
    lines.append("")
    for number, hit in enumerate(hits, start=1):
        note = provenance.notes.get(hit.id, "")
        lines.append(f"{number}. {citation(hit)}" + (f" — {markdown_text(note)}" if note else ""))
    return "\n".join(lines) + "\n"


def bibtex_text(text: str) -> str:
    """Text as a BibTeX field value shows it (LaTeX's special characters escaped)."""
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in " ".join(text.split()))


def _bibtex(hits: list[Hit], provenance: Provenance) -> str:
    origin = _provenance_fields(provenance)
    comment = "; ".join(f"{name}: {value}" for name, value in origin.items() if value)
    # @comment, not %: BibTeX has no line comments and would read an "@" in the query
    # (a handle, an address) as the start of an entry.
    lines = [f"@comment{{newsdesk export -- {bibtex_text(comment).replace('@', ' at ')}}}", ""]
    keys: set[str] = set()
    for hit in hits:
        key = _bibtex_key(hit, keys)
        fields = [("title", f"{{{bibtex_text(hit.title or hit.id)}}}")]
        if hit.source:
            fields.append(("organization", bibtex_text(hit.source)))
        if hit.date is not None:
            fields.append(("date", hit.date.date().isoformat()))
            fields.append(("year", str(hit.date.year)))
        if is_web_address(hit.url):
            fields.append(("url", hit.url.replace("}", "%7D").replace("{", "%7B")))
        elif hit.path:
            fields.append(("howpublished", bibtex_text(hit.path)))
        fields.append(("note", bibtex_text(f"newsdesk id {hit.id}")))
        if provenance.notes.get(hit.id):
            fields.append(("annotation", bibtex_text(provenance.notes[hit.id])))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        lines.append(f"@online{{{key},\n{body}\n}}\n")
    return "\n".join(lines)


def _bibtex_key(hit: Hit, taken: set[str]) -> str:
    """A citation key from the source, year and id, unique in the file."""
    year = str(hit.date.year) if hit.date else "nd"
    base = _BIBTEX_KEY_JUNK.sub("-", f"{hit.source or 'story'}{year}:{hit.id}").strip("-")
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    taken.add(key)
    return key


def emit_export(text: str, output: str | None, fmt: str, written: str) -> None:
    """An export written to the file ``output`` (then saying that ``written`` -- "12
    stories" -- were written there) or, without one, to standard output."""
    if output:
        write_export(Path(output), text, fmt=fmt)
        print(f"{written} written to {output}")
    else:
        sys.stdout.write(text)


def write_export(path: Path, text: str, *, fmt: str = "") -> None:
    """Write an export whole or not at all (a temporary file renamed over ``path``);
    an unwritable place raises ``ExportError`` naming it.  A CSV file starts with a
    byte order mark, so that spreadsheets (Excel) read it as UTF-8."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temp.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise ExportError(path, error.strerror or str(error)) from None
