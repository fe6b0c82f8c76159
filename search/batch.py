"""``newsdesk batch FILE``: many searches at once, one a line (or a CSV of names).

A journalist checking a list -- the people of a leak, the companies of a register --
runs every line as its own search and gets, per line, how many stories match and the
best few.  A text file holds one query a line, in the query language (``#`` starts a
comment line); a ``.csv`` file holds names, one a row (the first column, or
``--column``), each searched as a phrase ("Tony Blair" as ``"Tony Blair"``).  A line
that cannot be searched (an unclosed quote) is reported with its number and the rest
still run; the exit status then says so (2).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.cli import add_cluster, add_index_dir, positive_int
from index.store import resolve_index_dir
from search.api import SearchApi
from search.cli import add_filter_options, cli_date, parse_filters
from search.errors import InvalidArgumentError, QueryError, SearchError
from search.export import Provenance, csv_cell, emit_export, hit_record
from search.output import counted, write_text
from search.results import Hit

#: Header cells that name the column of names (skipped as a header row).
_NAME_HEADERS = frozenset({"name", "names", "query", "queries", "term", "terms", "entity"})
#: The most bytes of a batch file read (a list of names, not an archive).
MAX_BATCH_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class BatchLine:
    """One search of the batch: where it is in the file, and what is searched."""

    line: int
    query: str
    #: Why the line cannot be searched (a CSV row with an unclosed quote), or "".
    problem: str = ""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One line's answer: the total and best hits, or why it could not run."""

    line: int
    query: str
    total: int = 0
    hits: tuple[Hit, ...] = ()
    error: str = ""


def read_batch(path: Path, column: str | None = None) -> list[BatchLine]:
    """The searches of a batch file (``SearchError`` if it cannot be read)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BATCH_BYTES + 1)
    except OSError as error:
        raise SearchError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_BATCH_BYTES:
        raise SearchError(f"{path}: more than {MAX_BATCH_BYTES >> 20} MB; split the list")
    text = data.decode("utf-8-sig", errors="replace")
    if path.suffix.lower() == ".csv":
        return list(_csv_names(text, column, path))
    return [
        BatchLine(number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _csv_rows(text: str) -> list[tuple[int, list[str], str]]:
    """(first line number, cells, problem) of each record.  A quoted cell may run over
    lines (a spreadsheet's note); a quote left open spoils its own line only: reading
    starts again on the next line, so the rows after it are still searched."""
    lines = text.splitlines(keepends=True)
    rows: list[tuple[int, list[str], str]] = []
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:], strict=True)
        read = 0
        try:
            for cells in reader:
                rows.append((start + read + 1, cells, ""))
                read = reader.line_num
            break
        except csv.Error as error:
            bad = lines[start + read].strip()
            problem = f"not a CSV row this can read ({error}): {bad[:60]!r}"
            rows.append((start + read + 1, [], problem))
            start += read + 1
    return rows


def _csv_names(text: str, column: str | None, path: Path) -> Iterator[BatchLine]:
    rows = _csv_rows(text)
    if not rows:
        return
    index = 0
    header = [cell.strip().lower() for cell in rows[0][1]]
    if column is not None:
        if column.isdigit():
            if int(column) < 1:
                raise InvalidArgumentError("--column", "columns are numbered from 1")
            index = int(column) - 1
        elif column.strip().lower() in header:
            index = header.index(column.strip().lower())
        else:
            raise InvalidArgumentError("--column", f"{path} has no column {column!r}")
    named_column = column is not None and not column.isdigit()
    has_header = named_column or (index < len(header) and header[index] in _NAME_HEADERS)
    for position, (number, row, problem) in enumerate(rows):
        if position == 0 and has_header:
            continue
        if problem:
            yield BatchLine(number, "", problem)
            continue
        name = row[index].strip() if index < len(row) else ""
        if name:
            yield BatchLine(number, name if '"' in name else f'"{name}"')


def run_batch(
    engine: SearchApi,
    lines: Sequence[BatchLine],
    *,
    top: int = 3,
    filters: Mapping[str, Sequence[str]] | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    sort: str = "relevance",
) -> Iterator[BatchResult]:
    """Each line's result, in order; a line that fails never stops the others."""
    for line in lines:
        if line.problem:
            yield BatchResult(line.line, line.query, error=line.problem)
            continue
        try:
            results = engine.search(
                line.query, filters=filters, date_from=date_from, date_to=date_to, sort=sort,
                facets=False, page_size=top,
            )  # fmt: skip
        except QueryError as error:
            yield BatchResult(line.line, line.query, error=str(error))
            continue
        yield BatchResult(line.line, line.query, results.total, results.hits)


# -- the command -------------------------------------------------------------------------
def register(subparsers: Any) -> None:
    batch = subparsers.add_parser(
        "batch",
        help="run many searches at once (a query a line, or a CSV of names)",
        description=(__doc__ or "").split("\n\n", 1)[1],
    )
    batch.add_argument("file", metavar="FILE", help="queries, one a line; or a .csv of names")
    batch.add_argument(
        "--column", metavar="NAME|N", help="the CSV column of names (default: the first)"
    )
    batch.add_argument("--top", type=positive_int, default=3, help="best hits kept per line")
    batch.add_argument(
        "--format", choices=("table", "csv", "jsonl"), default="table", help="output format"
    )
    batch.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not the screen")
    add_filter_options(batch)
    add_index_dir(batch)
    add_cluster(batch)
    batch.set_defaults(run=run_batch_command)


def run_batch_command(args: argparse.Namespace) -> int:
    from search.engine import Engine

    lines = read_batch(Path(args.file), args.column)
    filters = parse_filters(args.filter)
    date_from, date_to = cli_date(args.date_from, end=False), cli_date(args.date_to, end=True)
    with Engine.open(args.index, cluster=args.cluster) as engine:
        results = list(
            run_batch(
                engine, lines, top=args.top, filters=filters, date_from=date_from,
                date_to=date_to, sort=args.sort,
            )
        )  # fmt: skip
    failed = [result for result in results if result.error]
    for result in failed:
        print(f"{args.file}:{result.line}: {result.error}", file=sys.stderr)
    if args.format == "table" and not args.output:
        write_text(_table(results))
    else:
        provenance = Provenance(
            query="", index=str(resolve_index_dir(args.index)),
            exported=datetime.now(UTC),
            filters=filters, date_from=date_from.date() if date_from else None,
            date_to=date_to.date() if date_to else None, sort=args.sort,
        )  # fmt: skip
        text = (_csv if args.format == "csv" else _jsonl)(results, provenance)
        if args.format == "table":
            text = _table(results).plain
        emit_export(text, args.output, args.format, counted(len(results), "search", "searches"))
    return 2 if failed else 0


def _table(results: Sequence[BatchResult]) -> Any:
    from rich.text import Text

    from search.present.highlight import clean_text

    table = Text()
    for result in results:
        table.append(f"{result.line:>5}  ", style="dim")
        table.append(clean_text(result.query), style="bold")
        if result.error:
            table.append(f"  error: {clean_text(result.error)}\n", style="red")
            continue
        table.append(f"  {counted(result.total, 'story', 'stories')}\n")
        for hit in result.hits:
            when = f"{hit.date:%Y-%m-%d} " if hit.date else ""
            table.append(f"       {when}{clean_text(hit.title)}  ", style="")
            table.append(f"[{clean_text(hit.id)}]\n", style="dim")
    return table


_CSV_COLUMNS = (
    "line", "query", "total", "rank", "id", "title", "date", "source", "error",
    "filters", "index", "ran",
)  # fmt: skip


def _origin(provenance: Provenance) -> list[str]:
    """The filters, index and time every row of a batch's CSV and JSON Lines records."""
    return [
        provenance.filters_text(),
        provenance.index,
        provenance.exported.isoformat(timespec="seconds"),
    ]


def _csv(results: Sequence[BatchResult], provenance: Provenance) -> str:
    """One row per hit (a line with no hit or an error: one row, its total or error)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    origin = [csv_cell(value) for value in _origin(provenance)]
    for result in results:
        head = [result.line, csv_cell(result.query), result.total]
        if not result.hits:
            writer.writerow([*head, "", "", "", "", "", result.error, *origin])
        for rank, hit in enumerate(result.hits, start=1):
            when = hit.date.isoformat() if hit.date else ""
            title = csv_cell(hit.title)
            writer.writerow([*head, rank, hit.id, title, when, csv_cell(hit.source), "", *origin])
    return out.getvalue()


def _jsonl(results: Sequence[BatchResult], provenance: Provenance) -> str:
    filters, index, ran = _origin(provenance)
    return "".join(
        json.dumps(
            {
                "line": result.line, "query": result.query, "total": result.total,
                "hits": [hit_record(hit) for hit in result.hits], "error": result.error,
                "filters": filters, "index": index, "ran": ran,
            },
            ensure_ascii=False,
        ) + "\n"
        for result in results
    )  # fmt: skip
