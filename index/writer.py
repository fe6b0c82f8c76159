"""Writing one new generation in a temp folder: a copy of the live one, changed by a plan.

Few articles to write (fewer than ``MULTIPROCESS_THRESHOLD``): one in-process Whoosh
writer adds the articles the plan kept and applies its deletions (for 600 BBC stories
that was faster than starting processes). More: ``procs`` worker processes read again
the files holding them, each its own, and write segments (``index.sharded``), and the
parent applies the deletions in the same commit. Nothing touches disk until there is
something to write, so a refresh that finds nothing new writes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from index import articles_table, columns, files_table, whoosh_patches
from index.arrays_writing import repair_postings_files
from index.changes import ChangePlan
from index.corpus_files import CorpusFiles
from index.documents import article_to_document
from index.schema import build_schema
from index.segment_writing import compact_segment_writer
from index.sharded import write_shards
from index.store import META_FILE, link_or_copy_tree, new_temp_dir

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
    ) -> None:
        whoosh_patches.apply()
        self.index_dir = index_dir
        self.base = base
        self.procs = max(1, procs)
        self.limitmb = max(16, limitmb)
        self.checkpoint = checkpoint
        self.temp_dir: Path | None = None

    def _prepare(self) -> Index:
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
        if not plan.writes and not plan.deletes and not force:
            return None
        index = self._prepare()
        assert self.temp_dir is not None
        if plan.kept is not None:
            writer = compact_segment_writer(index)
            try:
                for article_id in plan.deletes:
                    writer.delete_by_term("id", article_id)
                for done, (root, article) in enumerate(plan.kept, start=1):
                    writer.add_document(**article_to_document(article, root))
                    progress(done)
                self.checkpoint("before-commit")
                step("writing the segment")
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        else:
            write_shards(
                self.temp_dir,
                source,
                plan.files,
                plan.deletes,
                procs=self.procs,
                limitmb=self.limitmb,
                progress=progress,
                step=step,
            )
            self.checkpoint("before-commit")
        step("writing postings files")
        repair_postings_files(self.temp_dir)  # merged segments, and any damage
        step("writing facet columns")
        with whoosh_index.open_dir(str(self.temp_dir)).reader() as reader:
            columns.write(self.temp_dir, reader)
        self.checkpoint("after-commit")
        return self.temp_dir

    def doc_count(self) -> int:
        assert self.temp_dir is not None
        return int(whoosh_index.open_dir(str(self.temp_dir)).doc_count())

    def abandon(self) -> None:
        """Delete the temp folder; the live generation is untouched."""
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None
