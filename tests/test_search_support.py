"""Shared helpers for the search tests: real indexes built once per session.

(Named ``test_search_*`` so it lives with the search tests; it defines no tests itself.)
The sample index holds the bundled sample: the seed AFP story plus the 1,000 Reuters
records of reut2-000.sgm.  Every index is written by the production build
(``index.build_index``, with its postings arrays files), so the tests exercise the engine
path users run; :func:`write_plain_whoosh_index` is the one explicit exception, for the
tests of the engine's reading through Whoosh when a segment has no arrays file.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from corpus import Article, CorpusReport, read_corpus, sample_corpus_path
from corpus.extract.entities import with_entities
from index import build_index, open_index
from index.documents import article_to_document
from index.schema import build_schema
from search import Engine

SEED_ID = "000_b98891cdbd8958c6"


def scratch_dir(prefix: str) -> Path:
    """A fresh temp folder, removed when the test process ends (shared indexes outlive
    one test, so pytest's tmp_path does not fit; they were left in /tmp by the dozen)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def write_index_dir(articles: Iterable[Article], folder: Path | None = None) -> Path:
    """The folder of an index of ``articles`` built by ``newsdesk index``'s own build (a
    fresh temp folder by default): what ``--index DIR`` and ``Engine.open`` take."""
    target = folder or scratch_dir("newsdesk-search-test-")
    build_index(index_dir=target, articles=articles, procs=1)
    return target


def write_index(articles: Iterable[Article], folder: Path | None = None) -> Index:
    """The live generation of an index of ``articles`` (see :func:`write_index_dir`)."""
    return open_index(write_index_dir(articles, folder))


def write_plain_whoosh_index(articles: Iterable[Article], folder: Path | None = None) -> Index:
    """A bare Whoosh index of ``articles`` (same schema and documents, no arrays files)."""
    target = folder or scratch_dir("newsdesk-search-test-")
    ix = whoosh_index.create_in(str(target), build_schema())
    with ix.writer(limitmb=128) as writer:
        for article in articles:
            writer.add_document(**article_to_document(article))
    return ix


def read_all(path: Path) -> list[Article]:
    """Every article of a corpus, failing loudly if anything was skipped."""
    report = CorpusReport()
    articles = list(read_corpus(path, report))
    assert not report.skipped, report.skipped[:5]
    return articles


@functools.cache
def sample_articles() -> tuple[Article, ...]:
    """The bundled sample's articles as the build writes them (with the names the entity
    pass finds in the seed; Reuters' own are hand-labelled)."""
    return tuple(with_entities(article) for article in read_all(sample_corpus_path()))


@functools.cache
def sample_index_dir() -> Path:
    return write_index_dir(sample_articles())


@functools.cache
def sample_index() -> Index:
    return open_index(sample_index_dir())


@functools.cache
def sample_engine() -> Engine:
    """One engine over the sample for the whole session (tests only read from it)."""
    return Engine.for_index(sample_index())


@functools.cache
def corpus_articles(path: Path) -> tuple[Article, ...]:
    return tuple(read_all(path))


@functools.cache
def corpus_engine(path: Path) -> Engine:
    return Engine.for_index(write_index(corpus_articles(path)))
