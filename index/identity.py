"""Article ids that stay unique when several corpora are indexed together.

Each corpus numbers its own articles (Reuters NEWIDs, TIME's SMART numbers), so "17" can
be two different stories.  The first corpus to use an id (in the order the corpora were
recorded, so the choice is the same on every refresh) keeps it; a later corpus's
different article with that id is indexed as ``<corpus name>:<id>`` ("time-docs:17")
instead of being lost.  A repeated id within one corpus, or the very same article (same
id and content) in two corpora, is a real duplicate: skipped and reported, as is a
qualified id that is itself taken.

A refresh of some corpora only (``newsdesk index PATH``) first *claims* the ids the other
corpora's articles hold in the index, so those keep them.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath

from corpus import Article
from corpus.report import Skip
from index.files_table import RecordedArticle

#: An article read now, or one replayed from the files table: both have id, path, hash.
Read = Article | RecordedArticle


def corpus_label(root: str) -> str:
    """A corpus's short name for qualified ids: its file or folder name without extensions."""
    name = PurePath(root.rstrip("/\\")).name
    return name.split(".", 1)[0] or name


def corpus_name(root: str) -> str:
    """A corpus as summaries name it: its file or folder name."""
    return PurePath(root.rstrip("/\\")).name or root


class IdAssigner:
    """Decides each article's indexed id in reading order (see the module docstring)."""

    def __init__(self) -> None:
        # id -> (corpus root, first path, content hash)
        self._owners: dict[str, tuple[str, str, str]] = {}
        self.duplicates: list[Skip] = []

    def claim(self, article_id: str, root: str, content_hash: str) -> None:
        """Reserve an id an article of another corpus holds in the index."""
        self._owners.setdefault(article_id, (root, root, content_hash))

    def taken(self, article_id: str) -> bool:
        """Whether ``article_id`` is claimed or was assigned."""
        return article_id in self._owners

    def assign(self, root: str, article: Read) -> Read | None:
        """The article to index (renamed if its id was taken by another corpus), or None
        when it is a duplicate (recorded in ``duplicates``)."""
        owner = self._owners.get(article.id)
        if owner is not None and owner[0] != root and owner[2] != article.content_hash:
            qualified = f"{corpus_label(root)}:{article.id}"
            if qualified not in self._owners:
                article = dataclasses.replace(article, id=qualified)
                owner = None
        if owner is not None:
            self.duplicates.append(
                Skip(article.path, None, f"duplicate article id {article.id!r} (first: {owner[1]})")
            )
            return None
        self._owners[article.id] = (root, article.path, article.content_hash)
        return article
