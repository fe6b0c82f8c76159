"""The vocabulary of a collection of shards: what did-you-mean and wildcard, fuzzy and
facet-value words read, summed or joined over the shards.

``Vocabulary`` builds everything (candidate stems, real words behind a stem, facet
values by word) on three primitives; here each asks every shard and merges the
answers: terms are joined, frequencies summed, and stored texts read shard after shard
up to the limit -- the articles a one-shard index of the same documents would read,
since its documents come shard after shard.  Its caches (stems by first letter, real
words) live with the coordinator's generation, as an engine's do.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from search.cluster.merging import require_all
from search.cluster.shards import Shards, everywhere
from search.query.fields import CodeNames
from search.words.vocabulary import Vocabulary

#: Times a shard that did not answer a vocabulary question is asked again...
RETRIES = 10
#: ... this many seconds apart (a restarted Ray actor answers within about a second, a
#: few on a loaded machine).
RETRY_SECONDS = 1.0


class ClusterVocabulary(Vocabulary):
    """The words of every shard of one generation (``folders``, by shard number)."""

    def __init__(
        self,
        shards: Shards,
        folders: Sequence[str],
        fieldnames: Sequence[str],
        code_names: CodeNames | None = None,
    ) -> None:
        self._shards = shards
        self._folders = list(folders)
        self._init_caches(fieldnames, code_names)

    def _everywhere(self, method: str, *args: object) -> list[Any]:
        """Every shard's answer, in shard order.  A shard that does not answer is asked
        again while Ray restarts its worker (the caches built on these answers must not
        hold a part of the collection's words), then named in a ``ClusterError``."""
        calls = everywhere(self._folders, *args)
        gathered = self._shards.call(method, calls)
        for _ in range(RETRIES):
            if not gathered.missing:
                break
            time.sleep(RETRY_SECONDS)
            again = self._shards.call(method, {n: calls[n] for n in gathered.missing})
            gathered.answers.update(again.answers)
            gathered.missing = again.missing
        require_all(gathered)
        return [gathered.answers[number] for number in range(len(self._folders))]

    def terms_starting(self, fieldname: str, prefix: str) -> list[str]:
        found: set[str] = set()
        for terms in self._everywhere("terms_starting", fieldname, prefix):
            found.update(terms)
        return sorted(found)

    def field_frequency(self, fieldname: str, term: str) -> int:
        return sum(int(n) for n in self._everywhere("field_frequency", fieldname, term))

    def doc_frequency(self, stem: str) -> int:
        return sum(int(n) for n in self._everywhere("doc_frequency", stem))

    def documents(self, field: str, term: str, limit: int) -> list[str]:
        """The first ``limit`` texts, shard after shard (each shard sends its first
        ``limit``: one round, not one per shard)."""
        texts = [
            text for part in self._everywhere("documents", field, term, limit) for text in part
        ]
        return texts[:limit]
