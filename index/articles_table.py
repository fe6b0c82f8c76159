"""Each generation's table of its articles: id -> (corpus, content hash).

A refresh compares every article it reads with what the index holds.  Reading that from
the index meant unpickling every stored article (its whole text included): about a
minute at a million articles, even when nothing changed.  So each generation carries
the table as one small file, ``articles.json``, written from the previous generation's
table and the run's plan (never from the stored articles):

``{"format": 1, "corpora": [root, ...], "ids": [...], "corpus": [index into corpora,
...], "hashes": [...]}``

The table is trusted only when it lists exactly as many articles as the generation
holds; otherwise (an index written before it existed, a damaged file) the refresh reads
the stored articles as before, and the generation it writes has a table again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from index.changes import IndexedArticle

FILE = "articles.json"
FORMAT = 1


def write(generation_dir: Path, table: Mapping[str, IndexedArticle]) -> None:
    corpora = sorted({indexed.corpus for indexed in table.values()})
    number = {root: index for index, root in enumerate(corpora)}
    document = {
        "format": FORMAT,
        "corpora": corpora,
        "ids": list(table),
        "corpus": [number[indexed.corpus] for indexed in table.values()],
        "hashes": [indexed.content_hash for indexed in table.values()],
    }
    path = generation_dir / FILE
    path.unlink(missing_ok=True)  # never write through a link to another generation
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")


def read(generation_dir: Path, live_articles: int) -> dict[str, IndexedArticle] | None:
    """The generation's table, or None when it has none it can trust."""
    try:
        document = json.loads((generation_dir / FILE).read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            return None
        corpora, ids = document["corpora"], document["ids"]
        if len(ids) != live_articles:
            return None
        return {
            article_id: IndexedArticle(corpora[corpus], content_hash)  # one str per corpus
            for article_id, corpus, content_hash in zip(
                ids, document["corpus"], document["hashes"], strict=True
            )
        }
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def updated(
    existing: Mapping[str, IndexedArticle],
    deletes: list[str],
    written: list[tuple[str, str, str]],
) -> dict[str, IndexedArticle]:
    """The next generation's table: ``existing`` without the deleted ids, plus the
    written (id, corpus, content hash) articles."""
    table = dict(existing)
    for article_id in deletes:
        table.pop(article_id, None)
    for article_id, root, content_hash in written:
        table[article_id] = IndexedArticle(root, content_hash)
    return table
