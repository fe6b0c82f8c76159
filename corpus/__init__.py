"""Reading news corpora into :class:`Article` records."""

from corpus.errors import CorpusError, NewsdeskError
from corpus.model import Article
from corpus.reader import read_corpora, read_corpus, sample_corpus_path
from corpus.report import CorpusReport, Skip
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
    "Article",
    "CorpusError",
    "CorpusReport",
    "NewsdeskError",
    "Skip",
    "read_corpora",
    "read_corpus",
    "sample_corpus_path",
]
