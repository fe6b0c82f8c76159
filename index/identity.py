"""Article ids that stay unique when several corpora are indexed together.

Each corpus numbers its own articles (Reuters NEWIDs, TIME's SMART numbers), so "17" can
be two different stories.  The first corpus to use an id (in the order the corpora were
given, which the index records, so the choice is the same on every refresh) keeps it; a
later corpus's different article with that id is indexed as ``<corpus name>:<id>``
("time-docs:17") instead of being lost.  A repeated id within one corpus, or the very same
article (same id and content) in two corpora, is a real duplicate: skipped and reported, as
is a qualified id that is itself taken.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath

from corpus import Article, CorpusReport, read_corpus
from corpus.report import Skip

#: Label of articles handed in directly (``build_index(articles=...)``): one corpus.
DIRECT = ""


def corpus_label(root: str) -> str:
    """A corpus's short name for qualified ids: its file or folder name without extensions."""
    name = PurePath(root.rstrip("/\\")).name
    return name.split(".", 1)[0] or name


def labelled(corpora: Sequence[str], report: CorpusReport) -> Iterator[tuple[str, Article]]:
    """Every article of ``corpora`` in reading order, with its corpus's label (every root
    is checked before any is read, as ``corpus.read_corpora`` does)."""
    readers = [(corpus_label(root), read_corpus(root, report)) for root in corpora]
    for label, articles in readers:
        for article in articles:
            yield label, article


def unlabelled(articles: Iterable[Article]) -> Iterator[tuple[str, Article]]:
    """Articles given directly, all counted as one corpus."""
    return ((DIRECT, article) for article in articles)


class IdAssigner:
    """Decides each article's indexed id in reading order (see the module docstring)."""

    def __init__(self) -> None:
        # id -> (corpus label, first path, content hash)
        self._owners: dict[str, tuple[str, str, str]] = {}
        self.duplicates: list[Skip] = []

    def assign(self, label: str, article: Article) -> Article | None:
        """The article to index (renamed if its id was taken by another corpus), or None
        when it is a duplicate (recorded in ``duplicates``)."""
        owner = self._owners.get(article.id)
        if owner is not None and label and owner[0] != label and owner[2] != article.content_hash:
            qualified = f"{label}:{article.id}"
            if qualified not in self._owners:
                article = dataclasses.replace(article, id=qualified)
                owner = None
        if owner is not None:
            self.duplicates.append(
                Skip(article.path, None, f"duplicate article id {article.id!r} (first: {owner[1]})")
            )
            return None
        self._owners[article.id] = (label, article.path, article.content_hash)
        return article

    def __len__(self) -> int:
        return len(self._owners)
