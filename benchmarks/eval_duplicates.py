"""Near-duplicates (versions of one story) on BBC and Reuters-21578 (#15).

    python eval_duplicates.py [--shared DIR] [--sample N] [--seed S]

Each collection is read, every article's signature made and the groups found by the
functions the build uses (``index.near_duplicates``), then checked three ways:

- verbatim copies: articles with the same headline and body (BBC holds 98 such pairs,
  "Kennedy questions trust of Blair" among them) -- how many are grouped (recall);
- the exact Jaccard similarity of the shingle sets of every grouped pair (each version
  with its group's earliest), which the signatures only estimate;
- ``--sample N``: N grouped pairs drawn at random (``--seed``), printed side by side (the
  headline and the start of each text) for a person to judge: the precision figures in
  ``benchmarks/README.md`` are such judgements.

Also timed: signatures (ms an article) and grouping (seconds for the collection), and
with ``--scale N`` the grouping of N signatures (the collections' own, repeated with a
few hashes changed so that every copy is a version of its original) next to datasketch's
``MinHashLSH`` (the same bands) inserting and querying them one at a time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import Article, read_corpus
from index.near_duplicates import (
    BANDS,
    PERMUTATIONS,
    SIGNATURE_BYTES,
    WINDOW_HOURS,
    shingles,
    signature,
    version_groups,
)
from index.reading import MISSING_DATE

COLLECTIONS = {
    "BBC": Path("bbc") / "bbc-fulltext.tar.gz",
    "Reuters-21578": Path("reuters21578") / "reuters21578.tar.gz",
}
_ORIGIN = datetime(1, 1, 1)


def raw_date(article: Article) -> int:
    if article.date is None:
        return MISSING_DATE
    return int((article.date.replace(tzinfo=None) - _ORIGIN).total_seconds() * 1_000_000)


def evaluate(name: str, path: Path, sample: int, rng: random.Random) -> npt.NDArray[np.uint8]:
    """Print the collection's figures; returns its signatures."""
    articles = list(read_corpus(path))
    started = time.perf_counter()
    rows = b"".join(signature(article.title, article.body) for article in articles)
    signed = time.perf_counter() - started
    signatures = np.frombuffer(rows, dtype=np.uint8).reshape(len(articles), SIGNATURE_BYTES)
    dates = np.array([raw_date(article) for article in articles], dtype=np.uint64)
    started = time.perf_counter()
    members, groups = version_groups(signatures, np.ones(len(articles), dtype=np.bool_), dates)
    grouped = time.perf_counter() - started
    group_of = dict(zip(members.tolist(), groups.tolist(), strict=True))
    sizes = Counter(Counter(groups.tolist()).values())
    print(f"== {name}: {len(articles):,} articles")
    print(
        f"   signatures {signed / len(articles) * 1000:.3f} ms an article; grouping {grouped:.3f} s"
    )
    count = int(groups[-1]) + 1 if len(groups) else 0
    print(f"   {len(members):,} articles in {count:,} groups; sizes {sorted(sizes.items())}")
    verbatim: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for number, article in enumerate(articles):
        if article.body.strip():
            verbatim[(article.title.strip(), article.body.strip())].append(number)
    copies = [numbers for numbers in verbatim.values() if len(numbers) > 1]
    found = sum(1 for numbers in copies if len({group_of.get(n, -n - 1) for n in numbers}) == 1)
    print(f"   verbatim copies (same headline and body): {found} of {len(copies)} sets grouped")
    apart = [n for n in copies if len({group_of.get(x, -x - 1) for x in n}) > 1]
    short = sum(1 for numbers in apart if not signatures[numbers[0]].any())
    print(
        f"   not grouped: {short} too short for a signature, {len(apart) - short} filed "
        f"more than {WINDOW_HOURS} hours apart (e.g. the same words a day later)"
    )
    pairs = []
    for group in sorted(set(groups.tolist())):
        ids = members[groups == group].tolist()
        pairs += [(ids[0], other) for other in ids[1:]]
    similarity = []
    for first, second in pairs:
        a = shingles(articles[first].title, articles[first].body)
        b = shingles(articles[second].title, articles[second].body)
        similarity.append(len(a & b) / max(1, len(a | b)))
    values = np.array(similarity)
    if len(values):
        low = int((values < 0.6).sum())
        print(f"   grouped pairs {len(pairs):,}: exact shingle Jaccard min {values.min():.2f}, "
              f"median {np.median(values):.2f}, under 0.6: {low}")  # fmt: skip
    for first, second in rng.sample(pairs, min(sample, len(pairs))):
        print()
        for number in (first, second):
            article = articles[number]
            text = " ".join(article.body.split())[:240]
            print(f"   [{article.id}] {article.date} {article.title[:70]!r}\n      {text}")
    return signatures


def scale(count: int, rows: npt.NDArray[np.uint8], rng: random.Random) -> None:
    """Group ``count`` signatures made from ``rows`` (each copy with 4 of its 64 hashes
    changed) and time it, next to datasketch's ``MinHashLSH`` on up to 100,000."""
    from datasketch import LeanMinHash, MinHashLSH

    signed = rows[rows.any(axis=1)]
    generator = np.random.default_rng(rng.randrange(2**32))
    picks = generator.integers(0, len(signed), count)
    hashes = signed[picks].view("<u2").copy()
    for _ in range(4):  # every copy differs in four hashes at random places
        where = generator.integers(0, PERMUTATIONS, count)
        hashes[np.arange(count), where] = generator.integers(1, 2**16, count, dtype=np.uint16)
    signatures = hashes.view(np.uint8)
    dates = np.full(count, MISSING_DATE, dtype=np.uint64)
    started = time.perf_counter()
    members, groups = version_groups(signatures, np.ones(count, dtype=np.bool_), dates)
    ours = time.perf_counter() - started
    found = int(groups[-1]) + 1 if len(groups) else 0
    print(f"== {count:,} signatures: grouped in {ours:.2f} s "
          f"({len(members):,} articles in {found:,} groups)")  # fmt: skip
    sample = min(count, 100_000)
    lsh = MinHashLSH(num_perm=PERMUTATIONS, params=(BANDS, PERMUTATIONS // BANDS))
    lean = [
        LeanMinHash(seed=1, hashvalues=hashes[n].astype(np.uint64), scheme="affine32")
        for n in range(sample)
    ]
    started = time.perf_counter()
    for number, minhash in enumerate(lean):
        lsh.insert(number, minhash)
    for minhash in lean:
        lsh.query(minhash)
    theirs = (time.perf_counter() - started) * count / sample
    print(f"   datasketch MinHashLSH (insert and query each, {sample:,}, scaled): {theirs:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.environ.get("NEWSDESK_SHARED", "../../shared"))
    parser.add_argument("--sample", type=int, default=0, help="grouped pairs to print")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--scale", type=int, default=0, help="also group N signatures")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = []
    for name, relative in COLLECTIONS.items():
        rows.append(evaluate(name, Path(args.shared) / "corpora" / relative, args.sample, rng))
    if args.scale:
        scale(args.scale, np.concatenate(rows), rng)


if __name__ == "__main__":
    main()
