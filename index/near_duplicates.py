"""Near-duplicates: the versions of one story (a wire story republished with small edits,
a correction, the same story in two corpora) found and grouped.

Each article gets a MinHash signature when it is indexed (``signature``; datasketch's
``MinHash``): 64 minimum hashes of the set of its five-word shingles (headline and body,
lower-cased), kept as their low 16 bits -- 128 bytes an article, in a Whoosh column, so
segments merged or carried into the next generation keep theirs.  When a generation's
columns are written (``index.columns``), ``version_groups`` finds the articles whose
signatures agree in at least ``SIMILARITY`` of their hashes (an estimate of the Jaccard
similarity of their shingles) and joins them into groups:

- candidates by locality-sensitive hashing, vectorised: 16 bands of 4 hashes, each band
  one 64-bit key, and a pair is a candidate when some band's keys are equal (one sort per
  band, each article compared with its neighbours in it; datasketch's ``MinHashLSH``
  inserts and queries one article at a time in Python);
- a candidate pair is kept when its signatures agree in ``SIMILARITY`` of their hashes
  and, when both are dated, they are at most ``WINDOW_HOURS`` apart: the daily reports
  that share their wording ("Fed adds reserves via customer repurchases", every day at
  11:45) are separate stories, a rewrite or correction follows within hours;
- groups are the connected pairs; each group's versions are ordered earliest first
  (undated last; then by signature and id, so the order never depends on the order the
  articles were read in), and deleted articles are in none.

Measured on the collections (``benchmarks/eval_duplicates.py``, figures and judged
precision in ``benchmarks/README.md``): BBC's 98 pairs of identical stories are all
grouped, and 30 of Reuters-21578's grouped pairs drawn at random (of 505, before
headline-only flashes were signed by their start) are all versions.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

#: Words in a shingle.
SHINGLE_WORDS = 5
#: Hashes in a signature; bytes each keeps (its low 16 bits).
PERMUTATIONS = 64
SIGNATURE_BYTES = PERMUTATIONS * 2
#: Bands of the locality-sensitive hashing: 16 of 4 hashes (64 bits, one key each).
BANDS = 16
#: How far apart two articles may be in a band's run of equal keys and still be
#: compared: neighbours, and one apart (a run -- the same text many times -- is joined
#: link by link; another article in between, which shares the key but not the text, does
#: not break the chain).
RUN_REACH = 2
#: Share of equal hashes (the estimated Jaccard similarity of the shingle sets) that
#: makes two articles versions of one story.
SIMILARITY = 0.7
#: Dated versions are at most this far apart.
WINDOW_HOURS = 20
#: An article with fewer shingles has no signature (too short to tell a version from
#: another story of the same shape: "Qtly div 20 cts vs 20 cts prior").
MIN_SHINGLES = 8
#: Words at the start of a headline without a body that sign it (``signature``).
FLASH_WORDS = 8
#: The signature of an article that has none (Whoosh's column default).
NO_SIGNATURE = bytes(SIGNATURE_BYTES)

_WORD = re.compile(r"\w+")
_HOUR_MICROSECONDS = 3_600_000_000
_MISSING_DATE = 2**64 - 1


@functools.cache
def _empty_minhash() -> Any:
    """The hash functions, made once (datasketch draws them from a seeded generator).
    datasketch is imported here, by the build's workers only: its package imports SciPy
    (half a second), which a search must not pay."""
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=1, scheme="affine32", hashfunc=zlib.crc32)


Ints = npt.NDArray[np.int64]


def shingles(title: str, body: str) -> set[bytes]:
    """The article's shingles: every run of ``SHINGLE_WORDS`` words, lower-cased."""
    words = _WORD.findall(f"{title}\n{body}".lower())
    return {
        " ".join(words[at : at + SHINGLE_WORDS]).encode("utf-8")
        for at in range(len(words) - SHINGLE_WORDS + 1)
    }


def signature(title: str, body: str) -> bytes:
    """The article's signature (``NO_SIGNATURE`` when it has too few words).

    A headline alone (a wire flash, no body) is signed by its first ``FLASH_WORDS``
    words, where a flash names its subject: two companies' flashes in the same words
    ("CHASE MANHATTAN RAISES PRIME RATE TO 7-3/4 PCT FROM 7-1/2" / "MANUFACTURERS
    HANOVER RAISES ...") share most of their shingles but not their start, while a
    flash and its update begin alike ("... RATE CUT 0.10 POINTS TO 7.40 PCT" / "...
    7.40 PCT - OFFICIAL")."""
    found = shingles(title, body)
    if len(found) < MIN_SHINGLES:
        return NO_SIGNATURE
    if not body.strip():  # (each 16-bit hash of the start: the same start agrees in all)
        start = " ".join(_WORD.findall(title.lower())[:FLASH_WORDS]).encode("utf-8")
        return hashlib.shake_128(start).digest(SIGNATURE_BYTES)
    minhash = _empty_minhash().copy()
    minhash.update_batch(found)
    low = np.asarray(minhash.hashvalues, dtype=np.uint32) & 0xFFFF
    return bytes(low.astype("<u2").tobytes())


def version_groups(
    signatures: npt.NDArray[np.uint8],
    live: npt.NDArray[np.bool_],
    dates: npt.NDArray[Any],
    names: Callable[[Ints], Sequence[str]] | None = None,
) -> tuple[Ints, Ints]:
    """(docnums, group ids) of every article that has versions: the docnums of each
    group together, earliest first; group ids 0, 1, ... in order.  ``signatures``: one
    row of ``SIGNATURE_BYTES`` per docnum; ``live``: not deleted; ``dates``: the raw
    sortable dates (microseconds, ``2**64 - 1`` for none); ``names``: the article ids
    of some docnums, which order versions alike in date and text (else their docnums)."""
    hashes = signatures.view("<u2").reshape(len(signatures), PERMUTATIONS)
    signed = np.flatnonzero(live & hashes.any(axis=1))
    pairs = _version_pairs(hashes, signed, dates)
    roots = _connected(pairs, len(signatures))
    members = np.unique(pairs)
    if not len(members):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    missing = dates[members] == _MISSING_DATE
    # Groups by their root, each earliest first (undated last), then by signature and
    # by id, so that which version stands for the story never depends on the order the
    # articles were read in (a sharded index reads them shard after shard).
    keys = (_text_key(hashes[members]), dates[members], missing, roots[members])
    order = np.lexsort(keys)
    # Ids (stored fields: a read each) only for the versions alike in all those keys.
    tied = np.zeros(len(members), dtype=np.bool_)
    same = np.logical_and.reduce([key[order][1:] == key[order][:-1] for key in keys])
    tied[order[1:][same]] = tied[order[:-1][same]] = True
    id_rank = np.zeros(len(members), dtype=np.int64)
    if names is not None and tied.any():
        ids = np.asarray(names(members[tied]), dtype=object)
        id_rank[tied] = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
    order = np.lexsort((members, id_rank, *keys))
    members, group_roots = members[order], roots[members][order]
    starts = np.concatenate(([True], group_roots[1:] != group_roots[:-1]))
    return members, np.cumsum(starts) - 1


def _text_key(hashes: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint64]:
    """One number for each signature (equal for equal signatures)."""
    powers = np.full(PERMUTATIONS, 0x9E3779B97F4A7C15, dtype=np.uint64) ** np.arange(
        PERMUTATIONS, dtype=np.uint64
    )
    with np.errstate(over="ignore"):
        return np.asarray((hashes.astype(np.uint64) * powers).sum(axis=1, dtype=np.uint64))


def _version_pairs(hashes: npt.NDArray[np.uint16], signed: Ints, dates: npt.NDArray[Any]) -> Ints:
    """The pairs of versions (lower docnum first): articles next to each other, or one
    apart, in a band's sorted keys, with the same key, checked at once (so memory stays
    one band's worth whatever the archive: a thousand copies of one text make a chain of
    pairs, not a million)."""
    keys = np.ascontiguousarray(hashes[signed]).view("<u8")  # BANDS keys a row
    found = [np.zeros((0, 2), dtype=np.int64)]
    for band in range(BANDS):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        for distance in range(1, RUN_REACH + 1):
            same = np.flatnonzero(ordered[:-distance] == ordered[distance:])
            if not len(same):
                break
            pairs = np.sort(np.stack((signed[order[same]], signed[order[same + distance]]), 1))
            found.append(pairs[_similar(hashes, pairs) & _close_in_time(dates, pairs)])
    return np.unique(np.concatenate(found), axis=0)


def _similar(hashes: npt.NDArray[np.uint16], pairs: Ints) -> npt.NDArray[np.bool_]:
    agree = (hashes[pairs[:, 0]] == hashes[pairs[:, 1]]).sum(axis=1)
    return np.asarray(agree >= SIMILARITY * PERMUTATIONS)


def _close_in_time(dates: npt.NDArray[Any], pairs: Ints) -> npt.NDArray[np.bool_]:
    first, second = dates[pairs[:, 0]], dates[pairs[:, 1]]
    undated = (first == _MISSING_DATE) | (second == _MISSING_DATE)
    apart = np.maximum(first, second) - np.minimum(first, second)
    return np.asarray(undated | (apart <= WINDOW_HOURS * _HOUR_MICROSECONDS))


def _connected(pairs: Ints, size: int) -> Ints:
    """Each docnum's group root: the smallest docnum it is connected to by ``pairs``
    (label propagation over the pairs until nothing changes; groups are small)."""
    roots = np.arange(size, dtype=np.int64)
    if not len(pairs):
        return roots
    while True:
        low = np.minimum(roots[pairs[:, 0]], roots[pairs[:, 1]])
        before = roots.copy()
        np.minimum.at(roots, pairs[:, 0], low)
        np.minimum.at(roots, pairs[:, 1], low)
        roots = roots[roots]  # follow the roots' own roots
        if np.array_equal(roots, before):
            return roots
