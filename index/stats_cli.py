"""``newsdesk stats``: what an index holds, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from corpus.report import counted, printable

if TYPE_CHECKING:  # (Whoosh and numpy load when the command runs)
    from index.stats import IndexStats


def run_stats(args: argparse.Namespace) -> int:
    from index.stats import index_stats

    stats = index_stats(args.index)
    if args.json:
        print(json.dumps(stats.to_json_dict(), ensure_ascii=False))
    else:
        print(describe_stats(stats))
    return 0


def _size(size_bytes: int) -> str:
    value = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.1f} {unit}" if unit != "B" else f"{size_bytes:,} B"
        value /= 1024
    return f"{size_bytes:,} B"


def _entity_pass_row(entity_pass: str) -> str:
    """How the people and organisations of texts were found (``GenerationMeta.entities``)."""
    from index.entity_cache import PASS_OFF

    if entity_pass == PASS_OFF:
        return "only as files list them (--no-entities; --entities finds them in the text)"
    if not entity_pass:
        return (
            "only as files list them: spaCy's English model was not installed (README, "
            "Entities; the next `newsdesk index` finds them once it is)"
        )
    return f"people and organisations found in the text by {entity_pass}"


def describe_stats(stats: IndexStats) -> str:
    dates = (
        f"{stats.date_min:%Y-%m-%d} to {stats.date_max:%Y-%m-%d}"
        if stats.date_min and stats.date_max
        else "none"
    )
    rows = [
        ("index", f"{stats.index_dir} ({stats.generation}, schema {stats.schema_version})"),
        ("articles", f"{stats.articles:,}"),
        ("size", _size(stats.size_bytes)),
        ("dates", dates),
        ("built", f"{stats.built_at} in {stats.build_seconds:.1f} s"),
    ]
    if stats.entity_pass is not None:
        rows.append(("names", _entity_pass_row(stats.entity_pass)))
    if stats.shards:
        rows.append(("shards", f"{len(stats.shards)}, split by {stats.shard_split}"))
    for shard in stats.shards:
        span = (
            f"{shard.date_min:%Y-%m-%d} to {shard.date_max:%Y-%m-%d}"
            if shard.date_min and shard.date_max
            else "undated"
        )
        rows.append(
            (f"shard {shard.number:02d}", f"{shard.articles:,} articles, {span}, "
             f"{_size(shard.size_bytes)}, {shard.generation}")
        )  # fmt: skip
    if stats.pointer_problem:
        rows.append(
            ("warning", f"{stats.pointer_problem}: showing {stats.generation}, the newest "
             "complete version; `newsdesk index` repairs the pointer")
        )  # fmt: skip
    for problem in stats.columns_problems:
        rows.append(
            ("warning", f"facet columns: {problem}; searches compute them in memory "
             "(slower first query); `newsdesk index` rewrites them")
        )  # fmt: skip
    for problem in stats.postings_problems:
        fix = "`newsdesk index --rebuild`" if "checksum" in problem else "`newsdesk index`"
        rows.append(
            ("warning", f"postings: {problem}; searches compute it in memory (slower "
             f"first query); {fix} rewrites it")
        )  # fmt: skip
    if stats.writer_pid is not None:
        who = f"PID {stats.writer_pid}" if stats.writer_pid > 0 else "another process"
        rows.append(("updating", f"now, by {who}"))
    if stats.last_update:
        changes = ", ".join(f"{k} {v:,}" for k, v in sorted(stats.last_update.items()))
        rows.append(("last run", changes))
    for path in stats.corpora:
        count = stats.corpus_articles.get(path, 0)
        rows.append(("corpus", f"{path} ({counted(count, 'article')})"))
    terms = ", ".join(f"{name} {count:,}" for name, count in stats.term_counts.items())
    rows.append(("terms", terms))
    for name, values in stats.top_facets.items():
        rows.append((f"top {name}", ", ".join(f"{value} ({count:,})" for value, count in values)))
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(printable(f"{label:<{width}}{value}") for label, value in rows)
