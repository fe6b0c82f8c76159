"""Each generation's table of the corpus files it was read from, so a refresh skips the
files that have not changed since.

A refresh must know every article of the corpora it syncs (id and content hash, to find
the new, changed and vanished ones).  Parsing every file again to learn it took most of
a refresh that changed nothing (55 s at 300k articles).  So each generation records, per
file: its size and modification time (those of the archive, for a member of one), the
id and content hash of every article read from it in order, the articles counted per
format, and what the reader skipped or warned about.  A file whose size and time are
unchanged is *replayed* from the table instead of read: the same articles, the same
report.  This is the quick check of make and rsync, with git's guard against a "racy"
time stamp: a file modified within ``RACY_SECONDS`` of the read that recorded it is
recorded without a time, so it is read again next time.

The table is trusted only for the same newsdesk version (readers may parse differently)
and the same ``--max-article-mb``, beside a trusted articles table; ``--rebuild`` reads
everything.  It is the builder's cache, never read by a search: a refresh that publishes
no generation but read files anew replaces it in the live generation (atomically).  One JSON file,
``files.json``::

    {"format": 1, "newsdesk": "0.1.0", "max_article_bytes": null,
     "files": [[root, path, size, modified_ns, [id, ...], [hash, ...],
                {format: count}, [[path, line, reason], ...] (skipped),
                [[path, line, reason], ...] (warnings)], ...]}
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from corpus.report import Skip

FILE = "files.json"
#: 2: each file's record names the code book it was read with (a table of format 1 was
#: written when Reuters codes were shown raw: their articles are read again, once).
FORMAT = 2
#: A file modified this close to (or after) the read that recorded it is read again.
RACY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class RecordedArticle:
    """An article of an unchanged file, as the table recorded it (not read again)."""

    id: str
    content_hash: str
    path: str


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What one read of a corpus file found."""

    size: int
    #: 0: never trusted (a racy or unknown time stamp).
    modified_ns: int
    ids: tuple[str, ...]
    hashes: tuple[str, ...]
    counts: Mapping[str, int]
    skipped: tuple[Skip, ...]
    warnings: tuple[Skip, ...]
    #: The digest of the code book the file was read with ("" for none): a book added,
    #: changed or removed beside the file means reading it again.
    code_book: str = ""

    def matches(self, size: int, modified_ns: int, code_book: str = "") -> bool:
        same = (self.size, self.modified_ns, self.code_book) == (size, modified_ns, code_book)
        return self.modified_ns != 0 and same


#: (corpus root, file path) -> its record
FilesTable = dict[tuple[str, str], FileRecord]


@dataclass(frozen=True, slots=True)
class TableKey:
    """What a table must have been written under to be trusted."""

    newsdesk: str
    max_article_bytes: int | None
    #: ``--source`` names given to corpora: (root, name), sorted.
    sources: tuple[tuple[str, str], ...] = ()


def stamp(modified_ns: int, read_at_ns: int) -> int:
    """The time stamp to record for a file read at ``read_at_ns`` (0 when racy)."""
    return modified_ns if read_at_ns - modified_ns > RACY_SECONDS * 1e9 else 0


def write(generation_dir: Path, table: FilesTable, key: TableKey) -> None:
    files = [
        [
            root, path, record.size, record.modified_ns, list(record.ids), list(record.hashes),
            dict(record.counts), [_skip(skip) for skip in record.skipped],
            [_skip(skip) for skip in record.warnings], record.code_book,
        ]
        for (root, path), record in table.items()
    ]  # fmt: skip
    document = {
        "format": FORMAT,
        "newsdesk": key.newsdesk,
        "max_article_bytes": key.max_article_bytes,
        "sources": [list(pair) for pair in key.sources],
        "files": files,
    }
    # Written beside and renamed over: never through a link to another generation, and
    # never half-written in a live one (a refresh that publishes nothing updates it there).
    temp = generation_dir / f"{FILE}.tmp-{os.getpid()}"
    temp.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    os.replace(temp, generation_dir / FILE)


def read(generation_dir: Path, key: TableKey) -> FilesTable:
    """The generation's table; empty when it has none it can trust (every file is read)."""
    try:
        document = json.loads((generation_dir / FILE).read_text(encoding="utf-8"))
        if (document.get("format"), document.get("newsdesk")) != (FORMAT, key.newsdesk):
            return {}
        if document.get("max_article_bytes") != key.max_article_bytes:
            return {}
        if document.get("sources", []) != [list(pair) for pair in key.sources]:
            return {}  # a corpus's --source changed: its articles must be read again
        table: FilesTable = {}
        for row in document["files"]:
            root, path, size, modified_ns, ids, hashes, counts, skipped, warnings, book = row
            if len(ids) != len(hashes):
                return {}
            table[(root, path)] = FileRecord(
                int(size), int(modified_ns), tuple(ids), tuple(hashes),
                {str(name): int(count) for name, count in counts.items()},
                tuple(Skip(*entry) for entry in skipped),
                tuple(Skip(*entry) for entry in warnings), str(book),
            )  # fmt: skip
        return table
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}


def _skip(skip: Skip) -> list[object]:
    return [skip.path, skip.line, skip.reason]
