"""Ranking quality on every dev collection: newsdesk's defaults beside plain BM25 peers.

For each judged dev set in ``../shared/eval`` (TIME and the five classic collections:
CISI, Cranfield, Medline, NPL, LISA) the documents are indexed by every engine in this
one run and the dev queries answered, lower-cased, 1,000 results deep; ir-measures
scores MAP, nDCG@10 and P@5.

- newsdesk: built by ``index.build_index`` as ``newsdesk index`` builds it, searched
  with ``search.Engine``'s defaults as ``newsdesk search QUERY --limit 1000`` does.
- Whoosh BM25: one field holding title and body, any word, stemmed (``eval_time.py``).
- SQLite FTS5: title and body columns (porter stemmer), any word (an OR of the quoted
  words), ranked by FTS5's ``bm25()`` (k1 = 1.2, b = 0.75).
- tantivy: title and body (``en_stem``), any word (its query parser's default OR).

A title that is only the body's first line (SMART's TIME, records without a title) is
given to the peers once, in the body. The classic collections' documents come as
JSON Lines (``docs.jsonl.gz``: unpacked to a scratch folder first).

    .venv/bin/python benchmarks/eval_all.py              # every dev collection
    .venv/bin/python benchmarks/eval_all.py npl-dev cisi-dev
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import ir_measures
from eval_time import MEASURES, baseline_run, newsdesk_run, read_queries
from harness import SHARED, markdown_table, read_articles, resolve_corpus
from ir_measures import ScoredDoc

from corpus.model import Article

COLLECTIONS = ("time-dev", "cisi-dev", "cran-dev", "med-dev", "npl-dev", "lisa-dev")
DEPTH = 1000
_WORD = re.compile(r"\w+")

Run = list[ScoredDoc]
Queries = Sequence[tuple[str, str]]


def title_and_body(article: Article) -> tuple[str, str]:
    """The title once: empty when it is only the body's first words."""
    if article.body.startswith(article.title):
        return "", article.body
    return article.title, article.body


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def fts5_run(articles: Sequence[Article], queries: Queries, workdir: Path) -> Run:
    connection = sqlite3.connect(workdir / "fts5.db")
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO docs(id, title, body) VALUES (?, ?, ?)",
        [(article.id, *title_and_body(article)) for article in articles],
    )
    connection.commit()
    run: Run = []
    for qid, text in queries:
        match = " OR ".join(f'"{word}"' for word in dict.fromkeys(words(text)))
        if not match:
            continue
        rows = connection.execute(
            "SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
            (match, DEPTH),
        )
        run.extend(ScoredDoc(qid, doc_id, -float(score)) for doc_id, score in rows)
    connection.close()
    return run


def tantivy_run(articles: Sequence[Article], queries: Queries, workdir: Path) -> Run:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    folder = workdir / "tantivy"
    folder.mkdir()
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for article in articles:
        title, body = title_and_body(article)
        writer.add_document(tantivy.Document(id=article.id, title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    run: Run = []
    for qid, text in queries:
        terms = " ".join(dict.fromkeys(words(text)))
        if not terms:
            continue
        query = index.parse_query(terms, ["title", "body"])
        for score, address in searcher.search(query, DEPTH).hits:
            doc_id = searcher.doc(address).get_first("id")
            run.append(ScoredDoc(qid, str(doc_id), float(score)))
    return run


def whoosh_run(articles: Sequence[Article], queries: Queries, workdir: Path) -> Run:
    return baseline_run(articles, queries, workdir)


def corpus_path(name: str, scratch: Path) -> Path:
    """The collection's documents as newsdesk reads them."""
    if name == "time-dev":
        return resolve_corpus("time")[1]
    target = scratch / name
    target.mkdir()
    packed_path = SHARED / "eval" / name / "docs.jsonl.gz"
    with gzip.open(packed_path, "rb") as packed, open(target / "docs.jsonl", "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    return target


def evaluate(name: str, engines: Sequence[str]) -> tuple[list[list[str]], str]:
    folder = SHARED / "eval" / name
    queries = read_queries(folder / "queries.tsv")
    qrels = list(ir_measures.read_trec_qrels(str(folder / "qrels.txt")))  # type: ignore[no-untyped-call]
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"newsdesk-eval-{name}-") as temp:
        scratch = Path(temp)
        path = corpus_path(name, scratch)
        articles, _seconds, skipped = read_articles(path)
        peers: dict[str, Callable[[Sequence[Article], Queries, Path], Run]] = {
            "Whoosh BM25": whoosh_run,
            "SQLite FTS5": fts5_run,
            "tantivy": tantivy_run,
        }
        relaxed = 0
        for engine in engines:
            workdir = scratch / engine.replace(" ", "-")
            workdir.mkdir()
            if engine == "newsdesk":
                run, relaxed = newsdesk_run(path, queries, workdir)
            else:
                run = peers[engine](articles, queries, workdir)
            scores = ir_measures.calc_aggregate(MEASURES, qrels, run)
            rows.append([name, engine, *(f"{scores[measure]:.4f}" for measure in MEASURES)])
    note = (
        f"{name}: {len(articles):,} documents ({skipped} skipped), {len(queries)} queries, "
        f"{len(qrels):,} judgments; newsdesk relaxed to any word on {relaxed} queries"
    )
    return rows, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collections", nargs="*", default=list(COLLECTIONS))
    parser.add_argument(
        "--engines", default="newsdesk,Whoosh BM25,SQLite FTS5,tantivy", help="comma-separated"
    )
    args = parser.parse_args()
    engines = [name for name in args.engines.split(",") if name]
    if "tantivy" in engines and importlib.util.find_spec("tantivy") is None:
        engines.remove("tantivy")
        print("tantivy is not installed (pip install -e '.[bench]'): left out")
    rows: list[list[str]] = []
    notes = []
    for name in args.collections:
        if name not in COLLECTIONS:
            parser.error(f"unknown collection {name!r} (one of {', '.join(COLLECTIONS)})")
        collection_rows, note = evaluate(name, engines)
        rows.extend(collection_rows)
        notes.append(note)
        print(note, flush=True)
    print()
    print(markdown_table(["collection", "engine", "MAP", "nDCG@10", "P@5"], rows))


if __name__ == "__main__":
    main()
