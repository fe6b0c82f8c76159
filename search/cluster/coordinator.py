"""``ClusterEngine``: one index's shards searched as one, each by its own searcher.

The coordinator parses the query, resolves its wildcard and fuzzy words against every
shard's vocabulary (``ClusterVocabulary``), and runs the rounds described in
``search.cluster.messages``: statistics (cached per generation), query, fetch.  It
merges the shards' answers exactly as Lucene's ``TopDocs.merge`` does -- by score, then
by shard, then by position in the shard, which is the order of a one-shard index of the
same articles read shard after shard -- and sums totals and every facet value's count
before cutting the facet lists, so the results equal a sharded index's read in one
process (``tests/test_cluster.py``), versions of one story in several shards counted
once (``search.cluster.matching.match``).  A shard that does not answer makes the results
``partial``, naming it in ``missing_shards``; its totals are left out, never guessed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from whoosh import query as wq

from corpus.model import Article
from index.columns import ColumnsUnreadable, read_version_groups
from index.opening import index_generation, live_parts
from index.store import resolve_index_dir
from search.api import SearchApi
from search.arguments import SearchRequest, checked_count, checked_text
from search.cluster.matching import match, with_feedback
from search.cluster.merging import key_terms, merge_facets, merge_ranked, require_all
from search.cluster.messages import ShardQuery
from search.cluster.rounds import LiveCollection, collection_statistics, fetch
from search.cluster.shards import Gathered, Shards, everywhere
from search.cluster.vocabulary import ClusterVocabulary
from search.engine import RELATED_TEXT_CHARS, RELAX_BELOW, TIME_LIMIT_SECONDS
from search.errors import ArticleNotFoundError, InvalidArgumentError
from search.matching import feedback
from search.query.filters import filter_query
from search.query.parser import DEFAULT_FIELD_BOOSTS, parse_query
from search.results import Hit, SearchResults
from search.words.resolve import resolve_query
from search.words.suggest import suggest
from search.words.vocabulary import Vocabulary

log = logging.getLogger(__name__)

#: Makes the shards of an index: (index folder, number of shards) -> Shards.
ShardsFactory = Callable[[str, int], Shards]


class ClusterEngine(SearchApi):
    """Search an index's shards as one (``Engine``'s API; see ``search.cluster``)."""

    def __init__(self, index_dir: str | Path | None, shards: ShardsFactory) -> None:
        self._index_dir = str(resolve_index_dir(index_dir))
        self._make_shards = shards
        self._shards: Shards | None = None
        self._lock = threading.RLock()
        self.field_boosts = dict(DEFAULT_FIELD_BOOSTS)
        self.time_limit = TIME_LIMIT_SECONDS
        self.relax_below = RELAX_BELOW
        #: Milliseconds the slowest shard spent on the last search's query round plus
        #: the slowest on its fetch round (the rest of ``took_ms`` is the coordinator's
        #: and the network's).
        self.slowest_shard_ms = 0.0
        self._live: LiveCollection | None = None
        self._words: ClusterVocabulary | None = None
        self._closed = False
        try:
            self._open()
        except BaseException:
            self.close()  # (the workers started so far)
            raise

    # -- lifecycle -------------------------------------------------------------------
    def _open(self) -> None:
        name, folders = live_parts(self._index_dir)
        if self._shards is None or self._shards.count != len(folders):
            if self._shards is not None:
                self._shards.close()
            self._shards = self._make_shards(self._index_dir, len(folders))
        gathered = self._shards.call("figures", everywhere(folders))
        require_all(gathered)
        figures = [gathered.answers[number] for number in range(len(folders))]
        try:
            documents = sum(shard.doc_count_all for shard in figures)
            groups = read_version_groups(Path(self._index_dir) / name, documents)
        except ColumnsUnreadable as error:
            log.warning("%s: %s; versions folded in each shard", name, error)
            groups = None
        self._live = LiveCollection(name, folders, figures, groups)
        fieldnames = sorted({name for shard in figures for name in shard.fieldnames})
        code_names: dict[str, dict[str, str]] = {}
        for shard in figures:
            for field, codes in shard.code_names.items():
                code_names.setdefault(field, {}).update(codes)
        self._words = ClusterVocabulary(self._shards, folders, fieldnames, code_names)

    def refresh(self) -> bool:
        """Follow a new index version if one was published; True if it did."""
        with self._lock:
            if self._closed:
                raise InvalidArgumentError("engine", "is closed")
            if self._live is not None and index_generation(self._index_dir) == self._live.name:
                return False
            self._open()
            return True

    def warm(self) -> None:
        """Fill every shard's caches now (as ``Engine.warm`` does for one index)."""
        with self._lock:
            live, shards, _ = self._current()
        fields = [name for name, boost in self.field_boosts.items() if boost > 0]
        # (outside the lock: searches meanwhile wait for a shard, not for every shard)
        shards.call("warm", everywhere(live.folders, fields))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._shards is not None:
                self._shards.close()
                self._shards = None
            self._live = None

    def _current(self) -> tuple[LiveCollection, Shards, ClusterVocabulary]:
        self.refresh()
        if self._live is None or self._shards is None or self._words is None:
            raise InvalidArgumentError("engine", "is closed")
        return self._live, self._shards, self._words

    @property
    def article_count(self) -> int:
        with self._lock:
            return self._current()[0].articles

    @property
    def shard_count(self) -> int:
        with self._lock:
            return len(self._current()[0].folders)

    # -- searching -------------------------------------------------------------------
    @contextmanager
    def _vocabulary(self) -> Iterator[Vocabulary]:
        with self._lock:
            yield self._current()[2]

    def _run(self, request: SearchRequest, started: float) -> SearchResults:
        with self._lock:
            live, shards, vocabulary = self._current()
            return self._search(live, shards, vocabulary, request, started)

    def _search(
        self,
        live: LiveCollection,
        shards: Shards,
        vocabulary: ClusterVocabulary,
        request: SearchRequest,
        started: float,
    ) -> SearchResults:
        typed = parse_query(
            request.query, field_boosts=self.field_boosts, as_you_type=request.as_you_type
        )
        parsed = resolve_query(typed, vocabulary)
        statistics, missing = collection_statistics(live, shards, (parsed.strict, parsed.relaxed))
        sort = "newest" if parsed.browse and request.sort == "relevance" else request.sort
        limit = request.page * request.page_size
        may_expand = sort == "relevance" and (
            feedback.wants_feedback(typed.strict) or feedback.wants_feedback(typed.relaxed)
        )
        question = ShardQuery(
            strict=parsed.strict,
            relaxed=parsed.relaxed,
            restriction=filter_query(
                request.filters, request.date_from, request.date_to, vocabulary.code_names
            ),
            statistics=statistics,
            relax_below=self.relax_below,
            limit=max(limit, feedback.FEEDBACK_DOCS) if may_expand else limit,
            sort=sort,
            facets=request.facets,
            facet_limit=request.facet_limit,
            time_limit=max(0.0, self.time_limit - (time.perf_counter() - started)),
            every_version=request.every_version,
            facet_restrictions=request.facet_restrictions(vocabulary.code_names),
            versions=live.scope,
        )
        matched = match(live, shards, question, missing, parsed.relaxed is not None)
        answers, chosen, relaxed = matched.answers, matched.chosen, matched.relaxed
        strict_total = matched.strict_total
        self.slowest_shard_ms = matched.slowest_ms
        ranked = merge_ranked(chosen, sort, question.limit)  # (feedback reads 3)
        if may_expand and feedback.wants_feedback(typed.relaxed if relaxed else typed.strict):
            ranked = with_feedback(
                live, shards, matched.question, ranked, relaxed, missing, self.field_boosts
            )
        page_entries = ranked[(request.page - 1) * request.page_size : limit]
        terms = parsed.highlight_terms if request.snippets else None
        fetched = fetch(live, shards, page_entries, terms, self._remaining(started))
        missing |= fetched.missing
        self.slowest_shard_ms += fetched.slowest_ms
        total = sum(tier.total for tier in chosen.values())
        cut_short = fetched.cut_short or any(a.partial for a in answers.values())
        suggestion = None
        if not missing:
            if time.perf_counter() - started > self.time_limit:
                cut_short = True  # (did-you-mean skipped, as the engine's deadline does)
            else:
                fields = [(name, boost) for name, boost in self.field_boosts.items() if boost > 0]

                def articles_with(stems: Sequence[str]) -> int:
                    calls = everywhere(live.folders, list(stems), fields)
                    gathered = shards.call("articles_with", calls)
                    missing.update(gathered.missing)  # (then weighed as unknown)
                    return 0 if gathered.missing else sum(gathered.answers.values())

                suggestion = suggest(
                    vocabulary, request.query, parsed.words, articles_with, live.articles
                )
        facets: dict[str, list[tuple[str, int]]] = {}
        if request.facets:

            def spell(
                wanted: dict[int, dict[str, list[str]]],
            ) -> dict[int, dict[str, dict[str, str]]]:
                calls = {n: (live.folders[n], terms) for n, terms in wanted.items()}
                spelled = shards.call("facet_names", calls)
                missing.update(spelled.missing)
                return spelled.answers

            keep = request.picked_terms(vocabulary.code_names)
            facets = merge_facets(chosen, request.facet_limit, spell, keep)
        return SearchResults(
            query=request.query,
            total=total,
            hits=tuple(fetched.hits),
            facets=facets,
            suggestion=suggestion,
            relaxed=relaxed,
            all_words_total=strict_total if relaxed else total,
            partial=bool(missing) or cut_short,
            took_ms=(time.perf_counter() - started) * 1000,
            page=request.page,
            page_size=request.page_size,
            undated=sum(tier.undated for tier in chosen.values()),
            folded=sum(tier.folded for tier in chosen.values()),
            missing_shards=tuple(sorted(missing)),
            only_stop_words=parsed.only_stop_words,
            sort=sort,
        )

    def _remaining(self, started: float) -> float:
        """Seconds left of the time limit of a search that began at ``started``."""
        return max(0.0, self.time_limit - (time.perf_counter() - started))

    # -- single articles ---------------------------------------------------------------
    def get(self, article_id: str) -> Article:
        """The full article, from the shard that holds it."""
        article_id = checked_text(article_id, "article_id")
        with self._lock:
            live, shards, _ = self._current()
            gathered = shards.call("article", everywhere(live.folders, article_id))
        for number in sorted(gathered.answers):
            found = gathered.answers[number]
            if found is not None:
                return found  # type: ignore[no-any-return]
        if gathered.missing:
            require_all(gathered)
        raise ArticleNotFoundError(article_id)

    def versions(self, article_id: str) -> list[Hit]:
        """The versions of the article's story, earliest first, from the shards holding
        them (the whole index's groups of versions)."""
        article_id = checked_text(article_id, "article_id")
        with self._lock:
            live, shards, _ = self._current()
            gathered = shards.call("document_number", everywhere(live.folders, article_id))
            for number in sorted(gathered.answers):
                docnum = gathered.answers[number]
                if docnum is not None:
                    story = [(n, (0, 0.0, 0, d)) for n, d in live.versions_of(number, docnum)]
                    fetched = fetch(live, shards, story, frozenset(), self.time_limit)
                    if fetched.missing:
                        require_all(Gathered(missing=fetched.missing))
                    return fetched.hits
        if gathered.missing:
            require_all(gathered)
        raise ArticleNotFoundError(article_id)

    def related(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Stories like the article, as ``Engine.related`` finds them: the five key terms
        of its start (Whoosh's more-like-this, Bo1, scored here with the collection's
        figures) searched as any word over every shard, its versions and verbatim copies
        left out."""
        limit = checked_count(limit, "limit", minimum=0)
        article = self.get(article_id)
        started = time.perf_counter()
        story = [hit.id for hit in self.versions(article.id)]  # the article among them
        with self._lock:
            live, shards, _ = self._current()
            like = self._key_terms_query(live, shards, article.id)
            if like is None:
                return []
            statistics, _ = collection_statistics(live, shards, (like,))
            question = ShardQuery(
                strict=like,
                relaxed=None,
                restriction=wq.Not(wq.Or([wq.Term("id", version) for version in story])),
                statistics=statistics,
                relax_below=0,
                limit=limit * 2 + 5,
                sort="relevance",
                facets=False,
                facet_limit=0,
                time_limit=self.time_limit,
                versions=live.scope,
            )
            chosen = match(live, shards, question, {}, relaxable=False).chosen
            ranked = merge_ranked(chosen, "relevance", limit * 2 + 5)
            fetched = fetch(
                live, shards, ranked, frozenset(), self._remaining(started), article.content_hash
            )
            return fetched.hits[:limit]

    def _key_terms_query(
        self, live: LiveCollection, shards: Shards, article_id: str
    ) -> wq.Query | None:
        """Whoosh's ``key_terms_from_text`` over the whole collection: the article's
        terms from the shard holding it, their collection frequencies summed over all."""
        texts = shards.call(
            "text_weights", everywhere(live.folders, article_id, RELATED_TEXT_CHARS)
        )
        require_all(texts)
        found = next((w for _, w in sorted(texts.answers.items()) if w is not None), None)
        if found is None:
            return None
        weights, top_total = found
        words = sorted(weights)
        frequencies = shards.call("collection_frequencies", everywhere(live.folders, "body", words))
        require_all(frequencies)
        totals: dict[str, float] = {}
        for number in sorted(frequencies.answers):
            for word, frequency in frequencies.answers[number].items():
                totals[word] = totals.get(word, 0.0) + frequency
        base = live.base
        ranked = key_terms(weights, top_total, totals, base.doc_count_all,
                           base.field_lengths.get("body", 0))  # fmt: skip
        if not ranked:
            return None
        return wq.Or([wq.Term("body", word, boost=weight) for word, weight in ranked])
