"""Scale: what building and querying cost as the archive grows (issue #11), newsdesk vs
SQLite FTS5 and tantivy in the same run over the same articles.

For each size (default 20k, 100k, 300k, 1M articles) a synthetic archive is generated
(``synthetic.py``: real paragraphs and metadata recombined, a folder of JSON Lines
files; reused when a complete one with the same size and seed is already there), then
each engine builds its index from that folder in a child process: newsdesk through
``index.build_index`` exactly as ``newsdesk index FOLDER`` does (2 writer processes,
the default --limitmb), the peers streaming the same folder through ``corpus.read_corpus`` (so every
build time includes reading the archive).  Measured per engine and size:

- build: seconds, peak PSS of the whole process tree (sampled every 50 ms), index size;
  newsdesk's phases (reading + planning, writing, publishing); for peers the part of
  their time spent reading the archive;
- open and first query: in fresh processes (``--fresh-runs``, medians), the time to
  open the index and to answer the first query (``--first-query``);
- warm queries: one process runs the query mix (``query_set.build_query_mix``: single
  words, two words, phrases, a word filtered by place or source, the empty query, the
  most common words) once, then ``--queries`` more (the mix over and over); p50/p95 of
  top 10 + every facet count, per kind too, and RSS/PSS after them;
- for newsdesk, ``newsdesk search WORD`` run as a user would (wall time, peak RSS).

    .venv/bin/python benchmarks/bench_scale.py --sizes 20000,100000 --workdir /tmp/scale --keep
    .venv/bin/python benchmarks/bench_scale.py --sizes 1M --workdir /tmp/scale --keep --reuse

``--keep`` keeps archives and indexes in ``--workdir`` (``n<size>-s<seed>/``); with
``--reuse`` (or ``--reuse fts5,tantivy``) an index already built there for that size
is measured again instead of rebuilt (its build figures are the recorded ones).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import synthetic
from harness import (
    REPO,
    machine_note,
    markdown_table,
    parse_engines,
    percentile,
    ratio,
    run_child,
)
from query_set import MIX_KINDS, MixQuery, build_query_mix

ENGINES = ("newsdesk", "fts5", "tantivy")
#: newsdesk split into 2, 4 or 8 shards (``newsdesk index --shards N``), on request.
SHARDED = ("newsdesk-2", "newsdesk-4", "newsdesk-8")
LABELS = {
    "newsdesk": "newsdesk",
    "fts5": "SQLite FTS5",
    "tantivy": "tantivy",
    **{name: f"newsdesk, {name.split('-')[1]} shards" for name in SHARDED},
}


def kind_of(engine: str) -> str:
    """The searcher a worker opens for an engine (every newsdesk variant is newsdesk)."""
    return "newsdesk" if engine.startswith("newsdesk") else engine


def builder_args(engine: str) -> list[str]:
    """build_worker.py's builder arguments for an engine."""
    if engine in SHARDED:
        return ["--builder", "newsdesk", "--shards", engine.split("-")[1]]
    return ["--builder", engine]


DEFAULT_SIZES = "20k,100k,300k,1M"
#: Articles of the archive's first file the query mix is drawn from.
MIX_SAMPLE = 10_000


def parse_size(text: str) -> int:
    """ "20000", "20k" or "1M" -> the number."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = float(text[:-1] if factor > 1 else text)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"not a positive size: {text}")
    return int(number * factor)


def load_triplet() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else []


def code_identity() -> dict[str, Any]:
    """Which newsdesk code the children import: its folder, git commit and state."""
    spec = importlib.util.find_spec("index")
    root = Path(spec.origin).parent.parent if spec and spec.origin else REPO
    identity: dict[str, Any] = {"root": str(root)}
    commit_file = root / ".git-commit"
    if commit_file.exists():
        identity["commit"] = commit_file.read_text().strip()
        identity["dirty"] = False
        return identity
    try:
        git = ["git", "-C", str(root)]
        identity["commit"] = subprocess.run(
            [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--", "corpus", "index", "search", "tui"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        identity["dirty"] = bool(changed.strip())
    except (OSError, subprocess.CalledProcessError):
        identity["commit"] = None
    return identity


# -- one size ------------------------------------------------------------------------------
class SizeRun:
    """Everything measured for one archive size."""

    def __init__(
        self, args: argparse.Namespace, size: int, workdir: Path, code: dict[str, Any]
    ) -> None:
        self.args, self.size, self.code = args, size, code
        self.folder = workdir / f"n{size}-s{args.seed}"
        self.archive = self.folder / "archive"
        self.figures: dict[str, Any] = {"articles": size, "engines": {}, "load": [load_triplet()]}

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')} n={self.size:,}] {message}", flush=True)

    def prepare_archive(self, pool: synthetic.Pool | None) -> synthetic.Pool | None:
        args = self.args
        if synthetic.archive_ready(self.archive, self.size, args.seed, args.corpora, args.per_file):
            manifest = synthetic.read_manifest(self.archive)
            self.log(f"archive reused: {self.archive}")
            self.figures["archive"] = {**(manifest or {}), "reused": True}
            return pool
        if pool is None:
            pool = synthetic.load_pool(args.corpora)
            self.log(f"pool: {len(pool.templates):,} real articles in {pool.seconds:.1f} s")
        shutil.rmtree(self.archive, ignore_errors=True)
        manifest = synthetic.generate(
            self.archive,
            self.size,
            seed=args.seed,
            corpora=args.corpora,
            per_file=args.per_file,
            pool=pool,
        )
        self.log(
            f"archive written in {manifest['seconds']:.1f} s "
            f"({manifest['bytes'] / 1e6:,.0f} MB): {self.archive}"
        )
        self.figures["archive"] = {**manifest, "reused": False}
        return pool

    def query_mix(self) -> tuple[list[MixQuery], Path]:
        from corpus import read_corpus
        from corpus.report import CorpusReport

        first_file = sorted(self.archive.glob("part-*.jsonl"))[0]
        sample = []
        for article in read_corpus(first_file, CorpusReport()):
            sample.append(article)
            if len(sample) >= MIX_SAMPLE:
                break
        mix = build_query_mix(sample)
        path = self.folder / "mix.json"
        path.write_text(json.dumps([query.to_json() for query in mix], indent=0) + "\n")
        self.figures["mix"] = [query.to_json() for query in mix]
        return mix, path

    def build(self, engine: str) -> dict[str, Any]:
        index_dir = self.folder / engine
        record = self.folder / f"{engine}.build.json"
        if engine in self.args.reuse and record.exists() and index_dir.exists():
            built: dict[str, Any] = json.loads(record.read_text())
            built["reused"] = True
            self.log(
                f"{engine}: index reused ({built['seconds']:.1f} s when built "
                f"{built.get('built_at', '?')})"
            )
            return built
        shutil.rmtree(index_dir, ignore_errors=True)
        record.unlink(missing_ok=True)
        self.log(f"{engine}: building ...")
        before = load_triplet()
        built = run_child(
            "build_worker.py",
            [*builder_args(engine), "--out", str(index_dir), "--corpus", str(self.archive)],
            timeout=self.args.build_timeout,
        )
        built.update(
            {
                "reused": False,
                "built_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load_before": before,
                "load_after": load_triplet(),
                "code": self.code,
            }
        )
        record.write_text(json.dumps(built, indent=1) + "\n")
        self.log(
            f"{engine}: built in {built['seconds']:.1f} s, peak {built['peak_mb']:.0f} MB, "
            f"{built['size_bytes'] / 1e6:.0f} MB on disk"
        )
        return built

    def fresh(self, engine: str, query: MixQuery) -> dict[str, Any]:
        runs = [
            run_child(
                "scale_worker.py",
                [
                    "first",
                    "--engine",
                    kind_of(engine),
                    "--index",
                    str(self.folder / engine),
                    "--query",
                    json.dumps(query.to_json()),
                ],
            )
            for _ in range(self.args.fresh_runs)
        ]
        summary: dict[str, Any] = {"query": query.to_json(), "runs": runs}
        for key in ("import_ms", "open_ms", "first_ms", "peak_mb"):
            summary[key] = statistics.median(float(run[key]) for run in runs)
        summary["hits"] = runs[0]["hits"]
        return summary

    def warm(self, engine: str, mix_file: Path) -> dict[str, Any]:
        result = run_child(
            "scale_worker.py",
            [
                "warm",
                "--engine",
                kind_of(engine),
                "--index",
                str(self.folder / engine),
                "--mix",
                str(mix_file),
                "--count",
                str(self.args.queries),
            ],
        )
        milliseconds, kinds, hits = result["ms"], result["kinds"], result["hits"]
        result["p50"], result["p95"] = percentile(milliseconds, 50), percentile(milliseconds, 95)
        result["by_kind"] = {}
        for kind in MIX_KINDS:
            own = [ms for ms, of in zip(milliseconds, kinds, strict=True) if of == kind]
            found = [n for n, of in zip(hits, kinds, strict=True) if of == kind]
            if own:
                result["by_kind"][kind] = {
                    "p50": percentile(own, 50),
                    "p95": percentile(own, 95),
                    "mean_hits": sum(found) / len(found),
                    "queries": len(own),
                }
        return result

    def cli(self, engine: str) -> dict[str, Any]:
        result = run_child(
            "scale_worker.py",
            [
                "cli",
                "--index",
                str(self.folder / engine),
                "--word",
                self.args.cli_word,
                "--runs",
                str(self.args.cli_runs),
            ],
        )
        result["word"] = self.args.cli_word
        result["wall_s_median"] = statistics.median(result["wall_s"])
        result["peak_rss_mb_median"] = statistics.median(result["peak_rss_mb"])
        return result

    def run(self, engines: Sequence[str], pool: synthetic.Pool | None) -> synthetic.Pool | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        pool = self.prepare_archive(pool)
        _mix, mix_file = self.query_mix()
        first_query = MixQuery("first", self.args.first_query)
        for engine in engines:
            figures: dict[str, Any] = {"build": self.build(engine)}
            self.figures["load"].append(load_triplet())
            self.log(f"{engine}: fresh processes ...")
            figures["first"] = self.fresh(engine, first_query)
            self.log(f"{engine}: {self.args.queries} warm queries ...")
            figures["warm"] = self.warm(engine, mix_file)
            if kind_of(engine) == "newsdesk":
                figures["cli"] = self.cli(engine)
            self.figures["engines"][engine] = figures
            self.figures["load"].append(load_triplet())
            self.log(
                f"{engine}: warm p50 {figures['warm']['p50']:.1f} ms, "
                f"p95 {figures['warm']['p95']:.1f} ms"
            )
        if not self.args.keep:
            shutil.rmtree(self.folder, ignore_errors=True)
        return pool


# -- tables --------------------------------------------------------------------------------
def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def build_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for size, run in results.items():
        ours = run["engines"].get("newsdesk", {}).get("build")
        for engine, figures in run["engines"].items():
            built = figures["build"]
            seconds = float(built["seconds"])
            rows.append(
                [
                    f"{int(size):,}",
                    LABELS[engine],
                    f"{seconds:,.1f}",
                    f"{int(size) / seconds:,.0f}" if seconds else "n/a",
                    f"{built['peak_mb']:,.0f}",
                    f"{built['size_bytes'] / 1e6:,.0f}",
                    f"{built['size_bytes'] / int(size) / 1e3:,.2f}",
                    ratio(seconds, float(ours["seconds"])) if ours and engine != "newsdesk" else "",
                ]
            )
    return rows


def build_notes(results: dict[str, Any]) -> list[str]:
    notes = []
    for size, run in results.items():
        parts = []
        for engine, figures in run["engines"].items():
            built = figures["build"]
            when = " (reused index)" if built.get("reused") else ""
            if engine == "newsdesk" and "phase_indexing" in built:
                reading = float(built["phase_indexing"])
                writing = float(built.get("phase_committing", built["seconds"])) - reading
                publishing = float(built["seconds"]) - reading - writing
                parts.append(
                    f"newsdesk{when}: reading + planning {reading:,.1f} s, writing "
                    f"{writing:,.1f} s, publishing {publishing:,.1f} s"
                )
            elif "read_seconds" in built:
                parts.append(
                    f"{LABELS[engine]}{when}: reading the archive "
                    f"{float(built['read_seconds']):,.1f} s of its build"
                )
        archive = run.get("archive", {})
        generated = f"archive {archive.get('bytes', 0) / 1e6:,.0f} MB"
        if not archive.get("reused"):
            generated += f", generated in {archive.get('seconds', 0):.1f} s"
        notes.append(f"{int(size):,} articles ({generated}): " + "; ".join(parts))
    return notes


def query_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for size, run in results.items():
        ours = run["engines"].get("newsdesk", {}).get("warm")
        for engine, figures in run["engines"].items():
            first, warm = figures["first"], figures["warm"]
            rows.append(
                [
                    f"{int(size):,}",
                    LABELS[engine],
                    _ms(first["open_ms"]),
                    _ms(first["first_ms"]),
                    _ms(warm["p50"]),
                    _ms(warm["p95"]),
                    f"{warm['rss_mb']:,.0f} / {warm['pss_mb']:,.0f}",
                    ratio(warm["p95"], ours["p95"]) if ours and engine != "newsdesk" else "",
                ]
            )
    return rows


def kind_rows(results: dict[str, Any], key: str) -> list[list[Any]]:
    rows = []
    for size, run in results.items():
        for engine, figures in run["engines"].items():
            by_kind = figures["warm"]["by_kind"]
            cells = []
            for kind in MIX_KINDS:
                entry = by_kind.get(kind)
                if entry is None:
                    cells.append("")
                elif key == "latency":
                    cells.append(f"{_ms(entry['p50'])} / {_ms(entry['p95'])}")
                else:
                    cells.append(f"{entry['mean_hits']:,.0f}")
            rows.append([f"{int(size):,}", LABELS[engine], *cells])
    return rows


def cli_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for size, run in results.items():
        cli = run["engines"].get("newsdesk", {}).get("cli")
        if cli:
            rows.append(
                [
                    f"{int(size):,}",
                    f"`newsdesk search {cli['word']}`",
                    f"{cli['wall_s_median']:.2f}",
                    f"{cli['peak_rss_mb_median']:,.0f}",
                    ", ".join(f"{value:.2f}" for value in cli["wall_s"]),
                ]
            )
    return rows


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    kinds = list(MIX_KINDS)
    sections = [
        "Build (peak MB: PSS of the build's process tree; KB/article: index size per article):",
        markdown_table(
            [
                "articles",
                "engine",
                "build s",
                "articles/s",
                "peak MB (PSS)",
                "index MB",
                "KB/article",
                "peer time / newsdesk time",
            ],
            build_rows(results),
        ),
        "",
        *build_notes(results),
        "",
        f"Queries (open and first query {args.first_query!r}: medians of {args.fresh_runs} "
        f"fresh processes; warm: {args.queries:,} queries of the {sum(MIX_KINDS.values())}-query "
        "mix after one pass over it, top 10 + every facet count):",
        markdown_table(
            [
                "articles",
                "engine",
                "open ms",
                "first query ms",
                "warm p50 ms",
                "warm p95 ms",
                "RSS / PSS MB after",
                "peer p95 / newsdesk p95",
            ],
            query_rows(results),
        ),
        "",
        "Warm latency by kind of query (p50 / p95 ms):",
        markdown_table(["articles", "engine", *kinds], kind_rows(results, "latency")),
        "",
        "Mean hits by kind of query:",
        markdown_table(["articles", "engine", *kinds], kind_rows(results, "hits")),
    ]
    rows = cli_rows(results)
    if rows:
        sections += [
            "",
            f"The command line, as a user runs it (median of {args.cli_runs}; peak RSS from "
            "wait4):",
            markdown_table(["articles", "command", "wall s", "peak RSS MB", "runs (s)"], rows),
        ]
    return "\n".join(sections)


# -- main ----------------------------------------------------------------------------------
def available_engines() -> list[str]:
    """The default engines (the sharded newsdesk variants run when named)."""
    return [e for e in ENGINES if e != "tantivy" or importlib.util.find_spec("tantivy")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"archive sizes, comma-separated (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--engines",
        default=",".join(available_engines()),
        help="comma-separated subset of " + ",".join((*ENGINES, *SHARDED)),
    )
    parser.add_argument(
        "--workdir", type=Path, help="where archives and indexes go (default: a temp dir)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep archives and indexes in --workdir for later runs"
    )
    parser.add_argument(
        "--reuse",
        nargs="?",
        const="all",
        default="",
        help="measure indexes already built in --workdir instead of rebuilding "
        "(all, or a comma-separated list of engines)",
    )
    parser.add_argument("--seed", type=int, default=7, help="archive seed")
    parser.add_argument(
        "--corpora",
        default=",".join(synthetic.DEFAULT_CORPORA),
        help="real corpora the archives recombine",
    )
    parser.add_argument(
        "--per-file", type=int, default=synthetic.PER_FILE, help="articles per archive file"
    )
    parser.add_argument("--queries", type=int, default=1000, help="warm queries measured")
    parser.add_argument(
        "--fresh-runs", type=int, default=5, help="fresh processes for open and first-query times"
    )
    parser.add_argument(
        "--first-query", default="oil prices", help="the query of the fresh processes"
    )
    parser.add_argument("--cli-word", default="oil", help="the word of `newsdesk search`")
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument(
        "--build-timeout", type=float, default=6 * 3600, help="seconds a build may take"
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="write every figure here (default: benchmarks/.work/bench_scale-<time>.json)",
    )
    args = parser.parse_args()
    engines = parse_engines(parser, args.engines, (*ENGINES, *SHARDED))
    missing = [e for e in engines if e not in (*available_engines(), *SHARDED)]
    if missing:
        parser.error(f"not installed: {', '.join(missing)} (pip install -e '.[bench]')")
    try:
        sizes = [parse_size(text) for text in args.sizes.split(",") if text.strip()]
    except (ValueError, argparse.ArgumentTypeError) as error:
        parser.error(f"--sizes: {error}")
    args.corpora = [name for name in args.corpora.split(",") if name]
    every = (*ENGINES, *SHARDED)
    reused = every if args.reuse == "all" else parse_engines(parser, args.reuse, every)
    args.reuse = set(reused)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    json_path = args.json or REPO / "benchmarks" / ".work" / f"bench_scale-{stamp}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = None
    if args.workdir is None:
        temporary = Path(tempfile.mkdtemp(prefix="newsdesk-scale-"))
    workdir = args.workdir or temporary
    assert workdir is not None
    workdir.mkdir(parents=True, exist_ok=True)
    code = code_identity()
    document: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine_note(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "code": code,
        "engines": engines,
        "workdir": str(workdir),
        "arguments": {
            key: sorted(value)
            if isinstance(value, set)
            else str(value)
            if isinstance(value, Path)
            else value
            for key, value in vars(args).items()
        },
        "sizes": {},
    }
    print(f"newsdesk code: {code}; workdir {workdir}; figures -> {json_path}", flush=True)
    pool: synthetic.Pool | None = None
    try:
        for size in sizes:
            run = SizeRun(args, size, workdir, code)
            document["sizes"][str(size)] = run.figures
            try:
                pool = run.run(engines, pool)
            finally:
                json_path.write_text(json.dumps(document, indent=1) + "\n")
    finally:
        if temporary is not None and not args.keep:
            shutil.rmtree(temporary, ignore_errors=True)
    document["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    json_path.write_text(json.dumps(document, indent=1) + "\n")
    print(
        f"\nMachine: {machine_note()}; code {code.get('commit')}"
        f"{' (with uncommitted changes)' if code.get('dirty') else ''}\n"
    )
    print(report(document["sizes"], args))
    print(
        f"\nAll figures: {json_path}"
        + (f"; archives and indexes kept in {workdir}" if args.keep else "")
    )


if __name__ == "__main__":
    main()
