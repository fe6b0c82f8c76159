"""The vectorised query paths agree with Whoosh and with the analyzer.

Postings read block-wise into numpy, BM25F scores computed over whole arrays, facet
counts by ``bincount`` and snippet spans found by one regex pass must give what Whoosh's
own matchers, scorers and analyzer give -- also on an index of several segments with
deleted documents, where docnum offsets and deletions are easy to get wrong.
"""

from __future__ import annotations

import functools
import shutil
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_search_support import (
    sample_articles,
    sample_engine,
    sample_index,
    scratch_dir,
    write_plain_whoosh_index,
)
from whoosh import index as whoosh_index
from whoosh.index import Index

import search.matching.fastrank as fastrank
from corpus import Article
from index.arrays_writing import repair_postings_files
from index.columns import GenerationColumns
from index.documents import article_to_document
from index.schema import text_analyzer
from index.segment_arrays import open_postings_files
from search import Engine
from search.matching.postings import Postings
from search.present.facets import FacetColumns
from search.present.highlight import clean_text, make_snippet, match_spans

DELETED = ("2", "5", "17")


@functools.cache
def segmented_plain_index() -> Index:
    """The sample in three segments (no merging), a few articles deleted, written by
    plain Whoosh writers: no postings files (the engine computes them in memory)."""
    articles = sample_articles()
    third = len(articles) // 3
    ix = write_plain_whoosh_index(articles[:third])
    for part in (articles[third : 2 * third], articles[2 * third :]):
        writer = ix.writer()
        for article in part:
            writer.add_document(**article_to_document(article))
        writer.commit(merge=False)
    writer = ix.writer()
    for article_id in DELETED:
        writer.delete_by_term("id", article_id)
    writer.commit(merge=False)
    return ix


@functools.cache
def segmented_index() -> Index:
    """The same three segments with deletions, each given its postings file by the index
    layer's own writer (as every commit of ``newsdesk index`` does): the path users run."""
    folder = scratch_dir("newsdesk-segmented-")
    shutil.copytree(segmented_plain_index().storage.folder, folder, dirs_exist_ok=True)
    assert len(repair_postings_files(folder)) == 3
    return whoosh_index.open_dir(str(folder))


def live_articles() -> list[Article]:
    return [a for a in sample_articles() if a.id not in DELETED]


def test_the_test_index_has_segments_and_deletions() -> None:
    reader = segmented_index().reader()
    assert len(list(reader.leaf_readers())) == 3
    assert reader.has_deletions() and reader.doc_count() == len(live_articles())


def test_block_read_postings_equal_whooshs_matcher() -> None:
    reader = segmented_index().reader()
    postings = _postings(reader)
    for field in ("title", "body", "places", "topics"):
        for term in list(reader.lexicon(field))[::7]:
            docs, weights = postings.read_term(field, term)
            matcher = reader.postings(field, term)
            expected: list[tuple[int, float]] = []
            while matcher.is_active():  # Whoosh skips deleted documents itself
                expected.append((matcher.id(), matcher.weight()))
                matcher.next()
            live = postings.live()[docs]
            assert list(zip(docs[live].tolist(), weights[live].tolist(), strict=True)) == expected
    every = np.arange(reader.doc_count_all())
    lengths = postings.field_lengths("body", every)
    for docnum in reader.all_doc_ids():
        assert lengths[docnum] == (reader.doc_field_length(docnum, "body", 0) or 0)
    assert np.flatnonzero(postings.live()).tolist() == list(reader.all_doc_ids())


@pytest.mark.parametrize("summing", ["sparse", "dense"])
@pytest.mark.parametrize(
    "query",
    ["oil", "oil prices", "cocoa -brazil", "place:usa", "(oil OR gold) prices", "bank",
     '"crude oil" prices', "oil OR zzqq*", "gold OR id:nosuchid"],
)  # fmt: skip
def test_fast_scores_equal_whooshs_on_segments_with_deletions(
    query: str, summing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same ranking whether a query's parts are summed over their matches (large
    archives) or in arrays over every docnum (small ones, very common words)."""
    dense = summing == "dense"
    monkeypatch.setattr(fastrank, "DENSE_ARCHIVE", 10**9 if dense else 0)
    monkeypatch.setattr(fastrank, "DENSE_SHARE", 8 if dense else 0)
    ours = Engine.for_index(segmented_index()).search(query, page_size=40, facets=False)
    theirs = Engine.for_index(segmented_index(), fast_ranking=False).search(
        query, page_size=40, facets=False
    )
    assert ours.total == theirs.total > 0
    assert [hit.id for hit in ours.hits] == [hit.id for hit in theirs.hits]
    offsets = {round(a.score - b.score, 9) for a, b in zip(ours.hits, theirs.hits, strict=True)}
    assert len(offsets) <= 1  # equal, or shifted by a constant (Whoosh scores NOT as 1)
    assert not set(DELETED) & {hit.id for hit in ours.hits}


def test_facet_counts_skip_deleted_articles() -> None:
    engine = Engine.for_index(segmented_index())
    results = engine.search("", facet_limit=0, page_size=1, every_version=True)
    articles = live_articles()
    assert results.total == len(articles)
    for field in ("places", "topics", "people", "organisations"):
        expected = Counter(value for a in articles for value in getattr(a, field))
        assert dict(results.facets[field]) == dict(expected), field
    assert dict(results.facets["source"]) == dict(Counter(a.source for a in articles))
    months = Counter(a.date.strftime("%Y-%m") for a in articles if a.date)
    assert results.facets["month"] == sorted(months.items())


def _postings(reader: Any) -> Postings:
    return Postings(reader, open_postings_files(reader))


def _facet_columns(reader: Any) -> FacetColumns:
    columns = GenerationColumns.open(None, reader)
    return FacetColumns(columns, _postings(reader), reader.stored_fields)


def test_facet_ties_are_ordered_by_value_and_limited() -> None:
    counts = _facet_columns(segmented_index().reader()).count(
        _postings(segmented_index().reader()).live(), ["places"], limit=5
    )["places"]
    assert len(counts) == 5
    assert counts == sorted(counts, key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))


def test_date_sorts_walk_every_segment() -> None:
    engine = Engine.for_index(segmented_index())
    newest = engine.search("oil", sort="newest", page_size=500)
    dates = [hit.date for hit in newest.hits if hit.date]
    assert len(newest.hits) == newest.total and dates == sorted(dates, reverse=True)


def test_relaxed_results_count_no_all_word_matches() -> None:
    results = sample_engine().search("hawija cocoa")
    assert results.relaxed and results.total > 0
    assert results.all_words_total == 0  # no article has both words


def test_warm_fills_caches_without_changing_results() -> None:
    cold = sample_engine().search("oil prices", page_size=20)
    engine = Engine.for_index(sample_index())
    engine.warm()
    warm = engine.search("oil prices", page_size=20)
    assert [(h.id, h.score, h.snippet) for h in warm.hits] == [
        (h.id, h.score, h.snippet) for h in cold.hits
    ]
    assert warm.facets == cold.facets


# -- snippets ---------------------------------------------------------------------------
WORDS = st.sampled_from(
    ["oil", "Oil", "oils", "soil", "OIL.", "U.S", "u.s.", "3.5", "a.b", "_x", "recall", "call",
     "Calls", "happy", "happiness", "hoping", "hope", "offensives", "offensive", "Kılıç",
     "KILIC", "kilic", "naïve", "İstanbul", "istanbul", "’", "£5", "the", "é", "Müller",
     "muller"]
)  # fmt: skip
SEPARATORS = st.sampled_from([" ", ".", ". ", "-", "..", "\n", "_", ",", "'", "’", "  ", "\x1b["])


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.tuples(WORDS, SEPARATORS), max_size=12).map(
        lambda pairs: "".join(w + s for w, s in pairs)
    ),
    st.lists(WORDS, min_size=1, max_size=3),
)
def test_spans_equal_the_analyzers_on_accented_and_plain_text(
    text: str, query_words: list[str]
) -> None:
    analyzer = text_analyzer()
    wanted = {token.text for word in query_words for token in analyzer(word)}
    expected = tuple(
        (token.startchar, token.endchar)
        for token in analyzer(text, chars=True)
        if token.text in wanted
    )
    assert match_spans(text, wanted) == expected


def test_spans_on_real_articles_equal_the_analyzers() -> None:
    analyzer = text_analyzer()
    for article in sample_articles()[::40]:
        text = clean_text(article.body)
        words = [token.text for token in analyzer(text)][::9][:4]
        wanted = set(words) | {"oil", "u.s"}
        expected = tuple(
            (t.startchar, t.endchar) for t in analyzer(text, chars=True) if t.text in wanted
        )
        assert match_spans(text, wanted) == expected


def test_snippet_highlights_the_stemmed_and_accented_words_in_the_text() -> None:
    body = "“Kılıç’s” photos: he was hoping the offensives in İstanbul would end."
    wanted = {token.text for token in text_analyzer()("kilic hope offensive İstanbul")}
    snippet, spans = make_snippet((body,), wanted)
    assert [snippet[s:e] for s, e in spans] == ["Kılıç", "hoping", "offensives", "İstanbul"]


def test_clean_text_is_corpus_clean_field() -> None:
    from corpus.extract.cleaning import clean_field

    for text in ("a\n\nb", " lead", "tab\there", "x\x1b[2Jy", "a  b", "nbsp\u00a0x", "ok"):
        assert clean_text(text) == clean_field(text)


def test_spans_find_words_whose_stem_rewrites_its_last_letter() -> None:
    """Stems ending in e/i/l may differ there from the word; others start it whole."""
    text = "Portability, happy hoping, aged agents and the age of portable radios."
    wanted = {token.text for token in text_analyzer()("portability happy hope age")}
    analyzer = text_analyzer()
    expected = tuple(
        (t.startchar, t.endchar) for t in analyzer(text, chars=True) if t.text in wanted
    )
    assert [text[s:e] for s, e in expected] == [
        "Portability", "happy", "hoping", "aged", "age", "portable",
    ]  # fmt: skip
    assert match_spans(text, wanted) == expected


def test_hits_read_through_the_caches_equal_whooshs_stored_fields_and_snippets() -> None:
    """Stored fields read per segment, and snippets made from cached prepared texts,
    are what Whoosh's reader and an uncached snippet give (segments and deletions)."""
    from search.present.hitcache import PreparedTexts, StoredFields

    ix = segmented_index()
    with ix.searcher() as searcher:
        stored = StoredFields(searcher)
        live = [d for d in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(d)]
        assert len(live) == len(live_articles())
        for docnum in live:
            assert stored(docnum) == searcher.stored_fields(docnum)
    texts = PreparedTexts(max_chars=3_000)  # a few bodies: older ones are evicted
    wanted = frozenset({"oil", "price", "u.s"})
    for round_ in range(2):
        for number, article in enumerate(sample_articles()[::25]):
            sources = (article.body, article.title)
            cached = make_snippet(sources, wanted, lambda i, s, n=number: texts.get(n, i, s))
            assert cached == make_snippet(sources, wanted), (round_, article.id)
        assert texts.chars <= texts.max_chars


def test_hits_from_the_article_cache_equal_fresh_ones() -> None:
    """A repeated or refined query reuses hits' articles; nothing it shows changes."""
    queries = ["oil", "oil prices", "cocoa -brazil", "place:usa", "bank"]
    engine = Engine.for_index(segmented_index())
    first = [engine.search(query) for query in queries]
    again = [engine.search(query) for query in reversed(queries)][::-1]
    fresh = [Engine.for_index(segmented_index()).search(query) for query in queries]
    for one, two, three in zip(first, again, fresh, strict=True):
        assert one.hits == two.hits == three.hits and one.facets == two.facets == three.facets


def test_the_date_column_read_in_one_go_equals_whooshs_value_by_value() -> None:
    from index.reading import raw_date_column

    reader = segmented_index().reader()
    expected: list[int] = []
    for segment, _ in reader.leaf_readers():
        column = segment.column_reader("date", translate=False)
        expected.extend(column[docnum] for docnum in range(segment.doc_count_all()))
    raw = raw_date_column(reader)
    assert raw.tolist() == expected
    assert len(set(expected)) > 100


@pytest.mark.parametrize("name", ["topics", "places", "source", "organisations", "month"])
def test_counting_a_few_documents_equals_counting_them_in_one_pass(name: str) -> None:
    """The facet counts of a small result come from its docnums alone (cost follows the
    result); they must equal the pass over every entry of the column."""
    facets = _facet_columns(segmented_index().reader())
    column = facets.column(name)
    rng = np.random.default_rng(7)
    size = segmented_index().reader().doc_count_all()
    for count in (0, 1, 5, 60):
        docnums = np.sort(rng.choice(size, size=count, replace=False)).astype(np.int64)
        mask = np.zeros(size, dtype=np.bool_)
        mask[docnums] = True
        assert column.tally_docs(docnums).tolist() == column.tally(mask).tolist()
