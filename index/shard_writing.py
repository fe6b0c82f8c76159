"""Writing the next generation of a sharded index (``index.shards``), crash-safely.

Each shard whose articles change gets a new generation, written like an unsharded
index's (``GenerationWriter``: a hard-linked copy of its live generation, the plan's
share of writes and deletions); one set of ``procs`` worker processes writes them all,
each reading only the files holding its share of the articles, once, and sending each
article to its shard's segment (``write_generations``); a shard nothing touches keeps
its generation.  The new shard
generations are renamed into place beside the old ones, which stay untouched; then the
index's own generation -- the list of every shard's generation, the facet columns of
all of them together, ``newsdesk.json`` -- is written and published by replacing
``CURRENT``.  A crash before that leaves the previous set of shards live and whole; the
next write deletes what the crash left (``remove_stale_shards``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from index import articles_table, columns, files_table
from index.changes import ChangePlan, IndexedArticle
from index.corpus_files import CorpusFiles
from index.files_table import FilesTable, TableKey
from index.opening import open_generation
from index.progress import ProgressMeter
from index.shards import (
    SHARDS_FOLDER,
    ShardLayout,
    choose_bounds,
    shard_folder,
    split_plan,
    write_layout,
)
from index.store import (
    GenerationMeta,
    fsync_dir,
    fsync_tree,
    new_temp_dir,
    next_generation_name,
    publish,
    remove_stale,
    write_meta,
)
from index.writer import GenerationWriter, write_generations


@dataclass(frozen=True, slots=True)
class ShardedState:
    """What the live generation of a sharded index holds: its layout, and for each
    shard its articles table (id -> corpus and content hash) and whether that came from
    a table it can trust (else from the stored articles: the shard is then written
    again, so that it gets one)."""

    #: The live generation's folder (its layout, columns, files table).
    folder: Path
    layout: ShardLayout
    tables: list[dict[str, IndexedArticle]]
    trusted: list[bool]

    def holder(self) -> dict[str, int]:
        """id -> the shard holding it."""
        return {
            article_id: number for number, table in enumerate(self.tables) for article_id in table
        }


@dataclass(frozen=True, slots=True)
class ShardedWrite:
    """How to write: the budget of each shard's write, and the steps it reports."""

    procs: int
    limitmb: int
    meter: ProgressMeter
    checkpoint: Callable[[str], None]
    #: The metadata of a generation holding this many articles.
    meta: Callable[[int], GenerationMeta]
    #: Write with Ray tasks across this cluster (``ray[:ADDRESS]``), not processes.
    cluster: str | None = None


def write_sharded(
    directory: Path,
    plan: ChangePlan,
    source: CorpusFiles,
    live: ShardedState | None,
    count: int,
    files: tuple[FilesTable, TableKey, bool],
    how: ShardedWrite,
    *,
    force: bool,
) -> tuple[str, int] | None:
    """Write ``plan`` into ``count`` shards (a fresh split when ``live`` is None) and
    publish the result; returns (the new generation, its article count), or None when
    nothing changed and ``force`` is off (the files table is then updated in place)."""
    if live is None:
        layout = ShardLayout(("",) * count, choose_bounds(plan.written_dates, count))
        tables: list[dict[str, IndexedArticle]] = [{} for _ in range(count)]
        holder: Mapping[str, int] = {}
        trusted = [True] * count
    else:
        layout, tables, holder = live.layout, live.tables, live.holder()
        trusted = list(live.trusted)
    plans = split_plan(plan, layout, holder)
    generations = list(layout.generations)
    table, key, files_changed = files
    writers = [
        GenerationWriter(
            directory / shard_folder(number),
            directory / generations[number] if generations[number] else None,
            procs=how.procs,
            limitmb=how.limitmb,
            checkpoint=how.checkpoint,
            cluster=how.cluster,
        )
        for number in range(layout.count)
    ]
    view_dir: Path | None = None
    try:
        for writer in writers:
            writer.index_dir.mkdir(parents=True, exist_ok=True)
        how.meter.phase("indexing", total=plan.writes)
        temp_dirs = write_generations(
            writers, plans, plan.files, source, how.meter.advance,
            forced=[writer.base is None or not trusted[number]
                    for number, writer in enumerate(writers)],
            step=how.meter.step,
        )  # fmt: skip
        for number, (writer, temp_dir) in enumerate(zip(writers, temp_dirs, strict=True)):
            if temp_dir is None:
                continue
            shard_plan = plans[number]
            shard_table = articles_table.updated(
                tables[number], shard_plan.deletes, shard_plan.written
            )
            articles = writer.doc_count()
            trusted[number] = len(shard_table) == articles
            if trusted[number]:
                articles_table.write(temp_dir, shard_table)
            write_meta(temp_dir, how.meta(articles))
            fsync_tree(temp_dir)
            name = next_generation_name(writer.index_dir)
            os.rename(temp_dir, writer.index_dir / name)
            fsync_dir(writer.index_dir)
            writer.temp_dir = None
            generations[number] = f"{shard_folder(number)}/{name}"
        if generations == list(layout.generations) and not force:
            if live is not None and files_changed and all(trusted):
                files_table.write(live.folder, table, key)
            return None
        how.meter.step("writing facet columns")
        view_dir = new_temp_dir(directory)
        new_layout = ShardLayout(tuple(generations), layout.bounds)
        write_layout(view_dir, new_layout)
        index = open_generation(directory, view_dir)
        with index.reader() as reader:
            columns.write(view_dir, reader)
            articles = int(reader.doc_count())
        if all(trusted):  # (trusted only beside trusted articles tables)
            files_table.write(view_dir, table, key)
        write_meta(view_dir, how.meta(articles))
        fsync_tree(view_dir)
        generation = next_generation_name(directory)
        how.checkpoint("before-publish")
        publish(directory, view_dir, generation)
        view_dir = None
        how.checkpoint("after-publish")
        remove_stale(directory, keep=generation)
        remove_stale_shards(directory, new_layout)
        return generation, articles
    except BaseException:
        for writer in writers:
            writer.abandon()
        if view_dir is not None:
            shutil.rmtree(view_dir, ignore_errors=True)
        raise


def remove_stale_shards(directory: Path, layout: ShardLayout | None) -> None:
    """Delete every shard generation ``layout`` (the live one) does not name, and the
    shard folders it does not use (all of them for an unsharded index): what a crash,
    or a write since, left behind (call under the writer lock)."""
    folder = directory / SHARDS_FOLDER
    if not folder.is_dir():
        return
    names = layout.generations if layout is not None else ()
    live = {Path(name).parent.name: Path(name).name for name in names}
    for entry in os.scandir(folder):
        if entry.name in live:
            remove_stale(Path(entry.path), keep=live[entry.name])
        elif entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
    if not live:
        shutil.rmtree(folder, ignore_errors=True)
