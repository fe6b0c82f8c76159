"""Building and updating the Whoosh index from the corpus.

(The heavy parts are imported on first use: see ``_LAZY``.)

Public API: :func:`build_index` (build, refresh or rebuild; :func:`update_index` is the
refresh-only spelling), :func:`open_index`, :func:`index_generation`,
:func:`index_stats`, :func:`live_meta`, :func:`default_index_dir`, and the errors in
``index.errors``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
from index.progress import BuildProgress
from index.store import default_index_dir

if TYPE_CHECKING:
    from index.build import BuildSummary, build_index, update_index
    from index.opening import index_generation, live_meta, open_index
    from index.stats import IndexStats, index_stats

#: Names imported from their modules on first access (Whoosh, numpy and the corpus
#: readers load only when a command needs them).
_LAZY = {
    "BuildSummary": "index.build",
    "build_index": "index.build",
    "update_index": "index.build",
    "index_generation": "index.opening",
    "live_meta": "index.opening",
    "open_index": "index.opening",
    "IndexStats": "index.stats",
    "index_stats": "index.stats",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


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
    "live_meta",
    "open_index",
    "update_index",
]
