"""``ShardSearcher``: one shard of an index, searched on its own for a coordinator.

It holds what an engine holds for one generation (``search.generation``: the searcher,
cached postings, facet columns, stored hits, vocabulary) and answers the rounds of
``search.cluster.messages``.  Its scores use the collection's figures that come with
each query (``CollectionStatistics``), never its own, so they equal the scores of a
one-shard index of the same articles.  Every call names the generation folder the
coordinator reads; a shard asked about another one (a new index version, or a worker
restarted after a crash) opens that one first.

It runs in-process (``search.cluster.shards.LocalShards``) or as a Ray actor
(``search.cluster.ray_shards``); it imports neither.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from whoosh import classify
from whoosh import query as wq

from corpus.model import Article
from index.columns import ColumnsUnreadable, read_version_groups
from index.documents import document_to_article
from index.opening import open_part
from search.cluster.messages import (
    RankedEntry,
    ShardAnswer,
    ShardFigures,
    ShardQuery,
    TierAnswer,
    VersionScope,
)
from search.deadline import Deadline
from search.generation import Generation
from search.matching.docsets import count
from search.matching.fastrank import FastRanker
from search.matching.feedback import article_text
from search.matching.postings import Mask
from search.matching.ranking import K1, B
from search.matching.statistics import CollectionStatistics, StatisticKey
from search.matching.tiers import Tier, matching_docs, rank_tiers, union
from search.matching.versions import Spanning, Versions
from search.present.highlight import text_head
from search.results import Hit
from search.words.suggest import holding_all

log = logging.getLogger(__name__)

#: Collection figures a shard keeps per generation before starting afresh.
MAX_FIGURES = 1_000_000


class ShardSearcher:
    """One shard (a Whoosh index folder of the live generation), opened on first use."""

    def __init__(self, index_dir: str) -> None:
        self._index_dir = Path(index_dir)
        self._folder = ""
        self._live: Generation | None = None
        self._ranker: FastRanker | None = None
        self._statistics: CollectionStatistics | None = None
        #: This shard's part of the whole index's groups of versions, by generation
        #: (None: unreadable, folded with the shard's own).
        self._scoped: tuple[str, Versions | None] | None = None

    # -- generations ---------------------------------------------------------------
    def _open(self, folder: str) -> Generation:
        if self._live is not None and folder == self._folder:
            return self._live
        index = open_part(self._index_dir, folder)
        live = Generation(folder, index, expect_columns=True, fast_ranking=False)
        if self._live is not None:
            self._live.close()
        self._live, self._folder = live, folder
        self._ranker = self._statistics = self._scoped = None
        return live

    def _versions(self, live: Generation, scope: VersionScope | None) -> Versions:
        """The groups of versions this shard folds with: its part of the whole index's
        (``scope``; a one-shard index has none: its own are the whole index's), or its
        own when the whole index's cannot be read (said once a generation)."""
        if scope is None:
            return live.versions
        if self._scoped is None or self._scoped[0] != scope.generation:
            start = scope.offsets[self._folder]
            part: Versions | None = None
            try:
                groups = read_version_groups(self._index_dir / scope.generation, scope.doc_count)
                stop = start + int(live.searcher.reader().doc_count_all())
                part = Versions(groups, start, stop)
            except ColumnsUnreadable as error:
                log.warning("%s: %s; versions folded in each shard", scope.generation, error)
            self._scoped = (scope.generation, part)
        part = self._scoped[1]
        return live.versions if part is None else part

    def _ranker_for(self, live: Generation, statistics: CollectionStatistics) -> FastRanker:
        """A ranker scoring with the collection's figures: kept while they are those of
        the same generation of the index (a shard's own folder may outlive it: a refresh
        that rewrote other shards changed the figures), learning each query's terms'."""
        if not statistics.complete:  # (a partial search's figures: scores not kept)
            return FastRanker(live.searcher, K1, B, live.postings, statistics)
        known = self._statistics
        if (
            known is None
            or self._ranker is None
            or known.generation != statistics.generation
            or len(known.frequencies) > MAX_FIGURES
        ):
            known = CollectionStatistics(
                statistics.doc_count_all, dict(statistics.field_lengths), statistics.generation
            )
            self._statistics = known
            self._ranker = FastRanker(live.searcher, K1, B, live.postings, known)
        known.frequencies.update(statistics.frequencies)
        return self._ranker

    def close(self) -> None:
        if self._live is not None:
            self._live.close()
            self._live = None

    # -- round 1: figures ------------------------------------------------------------
    def figures(self, folder: str) -> ShardFigures:
        live = self._open(folder)
        reader = live.searcher.reader()
        schema = reader.schema
        lengths = {
            name: int(reader.field_length(name)) for name in schema.names() if schema[name].scorable
        }
        return ShardFigures(
            int(reader.doc_count_all()), int(reader.doc_count()), lengths, tuple(schema.names()),
            {field: dict(codes) for field, codes in live.vocabulary.code_names.items()},
        )  # fmt: skip

    def frequencies(self, folder: str, keys: list[StatisticKey]) -> dict[StatisticKey, int]:
        """How many of this shard's documents hold each term (postings, as the ranker
        counts them) or phrase."""
        live = self._open(folder)
        found: dict[StatisticKey, int] = {}
        for key in keys:
            kind, fieldname, *words = key
            if kind == "term":
                found[key] = len(live.postings.term(fieldname, words[0])[0])
            else:
                slop, *words = words
                phrase = wq.Phrase(fieldname, words, slop=int(slop))
                found[key] = count(live.docsets.docs(phrase))
        return found

    # -- round 2: query ------------------------------------------------------------
    def query(self, folder: str, question: ShardQuery) -> ShardAnswer:
        started = time.perf_counter()
        live = self._open(folder)
        deadline = Deadline(question.time_limit)
        docs = live.docsets.for_query(deadline)
        strict = matching_docs(question.strict, question.restriction, docs)
        loose: Mask | None = None
        if question.relaxed is not None and count(strict) < question.relax_below:
            loose = matching_docs(question.relaxed, question.restriction, docs) & ~strict
        found = [count(strict), count(loose) if loose is not None else 0]
        versions = self._versions(live, question.versions)
        if not question.every_version:  # (the relaxed tier never repeats a strict story)
            masks = [strict] if loose is None else [strict, loose]
            dropped = versions.elsewhere(question.kept.get("", {}))
            folded = versions.fold([(None, mask) for mask in masks], dropped)
            strict, loose = folded[0][1], (folded[1][1] if loose is not None else None)
        ranker = self._ranker_for(live, question.statistics)

        def answer(tiers: list[Tier], matched: Mask) -> TierAnswer:
            ranked: list[RankedEntry] = []
            if question.sort == "relevance":
                for number, tier in enumerate(tiers):
                    wanted = question.limit - len(ranked)
                    hits = rank_tiers([tier], wanted, ranker, live.searcher, docs, question.added)
                    ranked.extend((number, score, 0, docnum) for docnum, score in hits)
            else:
                dates = live.facets.raw_dates()
                newest = question.sort != "oldest"
                listed = live.by_date(tiers, newest, question.limit, ranker, docs)
                ranked.extend(
                    (number, score, int(dates[docnum]), docnum) for docnum, number, score in listed
                )
            facets = {}
            if question.facets and not deadline.exceeded():
                facets = live.facets.count_values(
                    matched, limit=question.facet_limit, stop=deadline.exceeded
                )
            loose = question.relaxed if len(tiers) > 1 else None
            unpicked_spanning = {}
            for name, restriction in question.facet_restrictions.items():
                if name in facets and not deadline.exceeded():
                    unpicked = live.unpicked(
                        question.strict, loose, restriction, docs, every_version=True
                    )  # (folded here, with the whole index's groups)
                    if not question.every_version:
                        dropped = versions.elsewhere(question.kept.get(name, {}))
                        unpicked = versions.fold(unpicked, dropped)
                        unpicked_spanning[name] = versions.spanning([m for _, m in unpicked])
                    facets[name] = live.facets.count_values(
                        union(unpicked), (name,), question.facet_limit, deadline.exceeded
                    ).get(name, [])
            total = count(matched)
            folded = sum(found[: len(tiers)]) - total
            spanning = Spanning()
            if not question.every_version:
                spanning = versions.spanning([mask for _, mask in tiers])
            return TierAnswer(
                total, ranked, facets, live.facets.undated(matched), folded,
                spanning, unpicked_spanning,
            )  # fmt: skip

        strict_answer = answer([(question.strict, strict)], strict)
        relaxed_answer = None
        if loose is not None:
            tiers = [(question.strict, strict), (question.relaxed, loose)]
            relaxed_answer = answer(tiers, strict | loose)
        return ShardAnswer(
            strict_answer,
            relaxed_answer,
            count(loose) if loose is not None else 0,
            deadline.cut_short,
            (time.perf_counter() - started) * 1000,
        )

    # -- round 3: fetch --------------------------------------------------------------
    def fetch(
        self,
        folder: str,
        hits: list[tuple[int, float]],
        terms: frozenset[str] | None,
        time_limit: float,
        skip_hash: str = "",
    ) -> tuple[list[Hit | None], bool, float]:
        """The hits (docnum, score) with their snippets highlighting ``terms``, None for
        an article whose text has the hash ``skip_hash`` (a story's verbatim copies);
        whether the time limit cut snippets short; the milliseconds it took."""
        started = time.perf_counter()
        live = self._open(folder)
        deadline = Deadline(time_limit)
        made: list[Hit | None] = []
        for docnum, score in hits:
            if skip_hash and live.hits.article(docnum).content_hash == skip_hash:
                made.append(None)
            else:
                made.append(live.hits.hit(docnum, score, terms, deadline))
        return made, deadline.cut_short, (time.perf_counter() - started) * 1000

    def warm(self, folder: str, fields: list[str]) -> None:
        """Fill the shard's caches now (as ``Engine.warm`` does)."""
        self._open(folder).warm(fields)

    def facet_names(self, folder: str, wanted: dict[str, list[str]]) -> dict[str, dict[str, str]]:
        """The display spelling of facet values (facet -> indexed terms)."""
        facets = self._open(folder).facets
        return {
            name: {term: facets.spelling(name, term) for term in terms}
            for name, terms in wanted.items()
        }

    def articles_with(self, folder: str, stems: list[str], fields: list[tuple[str, float]]) -> int:
        """Live articles holding every one of ``stems`` (did-you-mean's weighing)."""
        return count(self._open(folder).docsets.docs(holding_all(stems, fields)))

    def texts(self, folder: str, docnums: list[int]) -> list[str]:
        """What pseudo-relevance feedback reads of each article (``article_text``)."""
        live = self._open(folder)
        return [article_text(live.hits.article(docnum)) for docnum in docnums]

    # -- single articles ---------------------------------------------------------------
    def document_number(self, folder: str, article_id: str) -> int | None:
        """The article's docnum in this shard (None: the article is not here)."""
        docnum = self._open(folder).searcher.document_number(id=article_id)
        return None if docnum is None else int(docnum)

    def article(self, folder: str, article_id: str) -> Article | None:
        live = self._open(folder)
        docnum = live.searcher.document_number(id=article_id)
        if docnum is None:
            return None
        return document_to_article(live.searcher.stored_fields(docnum))

    def text_weights(
        self, folder: str, article_id: str, chars: int
    ) -> tuple[dict[str, float], float] | None:
        """``related``'s start: the body terms of the start of an article's title and
        body with their weights, and their total (what Whoosh's more-like-this adds to
        its ``Expander``); None when this shard does not hold the article."""
        live = self._open(folder)
        searcher = live.searcher
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        text = " ".join((stored.get("title", ""), stored.get("body", "")))
        expander = classify.Expander(searcher.reader(), "body")
        expander.add_text(text_head(text, chars))
        return dict(expander.topN_weight), float(expander.top_total)

    def collection_frequencies(
        self, folder: str, fieldname: str, words: list[str]
    ) -> dict[str, float]:
        """Each word's total weight in the field, for the words this shard holds."""
        reader = self._open(folder).searcher.reader()
        field = reader.schema[fieldname]
        found: dict[str, float] = {}
        for word in words:
            encoded = field.to_bytes(word)
            if (fieldname, encoded) in reader:
                found[word] = float(reader.frequency(fieldname, encoded))
        return found

    # -- the vocabulary's primitives (``search.cluster.vocabulary``) ---------------------
    def terms_starting(self, folder: str, fieldname: str, prefix: str) -> list[str]:
        return self._open(folder).vocabulary.terms_starting(fieldname, prefix)

    def field_frequency(self, folder: str, fieldname: str, term: str) -> int:
        return self._open(folder).vocabulary.field_frequency(fieldname, term)

    def doc_frequency(self, folder: str, stem: str) -> int:
        return self._open(folder).vocabulary.doc_frequency(stem)

    def documents(self, folder: str, field: str, term: str, limit: int) -> list[str]:
        return self._open(folder).vocabulary.documents(field, term, limit)


__all__ = ["ShardSearcher"]
