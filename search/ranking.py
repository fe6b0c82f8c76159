"""The scoring model: BM25F with parameters tuned on the TIME dev set (``newsdesk eval``).

Field weights (title > subheads/captions > body) are term boosts set by the query
parser (``search.query.DEFAULT_FIELD_BOOSTS``); this module holds the BM25 constants.
"""

from __future__ import annotations

from whoosh import scoring

#: Term-frequency saturation and length normalisation. Tuned on the TIME dev set
#: (``newsdesk eval``): K1 2.0 beat 0.8-1.6 and 2.5-3.0 by 0.5-3 MAP points; B 0.75
#: beat 0.5/0.65/0.9.
K1 = 2.0
B = 0.75


def make_weighting(k1: float = K1, b: float = B) -> scoring.WeightingModel:
    """A fresh BM25F weighting for a searcher."""
    return scoring.BM25F(B=b, K1=k1)
