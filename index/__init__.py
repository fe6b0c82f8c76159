"""Building and updating the Whoosh index from the corpus.

Public API: :func:`build_index` (build, refresh or rebuild; :func:`update_index` is the
refresh-only spelling), :func:`open_index`, :func:`index_generation`,
:func:`index_stats`, :func:`default_index_dir`, and the errors in ``index.errors``.
"""

from index.build import BuildSummary, build_index, update_index
from index.errors import (
    IndexCorruptError,
    IndexDiskFullError,
    IndexLockedError,
    IndexMissingError,
    IndexUnreadableError,
    IndexWriteError,
    NewsdeskIndexError,
    SchemaVersionError,
)
from index.opening import index_generation, open_index
from index.progress import BuildProgress
from index.stats import IndexStats, index_stats
from index.store import default_index_dir

__all__ = [
    "BuildProgress",
    "BuildSummary",
    "IndexCorruptError",
    "IndexDiskFullError",
    "IndexLockedError",
    "IndexMissingError",
    "IndexStats",
    "IndexUnreadableError",
    "IndexWriteError",
    "NewsdeskIndexError",
    "SchemaVersionError",
    "build_index",
    "default_index_dir",
    "index_generation",
    "index_stats",
    "open_index",
    "update_index",
]
