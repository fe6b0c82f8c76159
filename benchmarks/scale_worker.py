"""The query side of bench_scale.py, one measurement per fresh process.

    scale_worker.py first --engine E --index DIR --query JSON   open + first query
    scale_worker.py warm  --engine E --index DIR --mix FILE --count 1000
    scale_worker.py cli   --index DIR --word WORD --runs 3      `newsdesk search WORD`

Each prints one JSON line.  ``first`` times the engine module's import, opening the
index and the first query, in a process that has done nothing else.  ``warm`` runs the
query mix once to warm up, then ``count`` queries (the mix over and over) and reports
each one's milliseconds and hits and the process's RSS and PSS after them.  ``cli``
runs the installed ``newsdesk`` command as a user would, from this small process, and
takes each run's peak RSS from ``wait4`` (this process's own few MB are what Linux
carries over into a child's figure, far below the command's own peak).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import own_pss_mb, own_rss_mb
from query_set import MixQuery

ENGINES = ("newsdesk", "fts5", "tantivy")


def open_engine(engine: str, index_dir: Path) -> tuple[Any, float, float]:
    """(searcher, import seconds, open seconds) for one engine's index."""
    started = time.perf_counter()
    if engine == "newsdesk":
        import ours

        from search import Engine  # noqa: F401  (the import a user pays, timed apart)

        imported = time.perf_counter()
        searcher: Any = ours.EngineSearcher(index_dir)
    elif engine == "fts5":
        import peer_fts5

        imported = time.perf_counter()
        searcher = peer_fts5.Fts5Searcher(index_dir)
    else:
        import peer_tantivy

        imported = time.perf_counter()
        searcher = peer_tantivy.TantivySearcher(index_dir)
    return searcher, imported - started, time.perf_counter() - imported


def first(engine: str, index_dir: Path, query: MixQuery) -> dict[str, Any]:
    searcher, imported, opened = open_engine(engine, index_dir)
    started = time.perf_counter()
    hits = searcher.query(query.text, query.filter)
    first_seconds = time.perf_counter() - started
    searcher.close()
    return {
        "import_ms": 1000 * imported,
        "open_ms": 1000 * opened,
        "first_ms": 1000 * first_seconds,
        "hits": hits,
        "rss_mb": own_rss_mb(),
    }


def warm(engine: str, index_dir: Path, mix: list[MixQuery], count: int) -> dict[str, Any]:
    searcher, imported, opened = open_engine(engine, index_dir)
    opened_rss, opened_pss = own_rss_mb(), own_pss_mb()
    for query in mix:
        searcher.query(query.text, query.filter)
    milliseconds, hits, kinds = [], [], []
    for number in range(count):
        query = mix[number % len(mix)]
        started = time.perf_counter()
        hits.append(searcher.query(query.text, query.filter))
        milliseconds.append(1000 * (time.perf_counter() - started))
        kinds.append(query.kind)
    result = {
        "import_ms": 1000 * imported,
        "open_ms": 1000 * opened,
        "opened_rss_mb": opened_rss,
        "opened_pss_mb": opened_pss,
        "rss_mb": own_rss_mb(),
        "pss_mb": own_pss_mb(),
        "ms": milliseconds,
        "hits": hits,
        "kinds": kinds,
    }
    searcher.close()
    return result


def newsdesk_command() -> list[str]:
    """The ``newsdesk`` console script beside this interpreter (else ``python -m tui``)."""
    script = Path(sys.executable).parent / "newsdesk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def cli(index_dir: Path, word: str, runs: int) -> dict[str, Any]:
    walls, peaks, lines = [], [], 0
    for _run in range(runs):
        argv = [*newsdesk_command(), "search", word, "--index", str(index_dir)]
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert child.stdout is not None
        output = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - started)
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed with status {child.returncode}")
        peaks.append(usage.ru_maxrss / 1024.0)
        lines = output.count(b"\n")
    return {
        "wall_s": walls,
        "peak_rss_mb": peaks,
        "output_lines": lines,
        "launcher_rss_mb": own_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("first", "warm", "cli"))
    parser.add_argument("--engine", choices=ENGINES, default="newsdesk")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--query", help="first: the query, as MixQuery JSON")
    parser.add_argument("--mix", type=Path, help="warm: the query mix (a JSON list)")
    parser.add_argument("--count", type=int, default=1000, help="warm: queries measured")
    parser.add_argument("--word", help="cli: the word searched")
    parser.add_argument("--runs", type=int, default=3, help="cli: how many runs")
    args = parser.parse_args()
    if args.mode == "first":
        result = first(args.engine, args.index, MixQuery.from_json(json.loads(args.query)))
    elif args.mode == "warm":
        mix = [MixQuery.from_json(item) for item in json.loads(args.mix.read_text())]
        result = warm(args.engine, args.index, mix, args.count)
    else:
        result = cli(args.index, args.word, args.runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
