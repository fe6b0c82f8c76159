"""Reading news corpora into :class:`Article` records.

The readers (and the gazetteer and parsers they load) are imported on first use, so a
command that only searches does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from corpus.errors import CorpusError, NewsdeskError
from corpus.model import Article
from corpus.report import CorpusReport, Skip
from corpus.streams import DEFAULT_MAX_ARTICLE_BYTES

if TYPE_CHECKING:
    from corpus.reader import read_corpora, read_corpus, sample_corpus_path

#: Names imported from their modules on first access.
_LAZY = {name: "corpus.reader" for name in ("read_corpora", "read_corpus", "sample_corpus_path")}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'corpus' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


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
