"""Where a newsdesk build spends its time: corpus parsing/extraction vs Whoosh writing.

The build runs in ONE process (``procs=1``) under cProfile so every call is seen (with
``procs=2`` the writing happens in sub-writer processes the profiler cannot follow).
Layers are measured by cumulative time: the outermost ``corpus`` function, every Whoosh
function entered from newsdesk's own code, and the rest (newsdesk's ``index`` glue).
"""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

import ours
from harness import REPO

_Key = tuple[str, int, str]


def _in_package(key: _Key, package: str) -> bool:
    return str(REPO / package) + "/" in key[0]


def _is_whoosh(key: _Key) -> bool:
    return "/whoosh/" in key[0]


def layer_seconds(stats: pstats.Stats) -> dict[str, float]:
    table: dict[_Key, Any] = stats.stats  # type: ignore[attr-defined]
    corpus = max(
        (entry[3] for key, entry in table.items() if _in_package(key, "corpus")), default=0.0
    )
    whoosh = 0.0
    for key, (_cc, _nc, _tt, _ct, callers) in table.items():
        if not _is_whoosh(key):
            continue
        for caller, caller_entry in callers.items():
            # Entered from newsdesk's own code (not via builtins like sorted() inside Whoosh).
            if any(_in_package(caller, package) for package in ("corpus", "index", "search")):
                whoosh += caller_entry[3]
    return {"corpus": corpus, "whoosh": whoosh}


def top_functions(stats: pstats.Stats, count: int = 12) -> list[tuple[str, float]]:
    table: dict[_Key, Any] = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:count]
    names = []
    for (file, line, func), entry in ranked:
        short = file.replace(str(REPO) + "/", "").split("site-packages/")[-1]
        names.append((f"{short}:{line}({func})", round(entry[2], 2)))
    return names


def profile(corpus: Path | None, out: Path) -> dict[str, Any]:
    if corpus is None:
        raise SystemExit("--profile needs --corpus")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    ours.build(corpus, out, procs=1)
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    layers = layer_seconds(stats)
    total = stats.total_tt  # type: ignore[attr-defined]
    return {
        "seconds": wall,
        "profiled_seconds": total,
        "corpus_seconds": layers["corpus"],
        "whoosh_seconds": layers["whoosh"],
        "other_seconds": max(total - layers["corpus"] - layers["whoosh"], 0.0),
        "top_tottime": top_functions(stats),
    }
