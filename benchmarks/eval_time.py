"""Ranking quality on the TIME dev set: newsdesk's defaults vs a plain BM25 baseline.

Both runs index the same articles (``corpus.read_corpus`` reads TIME.ALL's SMART format)
and answer the same 42 dev queries in the same script; ir-measures scores them.

- newsdesk: ``search.Engine`` with its defaults (BM25F over the text fields with its
  field weights; articles with every word first, then, when fewer than 5 have them all,
  the ranked any-word ones), scored in that order, as users see it.
- baseline: Whoosh BM25F over ONE field holding the article text, no boosts, any-word
  (an OR of the query's analysed terms), standard English stemming and stop words.

The queries are upper case like the collection; they are lower-cased before searching
so words such as "AND", "OR" and "NOT" in them are read as words, not operators.

    .venv/bin/python benchmarks/eval_time.py
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

import ir_measures
import ours
from harness import SHARED, markdown_table, read_articles, resolve_corpus
from ir_measures import AP, P, ScoredDoc, nDCG
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Or, Term

from corpus.model import Article

EVAL_DIR = SHARED / "eval" / "time-dev"
MEASURES = [AP, nDCG @ 10, P @ 5]
DEPTH = 1000


def read_queries(path: Path) -> list[tuple[str, str]]:
    """``qid<TAB>text`` lines; a malformed line stops the run with its line number."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        qid, tab, text = line.partition("\t")
        if not tab or not qid.strip() or not text.strip():
            raise SystemExit(f"{path}:{number}: expected 'qid<TAB>query text'")
        queries.append((qid.strip(), text.strip()))
    return queries


def _plain_text(article: Article) -> str:
    """Title and body once (SMART articles' title is already the body's first line)."""
    if article.body.startswith(article.title):
        return article.body
    return f"{article.title}\n{article.body}"


def baseline_run(articles: Sequence[Article], queries: Sequence[tuple[str, str]],
                 workdir: Path) -> list[ScoredDoc]:  # fmt: skip
    analyzer = StemmingAnalyzer()
    schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=analyzer))
    folder = workdir / "baseline"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as writer:
        for article in articles:
            writer.add_document(id=article.id, text=_plain_text(article))
    run = []
    with ix.searcher() as searcher:
        for qid, text in queries:
            terms = {token.text for token in analyzer(text.lower())}
            query = Or([Term("text", term) for term in sorted(terms)])
            for hit in searcher.search(query, limit=DEPTH):
                run.append(ScoredDoc(qid, hit["id"], float(hit.score)))
    return run


def newsdesk_run(corpus_path: Path, queries: Sequence[tuple[str, str]],
                 workdir: Path) -> tuple[list[ScoredDoc], int]:  # fmt: skip
    """The engine's ranking as a run (scores = minus rank, so ties keep its order)."""
    from search import Engine, QueryError

    folder = workdir / "newsdesk"
    ours.build(corpus_path, folder)
    run, relaxed = [], 0
    with Engine.open(folder) as engine:
        for qid, text in queries:
            try:
                results = engine.search(text.lower(), facets=False, page_size=DEPTH)
            except QueryError as error:
                print(f"query {qid}: {error} (counted as no results)")
                continue
            relaxed += bool(results.relaxed)
            for rank, hit in enumerate(results.hits, start=1):
                run.append(ScoredDoc(qid, hit.id, float(-rank)))
    return run, relaxed


def write_trec_run(run: Sequence[ScoredDoc], path: Path, tag: str) -> None:
    """TREC run format: ``qid Q0 docid rank score tag`` (ir-measures only reads them)."""
    lines: list[str] = []
    ranks: dict[str, int] = {}
    for doc in run:
        ranks[doc.query_id] = ranks.get(doc.query_id, 0) + 1
        lines.append(f"{doc.query_id} Q0 {doc.doc_id} {ranks[doc.query_id]} {doc.score} {tag}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="time", help="TIME corpus (name or path)")
    parser.add_argument("--queries", type=Path, default=EVAL_DIR / "queries.tsv")
    parser.add_argument("--qrels", type=Path, default=EVAL_DIR / "qrels.txt")
    parser.add_argument("--run-dir", type=Path, help="also write both TREC run files here")
    args = parser.parse_args()
    label, corpus_path = resolve_corpus(args.corpus)
    queries = read_queries(args.queries)
    qrels = list(ir_measures.read_trec_qrels(str(args.qrels)))  # type: ignore[no-untyped-call]
    articles, _seconds, _skipped = read_articles(corpus_path)
    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as scratch:
        runs = {"plain BM25 (one field, any-word)": baseline_run(articles, queries, Path(scratch))}
        runs["newsdesk defaults"], relaxed = newsdesk_run(corpus_path, queries, Path(scratch))
    rows = []
    for name, run in runs.items():
        scores = ir_measures.calc_aggregate(MEASURES, qrels, run)
        rows.append([name, *(f"{scores[measure]:.4f}" for measure in MEASURES)])
        if args.run_dir:
            args.run_dir.mkdir(parents=True, exist_ok=True)
            slug = "baseline" if name.startswith("plain") else "newsdesk"
            write_trec_run(run, args.run_dir / f"{slug}.run", slug)
    print(f"{label}: {len(articles)} articles, {len(queries)} queries, {len(qrels)} judgments; "
          f"newsdesk relaxed to any-word on {relaxed} queries\n")  # fmt: skip
    print(markdown_table(["run", "MAP", "nDCG@10", "P@5"], rows))


if __name__ == "__main__":
    main()
