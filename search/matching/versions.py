"""Versions of one story (``index.near_duplicates``) folded into one result.

A query that matches several versions of a story shows the story once: the earliest
version that matches (in the first ranking tier where the story matches), with its
number of versions; the later matching versions are folded into it, so totals, pages
and facet counts count the story once.  ``every_version`` searches skip the folding.

A cluster's shard folds with its part of the whole index's groups (``Versions.part``):
a story whose versions sit in several shards is reported (``spanning``) so that the
coordinator can pick the one version the whole index keeps, and a second round drops
the others (``fold(dropped=...)``, ``elsewhere``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from index.columns import VersionGroups
from search.matching.postings import Mask

Ints = npt.NDArray[np.integer[Any]]

NO_GROUPS = np.zeros(0, dtype=np.int64)
NO_GROUPS.setflags(write=False)


@dataclass(frozen=True, slots=True)
class Spanning:
    """A shard's matches of stories with versions in other shards: for each such story
    (its group), the version this shard keeps -- the ranking tier it matched in and its
    entry in the whole index's groups, which orders a story's versions earliest first."""

    groups: Ints = field(default_factory=lambda: NO_GROUPS)
    tiers: Ints = field(default_factory=lambda: NO_GROUPS)
    entries: Ints = field(default_factory=lambda: NO_GROUPS)


def kept_versions(found: Sequence[Spanning]) -> tuple[dict[int, int], int]:
    """From every shard's ``Spanning``: the version the whole index keeps of each story
    matched in two shards or more -- in its first tier, its earliest version -- as
    group -> entry; and how many matches the shards counted beyond one a story."""
    groups = np.concatenate([part.groups for part in found] or [NO_GROUPS])
    if len(np.unique(groups)) == len(groups):
        return {}, 0
    tiers = np.concatenate([part.tiers for part in found])
    entries = np.concatenate([part.entries for part in found])
    order = np.lexsort((entries, tiers, groups))
    groups, entries = groups[order], entries[order]
    first = np.concatenate(([True], groups[1:] != groups[:-1]))
    shared = first & np.concatenate((groups[1:] == groups[:-1], [False]))
    kept = dict(zip(groups[shared].tolist(), entries[shared].tolist(), strict=True))
    return kept, int(len(groups) - np.count_nonzero(first))


class Versions:
    """The groups of versions of one generation (read-only, thread-safe)."""

    def __init__(self, groups: VersionGroups, start: int = 0, stop: int | None = None) -> None:
        """``start``/``stop``: only the part of the groups in docnums ``start`` to
        ``stop`` (a shard of a sharded index), numbered from 0; groups keep their
        numbers and sizes."""
        docs, starts = groups.docs, groups.starts
        group_count = len(starts) - 1
        group_of_entry = np.repeat(np.arange(group_count, dtype=np.int64), np.diff(starts))
        self._sizes = np.diff(starts)
        self._per_doc = groups.per_doc
        self._entries: Ints | None = None
        if stop is not None:
            inside = (docs >= start) & (docs < stop)
            self._entries = np.flatnonzero(inside)
            docs = np.asarray(docs[inside], dtype=np.int64) - start
            group_of_entry = group_of_entry[inside]
            starts = np.searchsorted(group_of_entry, np.arange(group_count + 1))
            self._per_doc = groups.per_doc[start:stop]
        self._docs = docs
        self._starts = starts
        #: The group of each entry of ``_docs``.
        self._group_of_entry = group_of_entry
        #: Entries of ``_docs`` whose story has versions in other shards.
        self._spanning = (self._sizes > np.diff(starts))[group_of_entry]

    @property
    def group_count(self) -> int:
        return len(self._starts) - 1

    def count(self, docnum: int) -> int:
        """How many versions the article's story has (1: the article alone)."""
        group = int(self._per_doc[docnum])
        return 1 if group < 0 else int(self._sizes[group])

    def of(self, docnum: int) -> list[int]:
        """The docnums of every version of the article's story here, earliest first (the
        article alone when it has no other)."""
        group = int(self._per_doc[docnum])
        if group < 0:
            return [docnum]
        return [int(doc) for doc in self._docs[self._starts[group] : self._starts[group + 1]]]

    def fold(
        self, tiers: list[tuple[Any, Mask]], dropped: Ints = NO_GROUPS
    ) -> list[tuple[Any, Mask]]:
        """Each ranking tier's matches with every story's later matching versions
        folded away: a story keeps its earliest matching version of the first tier it
        matches in, and no version in a later tier.  The stories of the ``dropped``
        groups keep none here (the whole index keeps a version in another shard)."""
        if not self.group_count:
            return tiers
        seen = np.zeros(self.group_count, dtype=np.bool_)
        seen[dropped] = True
        folded = []
        for query, mask in tiers:
            matching = np.flatnonzero(mask[self._docs])  # entries, groups earliest first
            groups = self._group_of_entry[matching]
            first = np.concatenate(([True], groups[1:] != groups[:-1])) & ~seen[groups]
            kept = mask.copy()
            kept[self._docs[matching]] = False
            kept[self._docs[matching[first]]] = True
            seen[groups] = True
            folded.append((query, kept))
        return folded

    def spanning(self, folded: Sequence[Mask]) -> Spanning:
        """The stories with versions in other shards among the ``folded`` tiers'
        matches (``fold``'s, in tier order), each with the version kept here."""
        if self._entries is None or not self._spanning.any():
            return Spanning()
        found = [np.flatnonzero(mask[self._docs] & self._spanning) for mask in folded]
        matching = np.concatenate(found or [NO_GROUPS])
        return Spanning(
            self._group_of_entry[matching],
            np.repeat(np.arange(len(found)), [len(entries) for entries in found]),
            self._entries[matching],
        )

    def elsewhere(self, kept: Mapping[int, int]) -> Ints:
        """The groups of ``kept`` (group -> entry the whole index keeps) whose kept
        version is in another shard: ``fold``'s ``dropped``."""
        if not kept or self._entries is None:
            return NO_GROUPS
        groups = np.fromiter(kept.keys(), dtype=np.int64, count=len(kept))
        entries = np.fromiter(kept.values(), dtype=np.int64, count=len(kept))
        here = np.isin(entries, self._entries)
        return groups[~here]

    def same_story(self, docnum: int) -> Ints:
        """The docnums of the article's other versions."""
        return np.asarray([doc for doc in self.of(docnum) if doc != docnum], dtype=np.int64)
