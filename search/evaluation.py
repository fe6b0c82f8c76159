"""Ranking quality: run a query set through the engine and score it with ir-measures.

``newsdesk eval`` uses this to tune and check the ranking (MAP, nDCG@10, P@5), next to
a plain BM25 baseline (body only, no field boosts, any word) run on the same index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import qparser, scoring

from corpus.report import printable
from search.engine import Engine
from search.errors import SearchError

#: Results per query scored (the usual TREC depth).
RUN_DEPTH = 1000
MEASURE_NAMES = ("AP", "nDCG@10", "P@5")


class EvaluationError(SearchError):
    """A query or qrels file cannot be used."""

    title = "Cannot evaluate"


@dataclass(frozen=True, slots=True)
class RankedDoc:
    query_id: str
    doc_id: str
    score: float


def require_ir_measures() -> None:
    """Raise EvaluationError, naming the fix, when the ``eval`` extra is not installed."""
    try:
        import ir_measures  # noqa: F401
    except ImportError:
        raise EvaluationError(
            "scoring needs the ir-measures package, which is not installed; "
            "install it with: pip install 'newsdesk[eval]'"
        ) from None


def check_readable(path: str | Path, what: str) -> None:
    """Raise EvaluationError now if ``path`` cannot be read (before minutes of queries)."""
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise EvaluationError(
            f"cannot read {what} {printable(str(path))}: {error.strerror or error}"
        ) from None


def check_writable(path: str | Path) -> None:
    """Raise EvaluationError now if the run file could not be written at the end.

    Opened for appending, so an existing file is left as it is; one made by the check
    is removed again.
    """
    existed = os.path.lexists(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as error:
        raise _cannot_write(path, error) from None
    if not existed:
        os.remove(path)


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """(qid, text) pairs from a ``qid<TAB>text`` file; names the line of a bad row."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EvaluationError(f"cannot read queries file {path}: {error}") from error
    queries: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        qid, tab, text = line.partition("\t")
        if not tab or not qid.strip() or not text.strip():
            raise EvaluationError(f"{path}:{number}: expected 'qid<TAB>query text'")
        queries.append((qid.strip(), text.strip()))
    if not queries:
        raise EvaluationError(f"{path}: no queries")
    return queries


def as_plain_words(text: str) -> str:
    """Read a natural-language question as words: no operators, fields or quotes."""
    return text.lower().replace('"', " ").replace(":", " ")


def engine_run(
    engine: Engine, queries: Iterable[tuple[str, str]], depth: int = RUN_DEPTH
) -> list[RankedDoc]:
    """The engine's ranking (defaults: BM25F, all words then relaxed any-word)."""
    run: list[RankedDoc] = []
    for qid, text in queries:
        # Every version: the judgements are of documents, each judged on its own.
        results = engine.search(
            as_plain_words(text), facets=False, page_size=depth, snippets=False, every_version=True
        )
        count = len(results.hits)
        for rank, hit in enumerate(results.hits):
            # Score by rank, not by BM25F score: the engine lists articles with every word
            # before any-word ones, and the run must be scored in the order users see.
            run.append(RankedDoc(qid, hit.id, float(count - rank)))
    return run


def baseline_run(
    engine: Engine, queries: Iterable[tuple[str, str]], depth: int = RUN_DEPTH
) -> list[RankedDoc]:
    """Plain BM25: the body field only, no boosts, any word (Whoosh's OrGroup)."""
    run: list[RankedDoc] = []
    with engine.whoosh_searcher(scoring.BM25F()) as searcher:
        parser = qparser.QueryParser("body", searcher.schema, group=qparser.OrGroup)
        for qid, text in queries:
            query = parser.parse(as_plain_words(text))
            for hit in searcher.search(query, limit=depth):
                run.append(RankedDoc(qid, hit["id"], float(hit.score or 0.0)))
    return run


def score_run(
    run: Sequence[RankedDoc], qrels_path: str | Path, query_ids: Iterable[str]
) -> dict[str, float]:
    """Mean AP, nDCG@10 and P@5 over the judged ``query_ids`` (a query with no hits
    counts 0)."""
    require_ir_measures()
    import ir_measures
    from ir_measures import AP, P, ScoredDoc, nDCG

    try:
        qrels = list(ir_measures.read_trec_qrels(str(qrels_path)))  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as error:
        raise EvaluationError(f"cannot read qrels {qrels_path}: {error}") from error
    scored: list[Any] = [ScoredDoc(d.query_id, d.doc_id, d.score) for d in run]
    judged = {qrel.query_id for qrel in qrels} & set(query_ids)
    qrels = [qrel for qrel in qrels if qrel.query_id in judged]
    measures = [AP, nDCG @ 10, P @ 5]
    totals = dict.fromkeys(MEASURE_NAMES, 0.0)
    for metric in ir_measures.iter_calc(measures, qrels, scored):
        totals[str(metric.measure)] += metric.value
    count = len(judged) or 1
    return {name: value / count for name, value in totals.items()}


def write_run(run: Sequence[RankedDoc], path: str | Path, tag: str = "newsdesk") -> None:
    """A TREC run file: ``qid Q0 docid rank score tag`` (EvaluationError if it cannot be
    written)."""
    lines: list[str] = []
    rank = 0
    previous = None
    for doc in run:
        rank = rank + 1 if doc.query_id == previous else 1
        previous = doc.query_id
        lines.append(f"{doc.query_id} Q0 {doc.doc_id} {rank} {doc.score:.6f} {tag}")
    try:
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as error:
        raise _cannot_write(path, error) from None


def _cannot_write(path: str | Path, error: OSError) -> EvaluationError:
    return EvaluationError(
        f"cannot write the run file {printable(str(path))}: {error.strerror or error}"
    )
