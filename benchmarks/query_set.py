"""A fixed, realistic query set drawn deterministically from the corpus itself.

Hand-picked news queries (broad ones with big result sets stress facet counting) plus
one- and two-word queries taken from article titles with a seeded RNG, so every run and
every engine gets the same queries, and each drawn query matches at least one article.
Words are plain lower-case letters so no engine reads them as operators.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True)
class MixQuery:
    """One query of the scale benchmark's mix: its kind, its text, an optional filter."""

    kind: str
    text: str
    #: (facet field, value): only articles with this value (``places`` or ``source``).
    filter: tuple[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "filter": self.filter}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MixQuery:
        chosen = data.get("filter")
        return cls(data["kind"], data["text"], (chosen[0], chosen[1]) if chosen else None)


#: Kinds of the scale benchmark's query mix, and how many of each (100 in all).
MIX_KINDS: dict[str, int] = {
    "word": 35,
    "two words": 30,
    "phrase": 15,
    "filter": 10,
    "empty": 5,
    "common word": 5,
}
_TOKEN = re.compile(r"[a-z0-9']+")


def _adjacent_pairs(article: Article) -> list[str]:
    """Two title words side by side (both plain 4+ letter words): phrase candidates."""
    words = _TOKEN.findall(article.title.lower())
    return [
        f"{first} {second}"
        for first, second in itertools.pairwise(words)
        if all(_WORD.fullmatch(word) and word not in _DULL for word in (first, second))
    ]


def _most_common(values: Iterable[str], count: int) -> list[str]:
    counts = Counter(value for value in values if value)
    return [value for value, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:count]


def build_query_mix(articles: Sequence[Article], seed: int = 1987) -> list[MixQuery]:
    """The scale benchmark's fixed mix (``MIX_KINDS``), drawn from ``articles``:

    single title words; two-word queries (the hand-picked two-word news queries, then two
    words of one title); phrases (two adjacent title words, quoted); filters (one of the
    five most common places, or a source of 1%+ of the articles, alternately: half with
    a title word, half with no words, as a click in the sidebar browses them); the empty
    query (every article, newest first); the five words found in most articles (stop
    words aside).  Shuffled (seeded), so any stretch of it holds every kind.
    """
    from whoosh.analysis import STOP_WORDS

    rng = random.Random(seed)
    titled = [article for article in articles if _title_words(article)]
    mix: list[MixQuery] = []

    def draw(kind: str, count: int, make: Callable[[], str | None], pool: Sequence[object]) -> None:
        if not pool:
            return
        seen = {query.text for query in mix if query.kind == kind}
        for _attempt in range(count * 50):
            if sum(query.kind == kind for query in mix) >= count:
                return
            text = make()
            if text and text not in seen:
                seen.add(text)
                mix.append(MixQuery(kind, text))

    draw("word", MIX_KINDS["word"], lambda: rng.choice(_title_words(rng.choice(titled))), titled)
    mix += [MixQuery("two words", text) for text in HAND_PICKED if " " in text]
    pairs = [article for article in titled if len(_title_words(article)) >= 2]
    draw(
        "two words",
        MIX_KINDS["two words"],
        lambda: " ".join(rng.sample(_title_words(rng.choice(pairs)), 2)),
        pairs,
    )
    phrased = [article for article in titled if _adjacent_pairs(article)]
    draw(
        "phrase",
        MIX_KINDS["phrase"],
        lambda: '"' + rng.choice(_adjacent_pairs(rng.choice(phrased))) + '"',
        phrased,
    )
    places = _most_common((place for article in articles for place in article.places), 5)
    counts = Counter(article.source for article in articles if article.source)
    sources = [s for s in _most_common(counts.elements(), 5) if counts[s] >= len(articles) / 100]
    filters = [
        chosen
        for pair in itertools.zip_longest(
            [("places", value) for value in places], [("source", value) for value in sources]
        )
        for chosen in pair
        if chosen is not None
    ]
    for number in range(MIX_KINDS["filter"] if filters else 0):
        text = rng.choice(_title_words(rng.choice(titled))) if number % 2 == 0 and titled else ""
        mix.append(MixQuery("filter", text, filters[number % len(filters)]))
    mix += [MixQuery("empty", "")] * MIX_KINDS["empty"]
    words = (
        set(re.findall(r"[a-z]{4,}", f"{article.title} {article.body}".lower()))
        for article in articles
    )
    common = _most_common(
        (word for found in words for word in found if word not in STOP_WORDS),
        MIX_KINDS["common word"],
    )
    mix += [MixQuery("common word", word) for word in common]
    rng.shuffle(mix)  # any stretch of the mix holds every kind
    return mix
