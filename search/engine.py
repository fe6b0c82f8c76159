"""``Engine``: ranked, filtered, faceted search over one index, safe to share across threads.

The engine holds one ``Generation`` (``search.generation``): the open searcher of the
live index generation and every cache over it.  It is replaced only when the index's
generation token changes.  A query flows: parse (``search.query``, no index) -> resolve
against the generation's vocabulary (``search.words``) -> match and rank
(``search.matching``) -> facets and hits (``search.present``).  Every result is copied
into plain dataclasses before the lock is released, so callers never hold Whoosh objects.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from whoosh import query as wq
from whoosh import scoring
from whoosh.index import Index

from corpus.model import Article
from index import IndexCorruptError, index_generation, open_index
from index.documents import document_to_article
from index.fields import ALL_FACETS
from index.opening import DAMAGED_FILE_ERRORS
from search.api import SearchApi
from search.arguments import SORTS, SearchRequest, checked_count, checked_text
from search.deadline import Deadline
from search.errors import ArticleNotFoundError, InvalidArgumentError, QueryError
from search.generation import Generation
from search.matching import feedback
from search.matching.docsets import QueryDocs, count
from search.matching.postings import Mask
from search.matching.tiers import (
    Tier,
    match_tiers,
    rank_tiers,
    union,
)
from search.present.highlight import make_snippet, text_head
from search.present.hitcache import to_hit
from search.query.filters import filter_query
from search.query.parser import DEFAULT_FIELD_BOOSTS, parse_query
from search.results import Hit, SearchResults
from search.words.resolve import resolve_query
from search.words.suggest import holding_all, suggest
from search.words.vocabulary import Vocabulary

if TYPE_CHECKING:
    from search.cluster.coordinator import ClusterEngine
    from search.explain import Explanation

#: Seconds of work a query may take (matching, ranking, snippets, facets): past it, the
#: rest is skipped and the results are flagged ``partial``.
TIME_LIMIT_SECONDS = 2.0
#: Characters of an article's title and body that ``related`` compares others with.
RELATED_TEXT_CHARS = 100_000
#: Add any-word matches after the all-word ones when fewer articles than this have
#: every word (tuned with ``newsdesk eval`` on the TIME dev set).
RELAX_BELOW = 5


class Engine(SearchApi):
    """Search one newsdesk index. Use ``Engine.open(dir)``; close it (or use ``with``)."""

    def __init__(
        self,
        opener: Callable[[], Index],
        generation: Callable[[], str],
        *,
        field_boosts: Mapping[str, float] | None = None,
        fast_ranking: bool = True,
        warm: bool = False,
        expect_columns: bool = True,
    ) -> None:
        self._opener = opener
        self._expect_columns = expect_columns
        self._generation_of = generation
        self._lock = threading.RLock()
        self.field_boosts = dict(field_boosts or DEFAULT_FIELD_BOOSTS)
        self.time_limit = TIME_LIMIT_SECONDS
        #: The clock ``time_limit`` is measured on (tests may fake it).
        self.clock: Callable[[], float] = time.perf_counter
        self.relax_below = RELAX_BELOW
        self._live: Generation | None = None
        self._closed = False
        #: Warm each new searcher's caches in a background thread (see ``warm``).
        self.background_warm = warm
        #: Rank term-only queries from cached postings (same scores as Whoosh, faster).
        self.fast_ranking = fast_ranking
        self._reopen()

    @overload
    @classmethod
    def open(
        cls, index_dir: str | Path | None = None, *, warm: bool = False, cluster: None = None
    ) -> Engine: ...

    @overload
    @classmethod
    def open(
        cls, index_dir: str | Path | None = None, *, warm: bool = False, cluster: str
    ) -> ClusterEngine: ...

    @overload
    @classmethod
    def open(
        cls, index_dir: str | Path | None = None, *, warm: bool = False, cluster: str | None
    ) -> Engine | ClusterEngine: ...

    @classmethod
    def open(
        cls, index_dir: str | Path | None = None, *, warm: bool = False, cluster: str | None = None
    ) -> Engine | ClusterEngine:
        """Open the index at ``index_dir`` (default: where ``newsdesk index`` writes).

        ``warm=True`` (long-lived sessions such as the TUI) warms each searcher's caches
        in a background thread; a one-shot command leaves it off so it starts at once.
        ``cluster="ray"`` (a local Ray instance) or ``"ray:HOST:PORT"`` searches each
        shard in a Ray actor instead (``search.cluster``; the same API and results).
        """
        if cluster is not None:
            return open_cluster(index_dir, cluster, warm=warm)
        return cls(lambda: open_index(index_dir), lambda: index_generation(index_dir), warm=warm)

    @classmethod
    def for_index(cls, ix: Index, *, fast_ranking: bool = True) -> Engine:
        """An engine over an already-open Whoosh index (tests, benchmarks)."""
        return cls(
            lambda: ix,
            lambda: str(ix.latest_generation()),
            fast_ranking=fast_ranking,
            expect_columns=False,
        )

    # -- lifecycle -------------------------------------------------------------------
    def _reopen(self) -> None:
        name = self._generation_of()
        old = self._live
        self._live = Generation(
            name,
            self._opener(),
            expect_columns=self._expect_columns,
            fast_ranking=self.fast_ranking,
        )
        if old is not None:
            old.close()
        if self.background_warm:
            threading.Thread(
                target=_warm_quietly, args=(self,), name="newsdesk-warm", daemon=True
            ).start()

    def warm(self) -> None:
        """Fill the current searcher's caches now: facet columns, date order, field
        lengths, the postings of common words and did-you-mean's stems.

        Otherwise each is read on first use, which makes a session's first queries
        slower than later ones (a common word's postings take milliseconds to decode).
        Thread-safe; queries may run meanwhile (the caches have their own locks).
        """
        with self._lock:
            self.refresh()
            live = self._live
        assert live is not None
        live.warm([name for name, boost in self.field_boosts.items() if boost > 0])

    def refresh(self) -> bool:
        """Reopen the searcher if a new index version was committed; True if it did."""
        with self._lock:
            if self._closed:
                raise InvalidArgumentError("engine", "is closed (open the index again)")
            if self._live is not None and self._generation_of() == self._live.name:
                return False
            self._reopen()
            return True

    def close(self) -> None:
        """Release the index's files; the engine answers nothing after (closing twice
        is harmless)."""
        with self._lock:
            self._closed = True
            if self._live is not None:
                self._live.close()
                self._live = None

    @contextmanager
    def whoosh_searcher(self, weighting: scoring.WeightingModel) -> Iterator[Any]:
        """A separate Whoosh searcher with another scoring model (evaluation baselines)."""
        with self._lock:
            live = self._current()
        with live.index.searcher(weighting=weighting) as searcher:
            yield searcher

    @property
    def article_count(self) -> int:
        with self._reading() as live:
            return int(live.searcher.doc_count())

    def _current(self) -> Generation:
        """The live generation (reopened first if a newer one was published)."""
        self.refresh()
        if self._live is None:
            raise InvalidArgumentError("engine", "is closed")
        return self._live

    @contextmanager
    def _reading(self) -> Iterator[Generation]:
        """Hold the lock on the up-to-date generation; a damaged index file met while
        reading becomes the one-line ``IndexCorruptError`` (what to do: rebuild)."""
        with self._lock:
            live = self._current()
            with _damage_reported(live):
                yield live

    # -- searching -------------------------------------------------------------------
    @contextmanager
    def _vocabulary(self) -> Iterator[Vocabulary]:
        with self._reading() as live:
            yield live.vocabulary

    def _run(self, request: SearchRequest, started: float) -> SearchResults:
        with self._reading() as live:
            return self._search(live, request, started, Deadline(self.time_limit, self.clock))

    def _search(
        self, live: Generation, request: SearchRequest, started: float, deadline: Deadline
    ) -> SearchResults:
        typed = parse_query(
            request.query, field_boosts=self.field_boosts, as_you_type=request.as_you_type
        )
        parsed = resolve_query(typed, live.vocabulary)
        restriction = filter_query(
            request.filters, request.date_from, request.date_to, live.vocabulary.code_names
        )
        docs = live.docsets.for_query(deadline)
        tiers, matched, relaxed = match_tiers(parsed, restriction, docs, self.relax_below)
        folded = 0
        if not request.every_version:
            found = count(matched)
            tiers = live.versions.fold(tiers)
            matched = union(tiers)
            folded = found - count(matched)
        total = count(matched)
        page, size = request.page, request.page_size
        sort = "newest" if parsed.browse and request.sort == "relevance" else request.sort
        if sort == "relevance":
            added = None
            searched = typed.relaxed if relaxed else typed.strict
            if feedback.wants_feedback(searched) and not deadline.exceeded():
                # (from each story once, as folded: listing every version moves nothing)
                read = live.versions.fold(tiers) if request.every_version else tiers
                added = self._feedback(live, read, docs)
            ranked = rank_tiers(tiers, page * size, live.ranker, live.searcher, docs, added)
        else:
            listed = live.by_date(tiers, sort != "oldest", page * size, live.ranker, docs)
            ranked = [(docnum, score) for docnum, _, score in listed]
        terms = parsed.highlight_terms if request.snippets else None
        hits = tuple(
            live.hits.hit(docnum, score, terms, deadline)
            for docnum, score in ranked[(page - 1) * size : page * size]
        )
        suggestion = None
        if not deadline.exceeded():
            fields = [(name, boost) for name, boost in self.field_boosts.items() if boost > 0]
            suggestion = suggest(
                live.vocabulary,
                request.query,
                parsed.words,
                lambda stems: count(live.docsets.docs(holding_all(stems, fields))),
                live.searcher.doc_count(),
            )
        facets = self._facet_counts(live, matched, request, deadline)
        loose = parsed.relaxed if relaxed else None
        code_names = live.vocabulary.code_names
        picked = request.picked_terms(code_names)
        for name, restriction in request.facet_restrictions(code_names).items():
            if name in facets and not deadline.exceeded():
                unpicked = union(live.unpicked(
                    parsed.strict, loose, restriction, docs, every_version=request.every_version
                ))  # fmt: skip
                facets[name] = live.facets.count(
                    unpicked, (name,), request.facet_limit, stop=deadline.exceeded, keep=picked
                ).get(name, [])
        return SearchResults(
            query=request.query,
            total=total,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            relaxed=relaxed,
            all_words_total=count(tiers[0][1]) if relaxed else total,
            partial=deadline.cut_short,
            took_ms=(time.perf_counter() - started) * 1000,
            page=page,
            page_size=size,
            undated=live.facets.undated(matched),
            only_stop_words=parsed.only_stop_words,
            folded=folded,
            sort=sort,
        )

    def _feedback(self, live: Generation, tiers: list[Tier], docs: QueryDocs) -> wq.Query | None:
        """The words of the query's best articles, to add when ranking
        (``search.matching.feedback``)."""
        best = rank_tiers(tiers, feedback.FEEDBACK_DOCS, live.ranker, live.searcher, docs)
        texts = [
            (feedback.article_text(live.hits.article(docnum)), score) for docnum, score in best
        ]
        words = feedback.feedback_words(
            texts,
            lambda terms: {
                term: live.vocabulary.field_frequency(feedback.FEEDBACK_FIELD, term)
                for term in terms
            },
            live.searcher.doc_count_all(),
        )
        return feedback.feedback_query(words, self.field_boosts)

    def _facet_counts(
        self, live: Generation, matched: Mask, request: SearchRequest, deadline: Deadline
    ) -> dict[str, list[tuple[str, int]]]:
        """Each facet's counts, facet by facet until the deadline."""
        if not request.facets:
            return {}
        return live.facets.count(matched, ALL_FACETS, request.facet_limit, stop=deadline.exceeded)

    # -- single articles ---------------------------------------------------------------
    def _docnum(self, searcher: Any, article_id: str) -> int:
        docnum = searcher.document_number(id=checked_text(article_id, "article_id"))
        if docnum is None:
            raise ArticleNotFoundError(article_id)
        return int(docnum)

    def get(self, article_id: str) -> Article:
        """The full article (every field as the corpus read it)."""
        with self._reading() as live:
            docnum = self._docnum(live.searcher, article_id)
            return document_to_article(live.searcher.stored_fields(docnum))

    def versions(self, article_id: str) -> list[Hit]:
        with self._reading() as live:
            docnum = self._docnum(live.searcher, article_id)
            return live.version_hits(docnum, Deadline(self.time_limit, self.clock))

    def explain(
        self, query: str, hits: Sequence[Hit], *, as_you_type: bool = False
    ) -> list[Explanation]:
        from search.explain import explain

        return explain(self, query, hits, as_you_type=as_you_type)

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Stories similar to the article, itself and its versions excluded: Whoosh's more-like-this
        (the five key terms of the start of its title and body, ``RELATED_TEXT_CHARS``,
        by the Bo1 model, as an any-word query on the body), ranked like any query:
        vectorised, and within ``time_limit``.

        It runs on the generation's side searcher, not under the engine's lock, so a
        slow one (a cold archive) never holds up searches made meanwhile.
        """
        limit = checked_count(limit, "limit", minimum=0)
        with self._lock:
            live = self._current()
        deadline = Deadline(self.time_limit, self.clock)
        with live.side_searcher() as searcher, _damage_reported(live):
            docnum = self._docnum(searcher, article_id)
            stored = searcher.stored_fields(docnum)
            text = " ".join((stored.get("title", ""), stored.get("body", "")))
            keywords = searcher.key_terms_from_text(
                "body", text_head(text, RELATED_TEXT_CHARS), numterms=5, normalize=False
            )
            if not keywords:
                return []
            like = wq.Or([wq.Term("body", word, boost=weight) for word, weight in keywords])
            docs = live.docsets.for_query(deadline)
            matched = docs(like)
            matched[docnum] = False
            matched[live.versions.same_story(docnum)] = False
            [(_, matched)] = live.versions.fold([(like, matched)])  # each story once
            ranked = rank_tiers([(like, matched)], limit * 2 + 5, live.ranker, searcher, docs)
            own_hash = stored.get("content_hash")
            hits: list[Hit] = []
            for other_docnum, score in ranked:
                if len(hits) >= limit:
                    break
                other = searcher.stored_fields(other_docnum)
                if other.get("content_hash") == own_hash:
                    continue  # a verbatim duplicate of the article
                article = document_to_article(other)
                snippet, spans = make_snippet((article.body, article.title), ())
                versions = live.versions.count(other_docnum)
                hits.append(to_hit(article, score, snippet, spans, versions))
            return hits


def open_cluster(index_dir: str | Path | None, cluster: str, *, warm: bool) -> ClusterEngine:
    """The index's shards searched by Ray actors (``cluster``: ``ray[:ADDRESS]``);
    ``warm``: their caches filled in the background."""
    from search.cluster.coordinator import ClusterEngine
    from search.cluster.ray_shards import RayShards, cluster_address

    address = cluster_address(cluster)
    engine = ClusterEngine(
        index_dir, lambda folder, count: RayShards(folder, count, address=address)
    )
    if warm:
        threading.Thread(target=_warm_quietly, args=(engine,), daemon=True).start()
    return engine


def _warm_quietly(engine: Engine | ClusterEngine) -> None:
    try:
        engine.warm()
    except Exception:  # a searcher closed meanwhile: queries still work without it
        return


@contextmanager
def _damage_reported(live: Generation) -> Iterator[None]:
    """A damaged index file met while reading ``live`` becomes ``IndexCorruptError``."""
    try:
        yield
    except DAMAGED_FILE_ERRORS as error:
        folder = Path(getattr(live.index.storage, "folder", "."))
        raise IndexCorruptError(
            folder.parent, f"reading failed: {type(error).__name__}: {error}"
        ) from error


__all__ = ["SORTS", "Engine", "QueryError"]
