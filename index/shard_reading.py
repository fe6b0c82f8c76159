"""Reading a sharded index as one: a Whoosh reader over every shard's segments.

``ShardedIndex`` is a Whoosh ``Index`` whose reader is one ``MultiReader`` over the
segments of all the shards a generation names (``index.shards``), in shard order.
Whoosh computes every statistic a score needs (document frequencies, field lengths,
the number of documents) by summing over a reader's segments, so scores, totals, facet
counts, did-you-mean and related stories come from index-wide statistics -- the same
numbers a one-shard index of the same articles gives -- without a separate statistics
phase: on one machine, the global-statistics step of a distributed search engine
(Elasticsearch's ``dfs_query_then_fetch``) is this sum.  Every segment keeps its own
files and postings file in its shard's folder; ``storage`` is the index generation's
own folder, where the facet columns of all the shards together are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.reading import EmptyReader, MultiReader


class ShardedIndex(Index):  # type: ignore[misc]  # (Whoosh has no type hints)
    """The shards of one generation, read as one index (read-only)."""

    def __init__(self, folder: Path, shards: Sequence[Index]) -> None:
        self.folder = folder
        self.shards = list(shards)
        self.storage = FileStorage(str(folder), readonly=True)
        self.schema = self.shards[0].schema

    def reader(self, reuse: Any = None) -> Any:
        """One reader over every shard's segments (docnums: shard after shard)."""
        leaves: list[Any] = []
        for shard in self.shards:
            reader = shard.reader()
            if reader.doc_count_all():
                leaves.extend(leaf for leaf, _ in reader.leaf_readers())
            else:
                reader.close()
        if not leaves:
            return EmptyReader(self.schema)
        return MultiReader(leaves)

    def latest_generation(self) -> int:
        return max(int(shard.latest_generation()) for shard in self.shards)

    def close(self) -> None:
        for shard in self.shards:
            shard.close()
