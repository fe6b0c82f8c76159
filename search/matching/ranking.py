"""The scoring model: BM25F with BM25's standard constants and idf.

Each text field is scored by BM25 with its own length normalisation, times the field's
boost (title > subheads/captions > body: ``index.fields``), and the fields' scores add
up, as Whoosh's ``BM25F`` does.  Three choices, each the one the engines newsdesk is
measured against make, kept because they win on every dev collection together rather
than on one (``benchmarks/eval_all.py``; figures in ``benchmarks/README.md``):

- ``K1`` 1.2 and ``B`` 0.75, BM25's textbook values (Lucene, Elasticsearch, SQLite FTS5,
  Anserini).  An earlier K1 2.0, fitted to the 42 TIME dev queries, lost elsewhere.
- The Robertson-Sparck Jones idf as Lucene computes it, ``log(1 + (N - n + 0.5) /
  (n + 0.5))``, instead of Whoosh's ``log(N / (n + 1)) + 1``, whose "+ 1" gives a common
  word nearly the weight of a rare one (on TIME, CISI and LISA MAP moves +.01 to +.03).
- Pseudo-relevance feedback for questions of three words or more
  (``search.matching.feedback``).

``benchmarks/tune_ranking.py`` searches K1, B and the query settings over every dev
collection.
"""

from __future__ import annotations

from math import log
from typing import Any

from whoosh import scoring

#: Term-frequency saturation and length normalisation (BM25's standard values).
K1 = 1.2
B = 0.75


def bm25_idf(doc_count: int, doc_frequency: int) -> float:
    """How much a word in ``doc_frequency`` of ``doc_count`` articles weighs (always > 0)."""
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


class NewsdeskBM25F(scoring.BM25F):  # type: ignore[misc]
    """Whoosh's BM25F with ``bm25_idf``: what ``search.matching.fastrank`` computes, so
    a query Whoosh ranks itself scores the same."""

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        return bm25_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))


def make_weighting(k1: float | None = None, b: float | None = None) -> scoring.WeightingModel:
    """A fresh BM25F weighting for a searcher (the module's K1/B unless given)."""
    return NewsdeskBM25F(B=B if b is None else b, K1=K1 if k1 is None else k1)
