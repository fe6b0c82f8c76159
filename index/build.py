"""``build_index``: build, refresh or rebuild the index from corpora, crash-safely.

Every write is copy-on-write: the live generation is hard-linked into a temp folder, the
changes are committed there, and the result is swapped in atomically (see
``index.store``).  A refresh compares each article's id and content hash with what the
index holds: new ones are added, changed ones replaced, vanished ones deleted.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import corpus
from corpus.model import Article
from corpus.report import CorpusReport, Skip
from index.documents import article_to_document
from index.errors import (
    IndexCorruptError,
    IndexDiskFullError,
    IndexUnreadableError,
    IndexWriteError,
    NewsdeskIndexError,
)
from index.identity import IdAssigner, labelled, unlabelled
from index.locking import WriterLock
from index.opening import (
    check_schema,
    current_generation_dir,
    load_meta,
    open_generation,
)
from index.progress import BuildProgress, ProgressMeter
from index.schema import SCHEMA_VERSION
from index.store import (
    GenerationMeta,
    fsync_tree,
    next_generation_name,
    publish,
    read_current,
    remove_stale,
    resolve_index_dir,
    write_meta,
)
from index.testing import checkpoint
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

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.rebuilt)


def _package_version() -> str:
    try:
        return version("newsdesk")
    except PackageNotFoundError:
        return "0+unknown"


def _absolute_corpora(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    return [str(Path(p).expanduser().resolve()) for p in paths]


def _existing_hashes(generation_dir: Path, index_dir: Path) -> dict[str, str]:
    """id -> content_hash of every live document (one pass over the stored fields)."""
    ix = open_generation(index_dir, generation_dir)
    with ix.reader() as reader:
        return {stored["id"]: stored.get("content_hash", "") for _, stored in reader.iter_docs()}


def _live_generation(
    directory: Path, *, rebuild: bool
) -> tuple[str | None, Path | None, GenerationMeta | None]:
    """(name, folder, metadata) of the live generation, after removing crash leftovers.

    A rebuild does not need the old generation, so a damaged one does not stop it.
    """
    current = read_current(directory)
    remove_stale(directory, keep=current)
    if current is None:
        return None, None, None
    try:
        base_dir = current_generation_dir(directory)
        meta = load_meta(directory, base_dir)
    except IndexCorruptError:
        if rebuild:
            return current, None, None
        raise
    if not rebuild:
        check_schema(directory, meta)
    return current, base_dir, meta


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
    procs: int = 2,
    limitmb: int = 256,
    progress: Callable[[BuildProgress], None] | None = None,
    articles: Iterable[Article] | None = None,
) -> BuildSummary:
    """Build (first time or ``rebuild``) or refresh the index; returns what changed.

    ``paths``: corpora (files, folders, archives); None refreshes from the corpora
    recorded in the index, or the bundled sample if none ever were.  ``articles``: index
    these instead of reading ``paths`` (benchmarks use it to time writing alone; the paths
    are still recorded).  ``limitmb`` is the total writer memory budget, split between
    the ``procs`` processes.  Raises IndexLockedError while another writer runs.
    """
    directory = resolve_index_dir(index_dir)
    started = time.monotonic()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # permission denied, a file in the way, read-only ...
        raise IndexUnreadableError(directory, error.strerror or str(error)) from error
    with WriterLock(directory):
        checkpoint("locked")
        try:
            current, base_dir, meta = _live_generation(directory, rebuild=rebuild)
            fresh = rebuild or base_dir is None
            existing = {} if fresh or base_dir is None else _existing_hashes(base_dir, directory)
        except OSError as error:
            raise _os_error(directory, error) from error
        if current is not None and meta is None and not paths:
            raise IndexCorruptError(
                directory, "its list of corpora is lost: add the corpus PATHs to the command"
            )
        if paths:
            corpora = _absolute_corpora(paths)
        elif meta is not None and meta.corpora:
            corpora = list(meta.corpora)
        else:
            corpora = _absolute_corpora([corpus.sample_corpus_path()])
        report = CorpusReport()
        source = unlabelled(articles) if articles is not None else labelled(corpora, report)
        estimate = meta.articles if meta is not None and meta.corpora == corpora else None
        writer = GenerationWriter(
            directory,
            None if fresh else base_dir,
            procs=procs,
            limitmb=limitmb,
            checkpoint=checkpoint,
        )
        try:
            meter = ProgressMeter(progress, estimate)
            if fresh and articles is None and procs > 1:
                counts, duplicates = _build_sharded(corpora, report, writer, meter)
            else:
                counts, duplicates = _apply_changes(source, existing, writer, meter)
            summary = BuildSummary(
                added=counts["added"],
                updated=counts["updated"],
                deleted=counts["deleted"],
                unchanged=counts["unchanged"],
                total=counts["total"],
                skipped=[*report.skipped, *duplicates],
                seconds=0.0,
                index_dir=directory,
                generation=current or "",
                rebuilt=fresh,
                corpora=corpora,
                warnings=list(report.warnings),
            )
            # A new corpus list is worth a generation even when no article changed.
            corpora_changed = meta is None or meta.corpora != corpora
            temp_dir = writer.commit(force=summary.changed or corpora_changed)
            if temp_dir is None:
                summary.seconds = time.monotonic() - started
                return summary
            summary.seconds = time.monotonic() - started
            new_meta = GenerationMeta(
                schema_version=SCHEMA_VERSION,
                corpora=corpora,
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                build_seconds=round(summary.seconds, 3),
                articles=writer.doc_count(),
                last_update={
                    "added": summary.added,
                    "updated": summary.updated,
                    "deleted": summary.deleted,
                    "unchanged": summary.unchanged,
                    "skipped": len(summary.skipped),
                },
                newsdesk_version=_package_version(),
            )
            write_meta(temp_dir, new_meta)
            fsync_tree(temp_dir)
            generation = next_generation_name(directory)
            checkpoint("before-publish")
            publish(directory, temp_dir, generation)
            writer.temp_dir = None
            checkpoint("after-publish")
            remove_stale(directory, keep=generation)
            summary.generation = generation
            summary.total = new_meta.articles
            return summary
        except NewsdeskIndexError:
            writer.abandon()
            raise
        except OSError as error:
            writer.abandon()
            raise _os_error(directory, error) from error
        except BaseException:
            writer.abandon()
            raise


def _build_sharded(
    corpora: Sequence[str], report: CorpusReport, writer: GenerationWriter, meter: ProgressMeter
) -> tuple[dict[str, int], list[Skip]]:
    """A fresh build: read the corpora once to count them and find duplicate ids, then let
    ``procs`` worker processes index every ``procs``-th article each (small corpora, where
    starting workers costs more than it saves, go through one in-process writer)."""
    meter.phase("reading")
    ids = IdAssigner()
    excluded: set[int] = set()
    renamed: dict[int, str] = {}
    # A small corpus is kept from this pass and written in-process, never read twice.
    small: list[tuple[str, Article]] | None = []
    for ordinal, (label, article) in enumerate(labelled(corpora, report)):
        if small is not None and len(small) < MULTIPROCESS_THRESHOLD:
            small.append((label, article))
        else:
            small = None
        assigned = ids.assign(label, article)
        if assigned is None:
            excluded.add(ordinal)
            continue
        if assigned.id != article.id:
            renamed[ordinal] = assigned.id
        meter.advance(len(ids))
    total = len(ids)
    if total < MULTIPROCESS_THRESHOLD:
        again = small if small is not None else labelled(corpora, CorpusReport())
        return _apply_changes(again, {}, writer, meter)
    meter.estimate = total
    meter.phase("indexing")
    reached_checkpoint = False

    def advance(done: int) -> None:
        nonlocal reached_checkpoint
        meter.advance(done)
        if done >= 50 and not reached_checkpoint:
            reached_checkpoint = True
            checkpoint("indexing")

    writer.write_sharded(corpora, frozenset(excluded), renamed, advance)
    meter.phase("committing", total)
    counts = {"added": total, "updated": 0, "deleted": 0, "unchanged": 0, "total": total}
    return counts, ids.duplicates


def _apply_changes(
    source: Iterable[tuple[str, Article]],
    existing: dict[str, str],
    writer: GenerationWriter,
    meter: ProgressMeter,
) -> tuple[dict[str, int], list[Skip]]:
    """Feed the writer every new or changed article and delete the vanished ones."""
    counts = dict.fromkeys(("added", "updated", "deleted", "unchanged", "total"), 0)
    ids = IdAssigner()
    seen: set[str] = set()
    meter.phase("indexing")
    for label, original in source:
        article = ids.assign(label, original)
        if article is None:
            continue
        seen.add(article.id)
        old_hash = existing.get(article.id)
        if old_hash is None:
            writer.add(article_to_document(article))
            counts["added"] += 1
        elif old_hash != article.content_hash:
            writer.delete(article.id)
            writer.add(article_to_document(article))
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        counts["total"] += 1
        meter.advance(counts["total"])
        if counts["total"] == 50:
            checkpoint("indexing")
    for article_id in existing.keys() - seen:
        writer.delete(article_id)
        counts["deleted"] += 1
    meter.phase("committing", counts["total"])
    return counts, ids.duplicates


def update_index(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    index_dir: str | os.PathLike[str] | None = None,
    *,
    procs: int = 2,
    limitmb: int = 256,
    progress: Callable[[BuildProgress], None] | None = None,
) -> BuildSummary:
    """Incremental refresh (``build_index`` without ``rebuild``), for readable call sites."""
    return build_index(
        paths, index_dir, rebuild=False, procs=procs, limitmb=limitmb, progress=progress
    )
