"""Index build speed: newsdesk vs a naive Whoosh build, SQLite FTS5 and tantivy.

For each corpus the articles are read once with ``corpus.read_corpus`` (timed: that is
the corpus layer's parse + extract cost) and pickled; then each engine builds its index
in its own child process (peak RSS isolated).  newsdesk builds from the corpus files, so
its time INCLUDES parsing; the peers index ready-made articles.

    .venv/bin/python benchmarks/bench_build.py reuters bbc ag_news time --profile reuters
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from harness import (
    machine_note,
    markdown_table,
    parse_engines,
    ratio,
    read_articles,
    resolve_corpus,
    run_child,
    save_articles,
)

PEERS = ("whoosh", "fts5", "tantivy")
LABELS = {
    "newsdesk": "newsdesk (procs=2)",
    "newsdesk-write": "newsdesk, writing only",
    "whoosh": "naive Whoosh",
    "fts5": "SQLite FTS5",
    "tantivy": "tantivy",
}


def memory_cell(run: dict[str, Any]) -> str:
    """Peak MB, and for peers the part that is just the loaded article list, in brackets."""
    loaded = float(run.get("loaded_mb") or 0.0)
    return f"{run['peak_mb']:.0f}" + (f" ({loaded:.0f})" if loaded else "")


def bench_corpus(spec: str, workdir: Path, engines: list[str]) -> tuple[list[list[Any]], str]:
    label, path = resolve_corpus(spec)
    articles, parse_seconds, skipped = read_articles(path)
    pickle_path = workdir / f"{label}.pickle"
    save_articles(articles, pickle_path)
    runs: dict[str, dict[str, Any]] = {}
    for engine in engines:
        out = workdir / f"{label}-{engine}"
        arguments = ["--builder", engine, "--out", str(out)]
        arguments += ["--corpus", str(path)] if engine.startswith("newsdesk") else []
        arguments += ["--articles", str(pickle_path)] if engine != "newsdesk" else []
        runs[engine] = run_child("build_worker.py", arguments)
        shutil.rmtree(out, ignore_errors=True)
    ours = runs.get("newsdesk")
    rows = []
    for engine, run in runs.items():
        seconds = float(run["seconds"])
        rows.append([
            label, LABELS[engine], len(articles), f"{seconds:.2f}",
            f"{len(articles) / seconds:,.0f}" if seconds else "n/a",
            memory_cell(run), f"{run['size_bytes'] / 1e6:.2f}",
            ratio(seconds, float(ours["seconds"])) if ours and engine != "newsdesk" else "",
        ])  # fmt: skip
    note = f"{label}: {len(articles):,} articles, {skipped} skipped; corpus layer alone "
    note += f"(read_corpus) {parse_seconds:.2f} s"
    if ours:
        note += f" = {100 * parse_seconds / float(ours['seconds']):.0f}% of newsdesk's build"
    return rows, note


def profile_report(spec: str, workdir: Path) -> str:
    label, path = resolve_corpus(spec)
    out = workdir / f"{label}-profile"
    run = run_child("build_worker.py", ["--builder", "newsdesk", "--out", str(out),
                                        "--corpus", str(path), "--profile"])  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    total = float(run["profiled_seconds"]) or 1.0
    lines = [
        f"Profile of a one-process build of {label} (cProfile, {run['seconds']:.1f} s wall "
        f"with profiler overhead):",
        markdown_table(
            ["layer", "seconds", "share"],
            [
                [name, f"{run[key]:.1f}", f"{100 * run[key] / total:.0f}%"]
                for name, key in (
                    ("corpus (read, parse, extract)", "corpus_seconds"),
                    ("Whoosh (analysis, posting, segment writing)", "whoosh_seconds"),
                    ("newsdesk index glue and the rest", "other_seconds"),
                )
            ],
        ),
        "",
        "Top functions by own time:",
        markdown_table(["function", "seconds"], run["top_tottime"]),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpora",
        nargs="*",
        default=["reuters", "bbc", "ag_news", "time"],
        help="corpus names (reuters bbc ag_news time 20news), 'sample' or paths",
    )
    parser.add_argument(
        "--engines",
        default="newsdesk,newsdesk-write," + ",".join(PEERS),
        help="comma-separated subset of newsdesk,whoosh,fts5,tantivy",
    )
    parser.add_argument("--profile", metavar="CORPUS", help="also profile a build of CORPUS")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a temp dir)")
    args = parser.parse_args()  # fmt: skip
    engines = parse_engines(parser, args.engines, LABELS)
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-", dir=args.workdir) as scratch:
        rows: list[list[Any]] = []
        notes = []
        for spec in args.corpora:
            corpus_rows, note = bench_corpus(spec, Path(scratch), engines)
            rows += corpus_rows
            notes.append(note)
            print(note, flush=True)
        print(f"\nMachine: {machine_note()}\n")
        headers = ["corpus", "engine", "articles", "seconds", "articles/s", "peak MB (PSS)",
                   "index MB", "peer time / newsdesk time"]  # fmt: skip
        print(markdown_table(headers, rows))
        if args.profile:
            print("\n" + profile_report(args.profile, Path(scratch)))


if __name__ == "__main__":
    main()
