"""One index build in a fresh process (run by bench_build.py), so peak memory is its own.

Prints one JSON line: seconds, own_peak_mb, size_bytes (and, with --profile, where the
time went).  Peers index the pickled articles; newsdesk reads the corpus itself, so its
time includes parsing and extraction (the peers get those for free).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from harness import dir_size, load_articles, own_peak_rss_mb, own_rss_mb

BUILDERS = ("newsdesk", "newsdesk-write", "whoosh", "fts5", "tantivy", "ripgrep")


def run_build(builder: str, out: Path, articles_pickle: Path | None, corpus: Path | None) -> None:
    if builder == "newsdesk":
        import ours

        if corpus is None:
            raise SystemExit("--corpus is required for the newsdesk builder")
        ours.build(corpus, out)
        return
    if articles_pickle is None:
        raise SystemExit(f"--articles is required for the {builder} builder")
    articles = load_articles(articles_pickle)
    _timings["loaded_mb"] = own_rss_mb()
    if builder == "newsdesk-write":
        import ours

        if corpus is None:
            raise SystemExit("--corpus is required for the newsdesk-write builder")
        started = time.perf_counter()
        ours.build(corpus, out, articles=articles)
        _timings["build"] = time.perf_counter() - started
        return
    if builder == "whoosh":
        import peer_whoosh as peer
    elif builder == "fts5":
        import peer_fts5 as peer  # type: ignore[no-redef]
    elif builder == "tantivy":
        import peer_tantivy as peer  # type: ignore[no-redef]
    else:
        import peer_ripgrep as peer  # type: ignore[no-redef]
    started = time.perf_counter()
    peer.build(articles, out)
    _timings["build"] = time.perf_counter() - started


_timings: dict[str, float] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builder", choices=BUILDERS, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--articles", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--profile", action="store_true", help="cProfile a one-process build")
    args = parser.parse_args()
    result: dict[str, Any] = {"builder": args.builder}
    if args.profile:
        import profile_build

        result.update(profile_build.profile(args.corpus, args.out))
    else:
        started = time.perf_counter()
        run_build(args.builder, args.out, args.articles, args.corpus)
        result["seconds"] = _timings.get("build", time.perf_counter() - started)
        result["loaded_mb"] = _timings.get("loaded_mb", 0.0)
    result["own_peak_mb"] = own_peak_rss_mb()
    result["size_bytes"] = dir_size(args.out)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
