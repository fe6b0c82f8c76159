"""A fixed, realistic query set drawn deterministically from the corpus itself.

Hand-picked news queries (broad ones with big result sets stress facet counting) plus
one- and two-word queries taken from article titles with a seeded RNG, so every run and
every engine gets the same queries, and each drawn query matches at least one article.
Words are plain lower-case letters so no engine reads them as operators.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from corpus.model import Article

HAND_PICKED = (
    "oil prices", "interest rates", "trade deficit", "central bank", "stock market",
    "government", "election", "merger", "coffee", "wheat exports", "dollar", "profits",
    "football", "music", "film", "mobile phones", "economy growth", "strike", "minister",
    "company shares",
)  # fmt: skip

#: Words too common or too empty to make a query a person would type.
_DULL = frozenset((
    "about", "after", "again", "against", "also", "among", "another", "because", "been",
    "before", "being", "between", "both", "could", "does", "during", "each", "even", "first",
    "from", "have", "into", "just", "last", "like", "made", "make", "many", "more", "most",
    "much", "next", "only", "other", "over", "said", "same", "says", "should", "since", "some",
    "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "those",
    "three", "through", "under", "until", "very", "were", "what", "when", "where", "which",
    "while", "will", "with", "would", "year", "years", "your", "reuter", "reuters",
))  # fmt: skip
_WORD = re.compile(r"[a-z]{4,}")


def _title_words(article: Article) -> list[str]:
    return [word for word in _WORD.findall(article.title.lower()) if word not in _DULL]


def build_query_set(articles: Sequence[Article], count: int = 100, seed: int = 1987) -> list[str]:
    """``count`` queries: the hand-picked ones first, then title words (1 or 2 per query)."""
    queries = list(HAND_PICKED[: max(count // 5, 1)])
    rng = random.Random(seed)
    candidates = [article for article in articles if len(_title_words(article)) >= 2]
    attempts = 0
    while len(queries) < count and candidates and attempts < count * 20:
        attempts += 1
        words = _title_words(rng.choice(candidates))
        query = " ".join(rng.sample(words, 2)) if rng.random() < 0.6 else rng.choice(words)
        if query not in queries:
            queries.append(query)
    return queries[:count]
