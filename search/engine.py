"""``Engine``: ranked, filtered, faceted search over one index, safe to share across threads.

One Whoosh searcher stays open between queries (opening one per query re-reads every
segment) and is replaced only when the index's generation token changes; the facet
columns live and die with it.  Every result is copied into plain dataclasses before
the lock is released, so callers never hold Whoosh objects.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.index import Index

from corpus.model import Article
from index import index_generation, open_index
from index.documents import document_to_article
from search.collecting import top_hits
from search.docsets import DocSets, count
from search.errors import ArticleNotFoundError, QueryError
from search.facets import ALL_FACETS, FacetColumns
from search.fastrank import FastRanker
from search.filters import filter_query
from search.highlight import Prepared, make_snippet, match_spans
from search.hitcache import PreparedTexts, StoredFields, hit_articles
from search.postings import Mask, Postings
from search.query import DEFAULT_FIELD_BOOSTS, ParsedQuery, parse_query
from search.ranking import K1, B, make_weighting
from search.results import Hit, SearchResults, Span
from search.suggest import suggest
from search.vocabulary import warm_stems

SORTS = ("relevance", "newest", "oldest")

#: Seconds a query may spend collecting ranked hits before partial results are returned.
TIME_LIMIT_SECONDS = 2.0
#: Add any-word matches after the all-word ones when fewer articles than this have
#: every word (tuned with ``newsdesk eval`` on the TIME dev set).
RELAX_BELOW = 5
#: Offer a did-you-mean when a query finds fewer articles than this.
SUGGEST_BELOW = 3
#: ``warm()`` reads ahead the postings of terms in at least this many articles...
WARM_MIN_DOCS = 20
#: ... up to this many posting entries in all (16 bytes each).
WARM_POSTINGS = 3_000_000


class Engine:
    """Search one newsdesk index. Use ``Engine.open(dir)``; close it (or use ``with``)."""

    def __init__(
        self,
        opener: Callable[[], Index],
        generation: Callable[[], str],
        *,
        field_boosts: Mapping[str, float] | None = None,
        fast_ranking: bool = True,
        warm: bool = False,
    ) -> None:
        self._opener = opener
        self._generation_of = generation
        self._lock = threading.RLock()
        self.field_boosts = dict(field_boosts or DEFAULT_FIELD_BOOSTS)
        self.time_limit = TIME_LIMIT_SECONDS
        self.relax_below = RELAX_BELOW
        self._index: Index | None = None
        self._searcher: Any = None
        self._facets: FacetColumns | None = None
        self._docsets: DocSets | None = None
        self._ranker: FastRanker | None = None
        self._postings: Postings | None = None
        self._stored: StoredFields | None = None
        self._prepared = PreparedTexts()
        self._articles = hit_articles()
        #: Warm each new searcher's caches in a background thread (see ``warm``).
        self.background_warm = warm
        #: Rank term-only queries from cached postings (same scores as Whoosh, faster).
        self.fast_ranking = fast_ranking
        self._generation = ""
        self._reopen()

    @classmethod
    def open(cls, index_dir: str | Path | None = None, *, warm: bool = False) -> Engine:
        """Open the index at ``index_dir`` (default: where ``newsdesk index`` writes).

        ``warm=True`` (long-lived sessions such as the TUI) warms each searcher's caches
        in a background thread; a one-shot command leaves it off so it starts at once.
        """
        return cls(lambda: open_index(index_dir), lambda: index_generation(index_dir), warm=warm)

    @classmethod
    def for_index(cls, ix: Index, *, fast_ranking: bool = True) -> Engine:
        """An engine over an already-open Whoosh index (tests, benchmarks)."""
        return cls(lambda: ix, lambda: str(ix.latest_generation()), fast_ranking=fast_ranking)

    # -- lifecycle -------------------------------------------------------------------
    def _reopen(self) -> None:
        generation = self._generation_of()
        index = self._opener()
        searcher = index.searcher(weighting=make_weighting())
        old = self._searcher
        self._index, self._searcher, self._generation = index, searcher, generation
        postings = self._postings = Postings(searcher.reader())
        self._stored = StoredFields(searcher)
        self._prepared = PreparedTexts()
        self._articles = hit_articles()
        self._facets = FacetColumns(searcher.reader(), postings, self._stored)
        self._docsets = DocSets(searcher, postings)
        self._ranker = FastRanker(searcher, K1, B, postings) if self.fast_ranking else None
        if old is not None:
            old.close()
        if self.background_warm:
            threading.Thread(target=self._warm_quietly, name="newsdesk-warm", daemon=True).start()

    def warm(self) -> None:
        """Fill the current searcher's caches now: facet columns, date order, field
        lengths, the postings of common words and did-you-mean's stems.

        Otherwise each is read on first use, which makes a session's first queries
        slower than later ones (a common word's postings take milliseconds to decode).
        Thread-safe; queries may run meanwhile (the caches have their own locks).
        """
        with self._lock:
            self.refresh()
            facets, postings = self._facets, self._postings
            reader = self._searcher.reader()
        assert facets is not None and postings is not None
        for name in ALL_FACETS:
            facets.column(name)
        facets.date_order(newest=True)
        facets.date_order(newest=False)
        fields = [name for name, boost in self.field_boosts.items() if boost > 0]
        postings.warm(fields, WARM_MIN_DOCS, WARM_POSTINGS)
        warm_stems(reader)

    def _warm_quietly(self) -> None:
        try:
            self.warm()
        except Exception:  # a searcher closed meanwhile: queries still work without it
            return

    def refresh(self) -> bool:
        """Reopen the searcher if a new index version was committed; True if it did."""
        with self._lock:
            if self._generation_of() == self._generation and self._searcher is not None:
                return False
            self._reopen()
            return True

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def whoosh_searcher(self, weighting: scoring.WeightingModel) -> Iterator[Any]:
        """A separate Whoosh searcher with another scoring model (evaluation baselines)."""
        with self._lock:
            self.refresh()
            index = self._index
        assert index is not None
        with index.searcher(weighting=weighting) as searcher:
            yield searcher

    @property
    def article_count(self) -> int:
        with self._lock:
            self.refresh()
            return int(self._searcher.doc_count())

    # -- searching -------------------------------------------------------------------
    def parse(self, query: str) -> ParsedQuery:
        """Parse ``query`` against this index's vocabulary (raises QueryError)."""
        with self._lock:
            self.refresh()
            return parse_query(query, self._searcher.reader(), field_boosts=self.field_boosts)

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        date_from: date | datetime | None = None,
        date_to: date | datetime | None = None,
        facets: bool = True,
        facet_limit: int = 20,
        sort: str = "relevance",
        page: int = 1,
        page_size: int = 10,
        snippets: bool = True,
    ) -> SearchResults:
        """One page of results plus facet counts over the whole (filtered) result set.

        ``snippets=False`` skips snippet making (evaluation runs that only need ids).
        """
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if page < 1 or page_size < 1:
            raise ValueError("page and page_size start at 1")
        started = time.perf_counter()
        with self._lock:
            self.refresh()
            searcher = self._searcher
            parsed = parse_query(query, searcher.reader(), field_boosts=self.field_boosts)
            restriction = filter_query(filters, date_from, date_to)
            tiers, matched, relaxed = self._match(parsed, restriction)
            total = count(matched)
            all_words_total = count(tiers[0][1]) if relaxed else total
            if parsed.browse and sort == "relevance":
                sort = "newest"
            if sort == "relevance" and not parsed.browse:
                ranked, partial = self._rank_tiers(tiers, page * page_size)
            else:
                ranked, partial = self._by_date(matched, sort, page * page_size), False
            page_hits = ranked[(page - 1) * page_size : page * page_size]
            hits = tuple(self._hit(docnum, score, parsed, snippets) for docnum, score in page_hits)
            counts = (
                self._facets.count(matched, ALL_FACETS, facet_limit)
                if facets and self._facets is not None
                else {}
            )
            undated = self._facets.undated(matched) if self._facets is not None else 0
            suggestion = (
                suggest(searcher.reader(), query, parsed.words)
                if total < SUGGEST_BELOW or relaxed
                else None
            )
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=counts,
            suggestion=suggestion,
            relaxed=relaxed,
            all_words_total=all_words_total,
            partial=partial,
            took_ms=(time.perf_counter() - started) * 1000,
            page=page,
            page_size=page_size,
            undated=undated,
        )

    def _rank_tiers(
        self, tiers: list[tuple[wq.Query | None, Mask]], limit: int
    ) -> tuple[list[tuple[int, float]], bool]:
        """The best ``limit`` hits, tier after tier; True if the time limit cut one short.

        Term-only queries are scored from cached postings; others (phrases, ranges)
        by Whoosh under the time limit.
        """
        ranked: list[tuple[int, float]] = []
        partial = False
        for tier_query, tier_docs in tiers:
            wanted = limit - len(ranked)
            if wanted <= 0 or tier_query is None:
                break
            if not tier_docs.any():
                continue
            fast = self._ranker.rank(tier_query, tier_docs, wanted) if self._ranker else None
            if fast is not None:
                ranked.extend(fast)
                continue
            allowed = frozenset(np.flatnonzero(tier_docs).tolist())
            slow, cut_short = top_hits(self._searcher, tier_query, allowed, wanted, self.time_limit)
            ranked.extend(slow)
            partial = partial or cut_short
        return ranked, partial

    def _docs(self, query: wq.Query | None, restriction: wq.Query | None) -> Mask:
        assert self._docsets is not None
        matched = self._docsets.docs(query) if query is not None else self._docsets.all_docs()
        if restriction is not None and matched.any():
            matched &= self._docsets.docs(restriction)
        return matched

    def _match(
        self, parsed: ParsedQuery, restriction: wq.Query | None
    ) -> tuple[list[tuple[wq.Query | None, Mask]], Mask, bool]:
        """(ranking tiers, all matching docnums, relaxed?).

        Articles with every word come first.  When fewer than ``relax_below`` have them
        all, articles with any of the words follow, ranked by BM25F with a
        coordination bonus (long natural-language questions rarely match every word).
        """
        strict = self._docs(parsed.strict, restriction)
        if count(strict) >= self.relax_below or parsed.relaxed is None:
            return [(parsed.strict, strict)], strict, False
        loose = self._docs(parsed.relaxed, restriction) & ~strict
        if not loose.any():
            return [(parsed.strict, strict)], strict, False
        # The all-words tier stays first even when empty: ``all_words_total`` reads it.
        return [(parsed.strict, strict), (parsed.relaxed, loose)], strict | loose, True

    def _by_date(self, matched: Mask, sort: str, limit: int) -> list[tuple[int, float]]:
        """The first ``limit`` matches by date, from the cached per-searcher order."""
        assert self._facets is not None
        order = self._facets.date_order(newest=sort != "oldest")
        return [(docnum, 0.0) for docnum in order[matched[order]][:limit].tolist()]

    def _hit(self, docnum: int, score: float, parsed: ParsedQuery, snippets: bool) -> Hit:
        article = self._articles.get(docnum)
        if article is None:
            assert self._stored is not None
            stored = self._stored(docnum)
            if self._facets is not None:
                self._facets.learn_names(docnum, stored)
            article = document_to_article(stored)
            self._articles.put(docnum, article)
        if not snippets:
            return _to_hit(article, score, "", ())
        prepared = self._prepared

        def prepare(position: int, source: str) -> Prepared:
            return prepared.get(docnum, position, source)

        snippet, spans = make_snippet(
            (article.body, "\n".join(article.captions), "\n".join(article.subheads), article.title),
            parsed.highlight_terms,
            prepare,
        )
        return _to_hit(article, score, snippet, spans)

    # -- single articles ---------------------------------------------------------------
    def _docnum(self, article_id: str) -> int:
        docnum = self._searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFoundError(article_id)
        return int(docnum)

    def get(self, article_id: str) -> Article:
        """The full article (every field as the corpus read it)."""
        with self._lock:
            self.refresh()
            return document_to_article(self._searcher.stored_fields(self._docnum(article_id)))

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Stories similar to the article (more-like-this on the body), itself excluded."""
        with self._lock:
            self.refresh()
            docnum = self._docnum(article_id)
            stored = self._searcher.stored_fields(docnum)
            text = " ".join((stored.get("title", ""), stored.get("body", "")))
            similar = self._searcher.more_like(docnum, "body", text=text, top=limit * 2 + 5)
            own_hash = stored.get("content_hash")
            hits: list[Hit] = []
            for result in similar:
                other = result.fields()
                if other.get("content_hash") == own_hash or other["id"] == article_id:
                    continue  # the article itself, or a verbatim duplicate of it
                article = document_to_article(other)
                snippet, spans = make_snippet((article.body, article.title), ())
                hits.append(_to_hit(article, float(result.score or 0.0), snippet, spans))
                if len(hits) >= limit:
                    break
            return hits

    def match_spans(self, query: str, text: str) -> tuple[Span, ...]:
        """Spans of the words in ``text`` that match the query's terms (stemming-aware)."""
        parsed = self.parse(query)
        return match_spans(text, parsed.highlight_terms)


def _to_hit(article: Article, score: float, snippet: str, spans: tuple[Span, ...]) -> Hit:
    return Hit(
        id=article.id,
        title=article.title,
        date=article.date,
        source=article.source,
        category=article.category,
        places=article.places,
        score=score,
        snippet=snippet,
        highlights=spans,
        date_inferred=article.date_inferred,
    )


__all__ = ["SORTS", "Engine", "QueryError"]
