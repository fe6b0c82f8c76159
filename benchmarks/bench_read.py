"""Reading throughput on Reuters-21578 (articles/second), beside a bare-regex peer.

Report only, never asserted.  The peer streams the same tar.gz and cuts the records out
with one ``re.findall`` per file and nothing else: the floor any SGML reader sits on
(decompression plus one scan).  The ratio says what parsing every field, reflowing
bodies, mapping places and hashing costs on top of that.

    .venv/bin/python benchmarks/bench_read.py [PATH-TO-reuters21578.tar.gz] [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import tarfile
import time
from pathlib import Path

from corpus import CorpusReport, read_corpus
from corpus.extract.places import canonical_place

DEFAULT = Path(__file__).resolve().parents[2] / "shared/corpora/reuters21578/reuters21578.tar.gz"
RECORD = re.compile(rb"<REUTERS\b.*?</REUTERS>", re.DOTALL)


def newsdesk_read(path: Path) -> int:
    report = CorpusReport()
    count = sum(1 for _ in read_corpus(path, report))
    if report.skipped:
        raise SystemExit(f"unexpected skips: {report.skipped[:3]}")
    return count


def regex_peer(path: Path) -> int:
    count = 0
    with tarfile.open(path, mode="r|*") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".sgm"):
                handle = tar.extractfile(member)
                if handle is not None:
                    count += len(RECORD.findall(handle.read()))
    return count


def best_of(repeat: int, run: object, path: Path) -> tuple[int, float]:
    assert callable(run)
    timings = []
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = run(path)
        timings.append(time.perf_counter() - started)
    return count, min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    canonical_place("usa")  # load the gazetteer once, outside the timings
    ours, our_seconds = best_of(args.repeat, newsdesk_read, args.path)
    peer, peer_seconds = best_of(args.repeat, regex_peer, args.path)
    print(f"corpus: {args.path}")
    print(f"newsdesk read_corpus : {ours:>6,} articles in {our_seconds:6.2f} s = "
          f"{ours / our_seconds:>9,.0f} articles/s")  # fmt: skip
    print(f"peer: tar + re.findall: {peer:>6,} records  in {peer_seconds:6.2f} s = "
          f"{peer / peer_seconds:>9,.0f} records/s")  # fmt: skip
    print(f"ratio (newsdesk time / peer time): {our_seconds / peer_seconds:.1f}x")


if __name__ == "__main__":
    main()
