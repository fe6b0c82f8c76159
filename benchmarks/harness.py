"""Shared plumbing for the benchmark scripts.

Articles are read once (with ``corpus.read_corpus``) and pickled, so every engine in a
comparison indexes exactly the same records; each builder then runs in its own child
process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from corpus.model import Article

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("NEWSDESK_SHARED", REPO.parent / "shared"))

#: The shared corpora by short name (20 Newsgroups is not news: opt-in only).
CORPORA: dict[str, Path] = {
    "reuters": SHARED / "corpora" / "reuters21578" / "reuters21578.tar.gz",
    "bbc": SHARED / "corpora" / "bbc" / "bbc-fulltext.tar.gz",
    "ag_news": SHARED / "corpora" / "ag_news" / "ag_news_csv-test.tar.gz",
    "time": SHARED / "corpora" / "time" / "time-docs.tar.gz",
    "20news": SHARED / "corpora" / "20newsgroups" / "20news-bydate.tar.gz",
}


def parse_engines(parser: argparse.ArgumentParser, text: str, known: Iterable[str]) -> list[str]:
    """The ``--engines`` list, with argparse's usage error for a name it does not know."""
    engines = [name for name in text.split(",") if name]
    unknown = sorted(set(engines) - set(known))
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    return engines


def resolve_corpus(spec: str) -> tuple[str, Path]:
    """A short name ("reuters"), "sample" (the bundled corpus) or a path -> (label, path)."""
    if spec in CORPORA:
        return spec, CORPORA[spec]
    if spec == "sample":
        from corpus import sample_corpus_path

        return "sample", sample_corpus_path()
    path = Path(spec)
    if not path.exists():
        known = ", ".join([*CORPORA, "sample"])
        raise SystemExit(f"corpus {spec!r}: no such file or folder (known names: {known})")
    return path.name, path


def read_articles(path: Path) -> tuple[list[Article], float, int]:
    """All articles of one corpus, the seconds the corpus layer took, and the skip count."""
    from corpus import read_corpus
    from corpus.report import CorpusReport

    report = CorpusReport()
    started = time.perf_counter()
    articles = list(read_corpus(path, report))
    return articles, time.perf_counter() - started, len(report.skipped)


def save_articles(articles: Sequence[Article], path: Path) -> None:
    with path.open("wb") as handle:
        pickle.dump(list(articles), handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_articles(path: Path) -> list[Article]:
    with path.open("rb") as handle:
        articles: list[Article] = pickle.load(handle)
    return articles


def month_of(date: datetime | None) -> str:
    return date.strftime("%Y-%m") if date else ""


def facet_values(article: Article) -> dict[str, tuple[str, ...]]:
    """The values each facet counts for one article (the engine's facet names)."""
    values: dict[str, tuple[str, ...]] = {
        "source": (article.source,) if article.source else (),
        "category": (article.category,) if article.category else (),
        "topics": article.topics,
        "places": article.places,
        "people": article.people,
        "organisations": article.organisations,
    }
    if article.date is not None:
        values["month"] = (month_of(article.date),)
        values["year"] = (f"{article.date.year:04d}",)
    return values


def _status_mb(key: str) -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024.0
    return None


def own_rss_mb() -> float:
    """This process's resident memory now (0 where /proc is missing)."""
    return _status_mb("VmRSS") or 0.0


def own_peak_rss_mb() -> float:
    """This process's own peak RSS since exec (``VmHWM``; ``ru_maxrss`` survives exec)."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def own_pss_mb() -> float:
    """This process's proportional set size now (0 where /proc is missing)."""
    return _pss_kb(os.getpid()) / 1024.0


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        found: list[int] = []
        for task in tasks:
            text = (task / "children").read_text()
            found += [int(child) for child in text.split()]
        return found
    except OSError:
        return []


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemorySampler(threading.Thread):
    """Polls the proportional set size (PSS) of a process and all its descendants.

    PSS splits shared pages between the processes sharing them, so Whoosh's forked
    sub-writers are not double counted; the peak of the sum is the build's footprint.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            pending, total = [self.pid], 0
            while pending:
                pid = pending.pop()
                total += _pss_kb(pid)
                pending += _children(pid)
            self.peak_kb = max(self.peak_kb, total)
            self.stopped.wait(self.interval)


def run_child(script: str, args: Sequence[str], *, timeout: float = 3600) -> dict[str, Any]:
    """Run ``benchmarks/<script>`` in a fresh interpreter; return the JSON it prints last.

    Adds ``peak_mb``: the peak PSS of the child and its descendants, sampled every 50 ms.
    """
    argv = [sys.executable, str(BENCH_DIR / script), *args]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        sampler = TreeMemorySampler(child.pid)
        sampler.start()
        try:
            stdout, stderr = child.communicate(timeout=timeout)
        finally:
            sampler.stopped.set()
            sampler.join()
    if child.returncode != 0:
        raise RuntimeError(
            f"{script} {' '.join(args)} failed ({child.returncode}):\n{stderr[-3000:]}"
        )
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{script} printed no result:\n{stdout[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["peak_mb"] = max(sampler.peak_kb / 1024.0, float(result.get("own_peak_mb", 0.0)))
    return result


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(numerator: float, denominator: float) -> str:
    """ "12.3x" (how many times ``numerator`` is ``denominator``)."""
    if not denominator or math.isnan(numerator) or math.isnan(denominator):
        return "n/a"
    value = numerator / denominator
    return f"{value:.1f}x" if value >= 0.95 else f"1/{1 / value:.1f}x"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_note() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (math.nan,) * 3
    return (
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} at "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
