"""One index build in a fresh process (run by bench_build.py), so peak memory is its own.

Prints one JSON line: seconds, own_peak_mb, size_bytes (and, with --profile, where the
time went).  Peers index the pickled articles; newsdesk reads the corpus itself, so its
time includes parsing and extraction (the peers get those for free).  Given ``--corpus``
and no ``--articles``, a peer streams the corpus through ``corpus.read_corpus`` instead
(bench_scale.py: no article list held; the result says how long reading took), and
newsdesk's result has the time of each build phase.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from harness import dir_size, load_articles, own_peak_rss_mb, own_rss_mb

BUILDERS = ("newsdesk", "newsdesk-write", "whoosh", "fts5", "tantivy", "ripgrep")


class PhaseClock:
    """Seconds from the start of a newsdesk build to the first progress event of each
    phase: "reading" (one pass reads the corpus and plans), "indexing" (the writers, who
    read it again, index), "committing" (the generation is published)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.marks: dict[str, float] = {}

    def __call__(self, event: Any) -> None:
        self.marks.setdefault(event.phase, time.perf_counter() - self.started)


class TimedArticles:
    """Iterates ``read_corpus(path)``, adding up the time spent reading (not indexing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds = 0.0
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        from corpus import read_corpus
        from corpus.report import CorpusReport

        articles = iter(read_corpus(self.path, CorpusReport()))
        while True:
            started = time.perf_counter()
            try:
                article = next(articles)
            except StopIteration:
                self.seconds += time.perf_counter() - started
                return
            self.seconds += time.perf_counter() - started
            self.count += 1
            yield article


def run_build(
    builder: str,
    out: Path,
    articles_pickle: Path | None,
    corpus: Path | None,
    shards: int | None = None,
) -> None:
    if builder == "newsdesk":
        import ours

        if corpus is None:
            raise SystemExit("--corpus is required for the newsdesk builder")
        clock = PhaseClock()
        ours.build(corpus, out, progress=clock, shards=shards)
        _timings.update({f"phase_{name}": seconds for name, seconds in clock.marks.items()})
        return
    if articles_pickle is None and corpus is not None and builder != "newsdesk-write":
        streamed = TimedArticles(corpus)
        _build_peer(builder, streamed, out)
        _timings["read_seconds"] = streamed.seconds
        _timings["articles"] = streamed.count
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
    _build_peer(builder, articles, out)


def _build_peer(builder: str, articles: Iterable[Any], out: Path) -> None:
    started = time.perf_counter()
    if builder == "whoosh":
        import peer_whoosh

        peer_whoosh.build(list(articles), out)
    elif builder == "fts5":
        import peer_fts5

        peer_fts5.build(articles, out, filter_indexes=isinstance(articles, TimedArticles))
    elif builder == "tantivy":
        import peer_tantivy

        peer_tantivy.build(articles, out)
    else:
        import peer_ripgrep

        peer_ripgrep.build(list(articles), out)
    _timings["build"] = time.perf_counter() - started


_timings: dict[str, float] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builder", choices=BUILDERS, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--articles", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--profile", action="store_true", help="cProfile a one-process build")
    parser.add_argument("--shards", type=int, help="newsdesk: build this many shards")
    args = parser.parse_args()
    result: dict[str, Any] = {"builder": args.builder}
    if args.profile:
        import profile_build

        result.update(profile_build.profile(args.corpus, args.out))
    else:
        started = time.perf_counter()
        run_build(args.builder, args.out, args.articles, args.corpus, args.shards)
        result["seconds"] = _timings.get("build", time.perf_counter() - started)
        result["loaded_mb"] = _timings.get("loaded_mb", 0.0)
        extra = {k: v for k, v in _timings.items() if k not in ("build", "loaded_mb")}
        result.update(extra)
    result["own_peak_mb"] = own_peak_rss_mb()
    result["size_bytes"] = dir_size(args.out)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
