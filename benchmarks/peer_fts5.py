"""The SQLite FTS5 peer (stdlib ``sqlite3``): ranked MATCH plus GROUP BY facet counts.

Text goes into one FTS5 table (porter stemming, accents folded, the same four text
fields); facet values (and month/year) go into a plain ``facets(doc, field, value)``
table, counted per query with a join on the matching rowids.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from harness import facet_values

from corpus.model import Article

DB_NAME = "fts5.sqlite"
#: bm25() column weights: title, subheads, captions, body (as a BM25F-ish field boost).
WEIGHTS = "3.0, 1.5, 1.5, 1.0"


def build(articles: Iterable[Article], out: Path, *, filter_indexes: bool = False) -> None:
    """One transaction over ``articles`` (any iterable: streamed, never held).

    ``filter_indexes``: also index facet values and dates, as a deployment that filters
    and browses by date would (``bench_scale.py``'s filter and empty queries).
    """
    out.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(out / DB_NAME)
    with connection:
        connection.executescript(
            """
            CREATE VIRTUAL TABLE docs USING fts5(
                title, subheads, captions, body,
                tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, date TEXT);
            CREATE TABLE facets(doc INTEGER, field TEXT, value TEXT);
            """
        )
        for rowid, article in enumerate(articles, start=1):
            connection.execute(
                "INSERT INTO docs(rowid, title, subheads, captions, body) VALUES (?, ?, ?, ?, ?)",
                (
                    rowid,
                    article.title,
                    "\n".join(article.subheads),
                    "\n".join(article.captions),
                    article.body,
                ),
            )
            connection.execute(
                "INSERT INTO meta VALUES (?, ?, ?)",
                (rowid, article.id, article.date.isoformat() if article.date else None),
            )
            connection.executemany(
                "INSERT INTO facets VALUES (?, ?, ?)",
                [
                    (rowid, field, value)
                    for field, values in facet_values(article).items()
                    for value in values
                ],
            )
        connection.execute("CREATE INDEX facets_doc ON facets(doc)")
        if filter_indexes:
            connection.execute("CREATE INDEX facets_value ON facets(field, value, doc)")
            connection.execute("CREATE INDEX meta_date ON meta(date)")
    connection.close()


_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')


def match_expression(text: str) -> str:
    """Every word must match (FTS5's implicit AND); words quoted so none is an operator;
    a "quoted phrase" stays one FTS5 phrase."""
    parts = []
    for phrase, word in _PHRASE_OR_WORD.findall(text):
        if phrase.strip():
            parts.append('"' + phrase + '"')
        elif word:
            parts.append('"' + word.replace('"', '""') + '"')
    return " ".join(parts)


class Fts5Searcher:
    name = "SQLite FTS5"

    def __init__(self, index_dir: Path) -> None:
        self.connection = sqlite3.connect(index_dir / DB_NAME, check_same_thread=False)

    def query(self, text: str, filter: tuple[str, str] | None = None) -> int:
        """Top 10 (with snippets), the total and every facet's counts; ``filter``
        (field, value) keeps only articles with that facet value; no words: every
        article, newest first."""
        match = match_expression(text)
        if filter is not None or not match:
            return self._filtered(match, filter)
        run = self.connection.execute
        top = run(
            f"SELECT meta.id, snippet(docs, 3, '[', ']', '…', 16) FROM docs "
            f"JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ? "
            f"ORDER BY bm25(docs, {WEIGHTS}) LIMIT 10",
            (match,),
        ).fetchall()
        (total,) = run("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()
        counts = run(
            "SELECT field, value, count(*) AS n FROM facets "
            "WHERE doc IN (SELECT rowid FROM docs WHERE docs MATCH ?) "
            "GROUP BY field, value ORDER BY field, n DESC",
            (match,),
        ).fetchall()
        del top, counts
        return int(total)

    def _filtered(self, match: str, filter: tuple[str, str] | None) -> int:
        run = self.connection.execute
        where, parameters = [], []
        if match:
            where.append("rowid IN (SELECT rowid FROM docs WHERE docs MATCH ?)")
            parameters.append(match)
        if filter is not None:
            where.append("rowid IN (SELECT doc FROM facets WHERE field = ? AND value = ?)")
            parameters += filter
        matching = "SELECT rowid FROM meta" + (" WHERE " + " AND ".join(where) if where else "")
        if match:
            top = run(
                f"SELECT meta.id, snippet(docs, 3, '[', ']', '…', 16) FROM docs "
                f"JOIN meta ON meta.rowid = docs.rowid WHERE docs MATCH ? "
                f"AND docs.rowid IN ({matching}) ORDER BY bm25(docs, {WEIGHTS}) LIMIT 10",
                (match, *parameters),
            ).fetchall()
        else:
            top = run(
                f"SELECT id, date FROM meta WHERE rowid IN ({matching}) "
                "ORDER BY date DESC LIMIT 10",
                parameters,
            ).fetchall()
        (total,) = run(f"SELECT count(*) FROM ({matching})", parameters).fetchone()
        counts = run(
            "SELECT field, value, count(*) AS n FROM facets "
            + (f"WHERE doc IN ({matching}) " if where else "")
            + "GROUP BY field, value ORDER BY field, n DESC",
            parameters,
        ).fetchall()
        del top, counts
        return int(total)

    def close(self) -> None:
        self.connection.close()
