"""Why a story matched: the query's words found in it, field by field, and their scores.

Each word of the query (as indexed: stemmed, with its expansions) is looked up in the
story's postings, field by field, and scored with the engine's own BM25F weighting and
field boost -- the parts the ranking adds up.  What the ranking adds besides (the words
of related stories that feedback brings in, the bonus for having every word) is the
rest of the score, given as one figure, so the parts always add up to the score shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from index.fields import TEXT_FIELDS, label
from search.engine import Engine
from search.matching.ranking import make_weighting
from search.results import Hit


@dataclass(frozen=True, slots=True)
class Part:
    """One word in one field of a story: how often, and what it adds to the score."""

    field: str
    word: str
    count: int
    score: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """The parts of a story's score, most first, and the rest of the score."""

    article_id: str
    score: float
    parts: tuple[Part, ...]

    @property
    def other(self) -> float:
        """What the ranking adds besides the words' own scores (feedback, coordination);
        0 for a story listed by date (``--sort newest``: it has no score)."""
        if not self.score:
            return 0.0
        return self.score - sum(part.score for part in self.parts)

    def text(self) -> str:
        """ "oil in title (4.12), body ×3 (3.20); price in body ×2 (2.01); other 1.02"."""
        by_word: dict[str, list[Part]] = {}
        for part in self.parts:
            by_word.setdefault(part.word, []).append(part)
        words = [
            f"{word} in "
            + ", ".join(
                f"{label(p.field).lower()}{f' ×{p.count}' if p.count > 1 else ''} ({p.score:.2f})"
                for p in parts
            )
            for word, parts in by_word.items()
        ]
        if abs(self.other) >= 0.005:
            words.append(f"other {self.other:.2f} (feedback, all words)")
        return "; ".join(words) if words else "no query word in the text (a filter or date)"


def _positive_terms(query: wq.Query | None) -> Iterator[tuple[str, str, float]]:
    """(field, term, boost) of every word that counts for a match (not under a NOT)."""
    if query is None or isinstance(query, wq.Not):
        return
    if type(query) is wq.Term and query.fieldname in TEXT_FIELDS:
        yield query.fieldname, str(query.text), float(query.boost)
    elif isinstance(query, wq.Phrase) and query.fieldname in TEXT_FIELDS:
        for word in query.words:
            yield query.fieldname, str(word), float(query.boost)
    elif isinstance(query, wq.AndMaybe):
        yield from _positive_terms(query.a)
        yield from _positive_terms(query.b)
    elif isinstance(query, wq.CompoundQuery):
        for sub in query.subqueries:
            yield from _positive_terms(sub)


def explain(
    engine: Engine, query: str, hits: Sequence[Hit], *, as_you_type: bool = False
) -> list[Explanation]:
    """Why each of ``hits`` (found for ``query`` by ``engine``) matched, in their order
    (``as_you_type``: the last word is being typed, as ``Engine.search`` reads it)."""
    parsed = engine.parse(query, as_you_type=as_you_type)
    terms = dict.fromkeys(
        (field, term, boost)
        for tree in (parsed.strict, parsed.relaxed)
        for field, term, boost in _positive_terms(tree)
    )
    explanations: list[Explanation] = []
    with engine.whoosh_searcher(make_weighting()) as searcher:
        for hit in hits:
            docnum = searcher.document_number(id=hit.id)
            parts = [] if docnum is None else list(_parts(searcher, docnum, terms))
            parts.sort(key=lambda part: -part.score)
            explanations.append(Explanation(hit.id, hit.score, tuple(parts)))
    return explanations


def _parts(searcher: Any, docnum: int, terms: dict[tuple[str, str, float], None]) -> Iterator[Part]:
    """The score each term adds in the document ``docnum`` (Whoosh's own scorer, the
    engine's weighting, the field's boost)."""
    weighting = searcher.weighting
    reader = searcher.reader()
    seen: set[tuple[str, str]] = set()
    for field, term, boost in terms:
        if (field, term) in seen or (field, term) not in reader:
            continue
        seen.add((field, term))
        matcher = searcher.postings(field, term)
        matcher.skip_to(docnum)
        if not matcher.is_active() or matcher.id() != docnum:
            continue
        scorer = weighting.scorer(searcher, field, term)
        yield Part(field, term, int(matcher.weight()), float(scorer.score(matcher)) * boost)
