"""Writing one new generation in a temp folder: a copy of the live one, changed by a plan.

Few articles to write (fewer than ``MULTIPROCESS_THRESHOLD``): one in-process Whoosh
writer adds the articles the plan kept and applies its deletions (for 600 BBC stories
that was faster than starting processes). More: ``procs`` worker processes read again
the files holding them, each its own, and write segments (``index.workers``), and the
parent applies the deletions in the same commit. Nothing touches disk until there is
something to write, so a refresh that finds nothing new writes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from index import articles_table, columns, files_table, whoosh_patches
from index.arrays_writing import repair_postings_files
from index.changes import ChangePlan
from index.corpus_files import CorpusFiles, FileWrites
from index.documents import article_to_document
from index.schema import build_schema
from index.segment_writing import compact_segment_writer
from index.store import META_FILE, link_or_copy_tree, new_temp_dir
from index.workers import write_with_workers

#: Articles to write from which the worker processes write them.
MULTIPROCESS_THRESHOLD = 2000
#: Whoosh's own lock inside a generation folder: never shared between generations.
_WHOOSH_LOCK = "MAIN_WRITELOCK"


def _own_files(name: str) -> bool:
    """Files each generation writes for itself (never linked from the previous one)."""
    own = (META_FILE, _WHOOSH_LOCK, articles_table.FILE, files_table.FILE)
    temp = name.startswith(files_table.FILE + ".tmp-")  # a refresh killed while writing it
    return name in own or temp or columns.is_columns_file(name)


class GenerationWriter:
    """Applies a :class:`ChangePlan` to a copy of ``base`` (or a fresh index)."""

    def __init__(
        self,
        index_dir: Path,
        base: Path | None,
        *,
        procs: int,
        limitmb: int,
        checkpoint: Callable[[str], None] = lambda name: None,
        cluster: str | None = None,
    ) -> None:
        whoosh_patches.apply()
        self.index_dir = index_dir
        self.base = base
        self.procs = max(1, procs)
        #: Write with Ray tasks across this cluster (``ray[:ADDRESS]``), not processes.
        self.cluster = cluster
        self.limitmb = max(16, limitmb)
        self.checkpoint = checkpoint
        self.temp_dir: Path | None = None

    def prepare(self) -> Index:
        self.temp_dir = new_temp_dir(self.index_dir)
        if self.base is not None:
            link_or_copy_tree(self.base, self.temp_dir, skip=_own_files)
            return whoosh_index.open_dir(str(self.temp_dir))
        return whoosh_index.create_in(str(self.temp_dir), build_schema())

    def write(
        self,
        plan: ChangePlan,
        source: CorpusFiles,
        progress: Callable[[int], None],
        *,
        force: bool = False,
        step: Callable[[str], None] = lambda name: None,
    ) -> Path | None:
        """Write the plan into a new temp folder and commit there; returns the folder
        (None when there was nothing to do and ``force`` is off).  ``progress`` gets the
        articles written so far, ``step`` the name of each commit step as it starts."""
        return write_generations([self], [plan], plan.files, source, progress,
                                 forced=[force], step=step)[0]  # fmt: skip

    def doc_count(self) -> int:
        assert self.temp_dir is not None
        return int(whoosh_index.open_dir(str(self.temp_dir)).doc_count())

    def abandon(self) -> None:
        """Delete the temp folder; the live generation is untouched."""
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None


def write_generations(
    writers: Sequence[GenerationWriter],
    plans: Sequence[ChangePlan],
    files: Sequence[FileWrites],
    source: CorpusFiles,
    progress: Callable[[int], None],
    *,
    forced: Sequence[bool],
    step: Callable[[str], None] = lambda name: None,
) -> list[Path | None]:
    """Apply each plan with its writer (a sharded index's shards, or the one index):
    the articles ``files`` name go to the writer their target names.  Returns each
    writer's committed temp folder, or None where it had nothing to do (and was not
    ``forced``).  Few articles in all (every plan kept them): one in-process writer
    after another; else ``procs`` worker processes read each file once for all."""
    temp_dirs: list[Path | None] = [None] * len(writers)
    indexes: dict[int, Index] = {}
    for number, (writer, plan, force) in enumerate(zip(writers, plans, forced, strict=True)):
        if plan.writes or plan.deletes or force:
            indexes[number] = writer.prepare()
            temp_dirs[number] = writer.temp_dir
    if not indexes:
        return temp_dirs
    first = writers[0]
    if all(plans[number].kept is not None for number in indexes):
        done = 0
        for number, index in indexes.items():
            done = _write_kept(index, plans[number], source, progress, done, first.checkpoint, step)
    else:
        write_with_workers(
            temp_dirs, source, files, [plan.deletes for plan in plans],
            procs=first.procs, limitmb=first.limitmb, progress=progress, step=step,
            cluster=first.cluster,
        )  # fmt: skip
        first.checkpoint("before-commit")
    for temp_dir in temp_dirs:
        if temp_dir is None:
            continue
        step("writing postings files")
        repair_postings_files(temp_dir)  # merged segments, and any damage
        step("writing facet columns")
        with whoosh_index.open_dir(str(temp_dir)).reader() as reader:
            columns.write(temp_dir, reader)
    first.checkpoint("after-commit")
    return temp_dirs


def _write_kept(
    index: Index,
    plan: ChangePlan,
    source: CorpusFiles,
    progress: Callable[[int], None],
    done: int,
    checkpoint: Callable[[str], None],
    step: Callable[[str], None],
) -> int:
    """The plan's kept articles and deletions, through one in-process writer; returns
    the articles written so far (``done`` before)."""
    writer = compact_segment_writer(index)
    try:
        for article_id in plan.deletes:
            writer.delete_by_term("id", article_id)
        assert plan.kept is not None
        for root, article in plan.kept:
            writer.add_document(**article_to_document(source.finished(article), root))
            done += 1
            progress(done)
        checkpoint("before-commit")
        step("writing the segment")
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return done
