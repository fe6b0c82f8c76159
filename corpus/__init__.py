"""Reading news corpora into :class:`Article` records."""

from corpus.errors import CorpusError, NewsdeskError
from corpus.model import Article

__all__ = ["Article", "CorpusError", "NewsdeskError"]
