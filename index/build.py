"""``build_index``: build, refresh, add or remove corpora, crash-safely.

The index records the corpora it holds.  ``build_index(PATHS)`` adds PATHS to them and
syncs those corpora only (new articles added, changed ones replaced, vanished ones
deleted); ``build_index()`` syncs every recorded corpus; ``remove=PATHS`` deletes those
corpora's articles and forgets them; ``rebuild`` writes everything from scratch.  A
recorded corpus that has gone missing keeps its articles (and the summary says so).

Every write is copy-on-write: the live generation is hard-linked into a temp folder,
the changes are committed there, and the result is swapped in atomically (see
``index.store``).
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.extract.entities import entity_model
from corpus.model import Article
from corpus.report import CorpusReport, Skip, counted
from index import articles_table, columns, files_table
from index.arrays_writing import postings_problems
from index.budget import DEFAULT_LIMIT_MB
from index.build_meta import (
    Recorded,
    code_names_of,
    corpus_sources,
    meta_maker,
    package_version,
)
from index.changes import (
    ChangePlan,
    CorpusChanges,
    IndexedArticle,
    plan_changes,
    removal_deletes,
)
from index.corpora import (
    CorpusRequest,
    absolute_corpora,
    corpus_request,
)
from index.corpus_files import CorpusFiles, PlanningRead
from index.entity_cache import cache_path, entity_pass, finds_names, names_missing
from index.errors import (
    IndexDiskFullError,
    IndexUnreadableError,
    IndexWriteError,
    NewsdeskIndexError,
)
from index.files_table import FilesTable, TableKey
from index.live_state import (
    indexed_articles,
    live_layout,
    live_state,
    shard_count,
    sharded_state,
)
from index.locking import WriterLock
from index.progress import BuildProgress, ProgressMeter
from index.shard_writing import (
    ShardedState,
    ShardedWrite,
    remove_stale_shards,
    write_sharded,
)
from index.shards import whoosh_folders
from index.store import (
    fsync_tree,
    next_generation_name,
    publish,
    remove_stale,
    resolve_index_dir,
    write_meta,
)
from index.testing import checkpoint
from index.workers import WorkerError
from index.writer import MULTIPROCESS_THRESHOLD, GenerationWriter


@dataclass(slots=True)
class BuildSummary:
    """What a build or refresh changed, and what the corpus reader skipped."""

    added: int
    updated: int
    deleted: int
    unchanged: int
    total: int
    skipped: list[Skip]
    seconds: float
    index_dir: Path
    generation: str = ""
    rebuilt: bool = False
    corpora: list[str] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)
    #: Per corpus root: what this run did to its articles (the corpora it read or removed).
    per_corpus: dict[str, CorpusChanges] = field(default_factory=dict)
    #: What was wrong with the index's ``CURRENT`` pointer, when this run repaired it.
    repaired: str = ""
    #: Why this run read and wrote every article without being asked to (``--rebuild``).
    rebuilt_because: str = ""
    #: The entity pass the articles were written with (``GenerationMeta.entities``).
    entity_pass: str = ""
    #: Files the corpus reader took for no article (READMEs, word lists beside data).
    ignored: list[Skip] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.rebuilt)


@dataclass(frozen=True, slots=True)
class NextFiles:
    """The files table the next generation records, and whether it differs from the
    live generation's (trusted) one."""

    table: FilesTable
    key: TableKey
    changed: bool


def _os_error(directory: Path, error: OSError) -> NewsdeskIndexError:
    """The index error a user can act on for an OS error met while writing."""
    if error.errno == errno.ENOSPC:
        return IndexDiskFullError(directory)
    if isinstance(error, PermissionError):
        return IndexUnreadableError(directory, "permission denied")
    return IndexWriteError(directory, error.strerror or str(error))


def build_index(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    index_dir: str | os.PathLike[str] | None = None,
    *,
    rebuild: bool = False,
    remove: Sequence[str | os.PathLike[str]] = (),
    procs: int = 2,
    limitmb: int = DEFAULT_LIMIT_MB,
    progress: Callable[[BuildProgress], None] | None = None,
    articles: Iterable[Article] | None = None,
    max_article_bytes: int | None = None,
    shards: int | None = None,
    cluster: str | None = None,
    entities: bool | None = None,
    source: str | None = None,
) -> BuildSummary:
    """Add and sync corpora, sync all, remove some, or rebuild; returns what changed.

    ``paths``: corpora (files, folders, archives) to add to the index's recorded ones and
    read now; None reads every recorded corpus (the bundled sample if none ever were).
    ``remove``: recorded corpora whose articles to delete.  ``articles``: index these as
    the content of the corpora (benchmarks use it to time writing alone; the paths are
    still recorded).  ``max_article_bytes``: skip larger articles (corpus's default when
    None).  ``limitmb`` is the total writer memory budget, split between the ``procs``
    processes.  ``shards``: split the index into this many Whoosh indexes
    (``index.shards``; 1: one index; None: as many as it has); a new count rebuilds it.
    ``cluster`` (``ray`` or ``ray:HOST:PORT``): the ``procs`` workers are Ray tasks
    across that cluster (``index.ray_cluster``; corpora and index on shared storage).
    ``entities``: find people and organisations in the text of the articles written
    (``corpus.extract.entities``; False: only what the files list; None: as the index
    recorded, on for a new one).  A pass that finds names the index was written
    without rewrites every article (``index.entity_cache``).  ``source``: the
    publisher of the ``paths`` given, for their articles that name none (recorded, so
    later refreshes keep it; a new name re-reads the corpus).
    Raises IndexLockedError while another writer runs, CorpusError for a PATH
    that does not exist (before touching the index).
    """
    directory = resolve_index_dir(index_dir)
    started = time.monotonic()
    roots = absolute_corpora(paths or ())
    if articles is None:
        for root in roots:
            if not Path(root).exists():
                raise CorpusError(f"{root}: no such file or folder; nothing was indexed")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # permission denied, a file in the way, disk full ...
        if error.errno == errno.ENOSPC:
            raise IndexDiskFullError(directory) from error
        raise IndexUnreadableError(directory, error.strerror or str(error)) from error
    with WriterLock(directory):
        checkpoint("locked")
        writer: GenerationWriter | None = None
        try:
            live, base_dir, meta, recorded = live_state(directory, rebuild=rebuild, roots=roots)
            layout = live_layout(directory, base_dir, rebuild=rebuild)
            if not live.problem:
                remove_stale_shards(directory, layout)
            count = shard_count(shards, layout)
            resharded = base_dir is not None and count != (layout.count if layout else 1)
            recorded_pass = meta.entities if meta is not None else None
            names = entity_pass(entities, recorded_pass)
            why_fresh = "" if rebuild else names_missing(recorded_pass, names)
            if resharded and not rebuild:
                pieces = counted(count, "shard") if count > 1 else "one piece"
                why_fresh = f"the index is now in {pieces}"
            fresh = rebuild or meta is None or bool(why_fresh)
            if max_article_bytes is None and meta is not None:
                max_article_bytes = meta.max_article_bytes  # as the corpora were read before
            request = corpus_request(
                recorded, roots, absolute_corpora(remove), fresh=fresh, directory=directory
            )
            sources = corpus_sources(meta, request.corpora, roots, source)
            existing: dict[str, IndexedArticle] = {}
            tabled = True
            key = TableKey(package_version(), max_article_bytes, tuple(sorted(sources.items())))
            previous: FilesTable = {}
            sharded: ShardedState | None = None
            if not fresh and base_dir is not None and layout is not None:
                sharded = sharded_state(directory, base_dir, layout)
                for table in sharded.tables:
                    existing.update(table)
                tabled = all(sharded.trusted)
                previous = files_table.read(base_dir, key) if tabled else {}
            elif not fresh and base_dir is not None:
                existing, tabled = indexed_articles(base_dir, directory)
                previous = files_table.read(base_dir, key) if tabled else {}
            plan, reading, meter = _plan(
                request,
                existing,
                previous,
                articles,
                max_article_bytes,
                progress,
                fresh=fresh,
                entities=finds_names(names),
                index_dir=directory,
                sources=key.sources,
            )
            report = reading.report
            if finds_names(names) and plan.writes and entity_model() is None:
                names = ""  # installed but unloadable (a broken spaCy): recorded as absent
            code_names = code_names_of(meta, reading.source, request.corpora)
            # What the next generation records of the files: this run's, and the other
            # corpora's as they were.
            synced = {root for root, _ in reading.source.roots}
            next_files = {
                where: record
                for where, record in previous.items()
                if where[0] in request.corpora and where[0] not in synced
            }
            next_files.update(reading.recorded)
            files = NextFiles(next_files, key, changed=next_files != previous)
            writer = GenerationWriter(
                directory, None if fresh else base_dir, procs=procs, limitmb=limitmb,
                checkpoint=checkpoint, cluster=cluster,
            )  # fmt: skip
            summary = BuildSummary(
                **_counts(plan),
                total=len(existing) if existing else plan.read,
                skipped=[*report.skipped, *plan.duplicates],
                seconds=0.0,
                index_dir=directory,
                generation=live.name or "",
                rebuilt=fresh,
                rebuilt_because=why_fresh,
                entity_pass=names,
                corpora=request.corpora,
                warnings=list(report.warnings),
                ignored=list(report.ignored),
                per_corpus=plan.per_corpus,
                repaired=live.problem if live.name else "",
            )
            if base_dir is not None and not fresh and not summary.repaired:
                # Derived files a new generation rewrites: the first problem is reported.
                columns_problem = next(columns.verify(base_dir), None)
                postings_problem = next(
                    (
                        problem
                        for folder in whoosh_folders(directory, base_dir, layout)
                        for problem in postings_problems(folder, checksums=False)
                    ),
                    None,
                )
                reasons = [
                    f"facet columns: {columns_problem}" if columns_problem else "",
                    f"postings: {postings_problem}" if postings_problem else "",
                    "" if tabled else f"its articles table ({articles_table.FILE}) is missing",
                ]
                summary.repaired = next((reason for reason in reasons if reason), "")
            # A new corpus list, or a lost pointer, is worth a generation even when no
            # article changed.
            force = (
                fresh or meta is None or meta.corpora != request.corpora or bool(summary.repaired)
            )
            force = force or (meta is not None and meta.max_article_bytes != max_article_bytes)
            force = force or (meta is not None and meta.sources != sources)
            force = force or (meta is not None and meta.code_names != code_names)
            force = force or (meta is not None and meta.entities != names)
            kept = Recorded(max_article_bytes, sources, code_names, names)
            if count > 1:
                meta_of = meta_maker(summary, started, kept)
                how = ShardedWrite(procs, limitmb, meter, checkpoint, meta_of, cluster)
                with meter.ticking():
                    published = write_sharded(
                        directory, plan, reading.source, sharded, count,
                        (files.table, files.key, files.changed), how, force=force,
                    )  # fmt: skip
                summary.seconds = time.monotonic() - started
                if published is not None:
                    summary.generation, summary.total = published
                return summary
            with meter.ticking():  # the clock moves on through steps that count nothing
                _write(
                    writer, plan, reading.source, meter, summary, existing, files,
                    force=force, started=started, recorded=kept,
                )  # fmt: skip
            return summary
        except BaseException as error:
            if writer is not None:
                writer.abandon()
            if isinstance(error, OSError):
                raise _os_error(directory, error) from error
            if isinstance(error, WorkerError):
                raise IndexWriteError(directory, str(error)) from error
            raise


def _counts(plan: ChangePlan) -> dict[str, int]:
    totals = plan.totals()
    return {
        "added": totals.added,
        "updated": totals.updated,
        "deleted": totals.deleted,
        "unchanged": totals.unchanged,
    }


def _plan(
    request: CorpusRequest,
    existing: dict[str, IndexedArticle],
    previous: FilesTable,
    articles: Iterable[Article] | None,
    max_article_bytes: int | None,
    progress: Callable[[BuildProgress], None] | None,
    *,
    fresh: bool,
    entities: bool,
    index_dir: Path,
    sources: tuple[tuple[str, str], ...],
) -> tuple[ChangePlan, PlanningRead, ProgressMeter]:
    """Read the corpora this run syncs (replaying the files unchanged since ``previous``
    recorded them) and compare them with the index."""
    missing = [root for root in request.targets if not Path(root).exists()]
    if missing and articles is None and fresh and request.rebuilds_existing:
        raise CorpusError(
            f"{missing[0]} is missing: a rebuild would drop its stories; restore it, "
            f"or drop it with `newsdesk index --remove {missing[0]}`"
        )
    readable = [root for root in request.targets if root not in missing]
    report = CorpusReport()
    # The total: what the index holds of these corpora; the articles handed in; or, for a
    # corpus new to the index, an estimate from the bytes read so far.
    total_bytes: int | None = None
    estimate = sum(1 for indexed in existing.values() if indexed.corpus in readable)
    entity_cache = cache_path(index_dir)
    if articles is not None:
        source = CorpusFiles.of_articles(
            articles,
            readable[0] if readable else "",
            entities=entities,
            entity_cache=entity_cache,
        )
        estimate = len(source.given or ())
    else:
        source = CorpusFiles.plan(
            readable,
            report,
            max_article_bytes,
            entities=entities,
            entity_cache=entity_cache,
            sources=sources,
        )
        known = {indexed.corpus for indexed in existing.values()}
        if any(root not in known for root in readable):
            total_bytes = source.total_bytes
    meter = ProgressMeter(progress, estimate or None)
    reading = PlanningRead(source, previous, report)
    plan = plan_changes(
        reading, readable, existing,
        keep_at_most=MULTIPROCESS_THRESHOLD - 1, meter=meter, total_bytes=total_bytes,
        bytes_read=reading.bytes_read,
    )  # fmt: skip
    for root in missing:  # kept as they are, until the corpus is back or removed
        kept = sum(1 for indexed in existing.values() if indexed.corpus == root)
        plan.per_corpus[root] = CorpusChanges(unchanged=kept, missing=True)
    removal_deletes(plan, request.removed, existing)
    return plan, reading, meter


def _write(
    writer: GenerationWriter,
    plan: ChangePlan,
    source: CorpusFiles,
    meter: ProgressMeter,
    summary: BuildSummary,
    existing: dict[str, IndexedArticle],
    files: NextFiles,
    *,
    force: bool,
    started: float,
    recorded: Recorded,
) -> None:
    """Write the plan as the next generation and publish it; fills in ``summary``."""
    directory = writer.index_dir
    meter.phase("indexing", total=plan.writes)
    temp_dir = writer.write(plan, source, meter.advance, force=force, step=meter.step)
    summary.seconds = time.monotonic() - started
    if temp_dir is None:
        if writer.base is not None and files.changed:
            # Nothing to publish, but files newly read are worth remembering: the table
            # is the builder's cache (no search reads it), replaced atomically in place.
            files_table.write(writer.base, files.table, files.key)
        return
    meter.step("committing")
    new_meta = meta_maker(summary, started, recorded)(writer.doc_count())
    table = articles_table.updated(existing, plan.deletes, plan.written)
    if len(table) == new_meta.articles:  # else the next refresh reads the stored articles
        articles_table.write(temp_dir, table)
        # (trusted only beside a trusted articles table)
        files_table.write(temp_dir, files.table, files.key)
    write_meta(temp_dir, new_meta)
    fsync_tree(temp_dir)
    generation = next_generation_name(directory)
    checkpoint("before-publish")
    publish(directory, temp_dir, generation)
    writer.temp_dir = None
    checkpoint("after-publish")
    remove_stale(directory, keep=generation)
    remove_stale_shards(directory, None)  # the shards of an index now in one piece
    summary.generation = generation
    summary.total = new_meta.articles


def update_index(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    index_dir: str | os.PathLike[str] | None = None,
    *,
    procs: int = 2,
    limitmb: int = DEFAULT_LIMIT_MB,
    progress: Callable[[BuildProgress], None] | None = None,
) -> BuildSummary:
    """Incremental refresh (``build_index`` without ``rebuild``), for readable call sites."""
    return build_index(
        paths, index_dir, rebuild=False, procs=procs, limitmb=limitmb, progress=progress
    )
