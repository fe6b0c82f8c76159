"""Versions of one story (``index.near_duplicates``) folded into one result.

A query that matches several versions of a story shows the story once: the earliest
version that matches (in the first ranking tier where the story matches), with its
number of versions; the later matching versions are folded into it, so totals, pages
and facet counts count the story once.  ``every_version`` searches skip the folding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from index.columns import VersionGroups
from search.matching.postings import Mask

Ints = npt.NDArray[np.integer[Any]]


class Versions:
    """The groups of versions of one generation (read-only, thread-safe)."""

    def __init__(self, groups: VersionGroups) -> None:
        self._docs = groups.docs
        self._starts = groups.starts
        self._per_doc = groups.per_doc
        #: The group of each entry of ``_docs``.
        self._group_of_entry = np.repeat(
            np.arange(len(self._starts) - 1, dtype=np.int64), np.diff(self._starts)
        )

    @property
    def group_count(self) -> int:
        return len(self._starts) - 1

    def count(self, docnum: int) -> int:
        """How many versions the article's story has (1: the article alone)."""
        group = int(self._per_doc[docnum])
        return 1 if group < 0 else int(self._starts[group + 1] - self._starts[group])

    def of(self, docnum: int) -> list[int]:
        """The docnums of every version of the article's story, earliest first (the
        article alone when it has no other)."""
        group = int(self._per_doc[docnum])
        if group < 0:
            return [docnum]
        return [int(doc) for doc in self._docs[self._starts[group] : self._starts[group + 1]]]

    def fold(self, tiers: list[tuple[Any, Mask]]) -> list[tuple[Any, Mask]]:
        """Each ranking tier's matches with every story's later matching versions
        folded away: a story keeps its earliest matching version of the first tier it
        matches in, and no version in a later tier."""
        if not self.group_count:
            return tiers
        seen = np.zeros(self.group_count, dtype=np.bool_)
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

    def same_story(self, docnum: int) -> Ints:
        """The docnums of the article's other versions."""
        return np.asarray([doc for doc in self.of(docnum) if doc != docnum], dtype=np.int64)
