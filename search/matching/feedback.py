"""Pseudo-relevance feedback: a long question's best articles lend it their words.

A question of several words ("radioisotopes in heart scanning, mainly used in diagnosis
of pericardial effusion") names its subject in the user's words; the articles that
answer it best use the collection's words for it ("technetium", "scintiscan").  After
a first ranking, the words that characterise the ``FEEDBACK_DOCS`` best articles are
added to the query with a smaller weight and the matching articles are ranked again:
the classic pseudo-relevance feedback of Rocchio (1971) and of RM3 (Lavrenko and Croft
2001; Anserini's BM25+RM3 baseline), here with BM25-weighted documents:

    weight(w) = sum over the feedback articles d of (score(d) / best score)
                * (count of w in d / words in d) * log(N / (1 + df(w)))

(the share of the article a word takes, weighted by how well the article answered,
times how rare the word is in the collection).  The ``FEEDBACK_TERMS`` heaviest words
are OR-ed to the query over the text fields, each at ``FEEDBACK_WEIGHT`` x its weight
/ the heaviest's.  It only reorders: the articles ranked are the ones the query itself
matched (its tiers), so totals, facets and "every word first" do not change, and an
article never appears because of a word the user did not type.

Short queries (fewer than ``FEEDBACK_MIN_WORDS`` distinct words) are left as typed: a
name or two words is what the user wants matched, and it costs a second ranking.
Figures on every dev collection: ``benchmarks/README.md`` (Ranking).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from math import log

from whoosh import query as wq

from corpus.model import Article
from index.schema import text_terms
from search.query.parser import Expansion

#: The best articles of the first ranking that lend their words (Terrier's default for
#: query expansion: 3 documents) ...
FEEDBACK_DOCS = 3
#: ... and how many words they lend.  ``benchmarks/tune_ranking.py`` over every dev
#: collection: 3 documents x 20 words at 0.75 gives the best mean MAP (.431) and beats
#: plain BM25 on all six; its neighbours (10 or 30 words, weight 1.0) are within -.007 /
#: +.002, while 5 or 10 documents lose on TIME and LISA (a long question's first few
#: answers are the reliable ones).
FEEDBACK_TERMS = 20
#: Weight of the heaviest added word, relative to a word the user typed (1.0).
FEEDBACK_WEIGHT = 0.75
#: Queries with fewer distinct words (stop words aside) are ranked as typed.
FEEDBACK_MIN_WORDS = 3
#: The field whose document frequencies weigh the words (every article has a body).
FEEDBACK_FIELD = "body"
#: Characters of each article read (a book indexed as one article stays cheap).
FEEDBACK_CHARS = 20_000
#: Words whose document frequency is asked at once (one round on a cluster).
FEEDBACK_BATCH = 64


def wants_feedback(typed: wq.Query | None) -> bool:
    """A question long enough to expand: ``FEEDBACK_MIN_WORDS`` distinct words searched
    for, as typed (the query before ``resolve_query``): a prefix or fuzzy word is one word
    however many it expands to, and a word the query excludes is not searched for."""
    return typed is not None and len(_searched_words(typed)) >= FEEDBACK_MIN_WORDS


def _searched_words(query: wq.Query) -> set[str]:
    if isinstance(query, wq.Not):
        return set()
    if isinstance(query, Expansion):  # a wildcard or fuzzy word of the text: one word
        searched = query.kind in ("words", "completion")
        in_text = any(name == FEEDBACK_FIELD for name, _ in query.fields)
        return {f"*{query.word}"} if searched and in_text else set()
    if query.is_leaf():
        return {text for fieldname, text in query.iter_all_terms() if fieldname == FEEDBACK_FIELD}
    return set().union(*(_searched_words(child) for child in query.children()))


def feedback_words(
    articles: Sequence[tuple[str, float]],
    doc_frequencies: Callable[[Sequence[str]], Mapping[str, int]],
    doc_count: int,
) -> list[tuple[str, float]]:
    """The ``FEEDBACK_TERMS`` heaviest indexed words of ``articles`` ((text, score) of
    the best articles, best first), each with its weight (formula above), heaviest
    first; ``doc_frequencies`` gives the collection's df of a list of words."""
    best = max((score for _, score in articles), default=0.0)
    if best <= 0:
        return []
    shares: dict[str, float] = {}
    for text, score in articles:
        words = Counter(text_terms(text[:FEEDBACK_CHARS]))
        length = sum(words.values())
        for word, count in words.items():
            shares[word] = shares.get(word, 0.0) + (score / best) * count / length
    # Largest share first, their document frequencies asked in batches, until no word
    # left could outweigh the ones kept (a word's idf is at most log N): the same words
    # as weighing them all, for a fraction of the lookups.
    by_share = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    most_idf = log(doc_count) if doc_count > 1 else 0.0
    weights: dict[str, float] = {}
    for start in range(0, len(by_share), FEEDBACK_BATCH):
        batch = by_share[start : start + FEEDBACK_BATCH]
        if len(weights) >= FEEDBACK_TERMS:
            kept = sorted(weights.values(), reverse=True)[FEEDBACK_TERMS - 1]
            if batch[0][1] * most_idf < kept:
                break
        frequencies = doc_frequencies([word for word, _ in batch])
        for word, share in batch:
            weights[word] = share * log(doc_count / (1 + frequencies.get(word, 0)))
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [(word, weight) for word, weight in ranked[:FEEDBACK_TERMS] if weight > 0]


def feedback_query(
    words: Sequence[tuple[str, float]], field_boosts: Mapping[str, float]
) -> wq.Query | None:
    """The feedback ``words`` in every searched field (the heaviest at
    ``FEEDBACK_WEIGHT`` x the field's boost), to OR to each tier's query when ranking
    (``search.matching.tiers.rank_tiers``' ``added``); None without words."""
    if not words:
        return None
    heaviest = words[0][1]
    # One flat OR (a sum, as nested ones would be, merged once rather than per word).
    return wq.Or(
        [
            wq.Term(fieldname, word, boost=boost * FEEDBACK_WEIGHT * weight / heaviest)
            for word, weight in words
            for fieldname, boost in field_boosts.items()
            if boost > 0
        ]
    )


def article_text(article: Article) -> str:
    """The words of an article that feedback reads: its headline (unless it was made of
    the text's first words), captions and body."""
    headline = "" if article.title_inferred else article.title
    return "\n".join(part for part in (headline, *article.captions, article.body) if part)
