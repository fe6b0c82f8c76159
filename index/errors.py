"""Errors the index layer raises: each says what happened and what the user can do.

Whoosh and OS errors are translated into these where they occur (opening, locking,
writing), so callers above the index only ever see :class:`NewsdeskIndexError`.
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import NewsdeskError


class NewsdeskIndexError(NewsdeskError):
    """Base of every index error (named so it does not shadow the builtin IndexError)."""

    title = "Index error"


class IndexMissingError(NewsdeskIndexError):
    """There is no index at the location (never built, or a wrong ``--index``)."""

    title = "No index"

    def __init__(self, index_dir: Path, builder: int | None = None) -> None:
        if builder is not None:  # the first build is under way: nothing to do but wait
            by = f" (PID {builder})" if builder > 0 else ""
            message = (
                f"no index at {index_dir} yet: its first build is running{by}; "
                "search again when it is done"
            )
        else:
            message = (
                f"no index at {index_dir}: run `newsdesk index PATH` first "
                "(or point --index / NEWSDESK_INDEX at an existing one)"
            )
        super().__init__(message)
        self.index_dir = index_dir
        #: PID of the process building the index's first version, if one is.
        self.builder = builder


class SchemaVersionError(NewsdeskIndexError):
    """The index was written by another version of the schema."""

    title = "Index out of date"

    def __init__(self, index_dir: Path, found: object, expected: int) -> None:
        super().__init__(
            f"the index at {index_dir} has schema version {found}, this newsdesk needs "
            f"{expected}: rebuild needed: run `newsdesk index --rebuild`"
        )
        self.index_dir = index_dir
        self.found = found
        self.expected = expected


class IndexCorruptError(NewsdeskIndexError):
    """Index files are missing, truncated or unreadable as Whoosh data."""

    title = "Index damaged"

    def __init__(self, index_dir: Path, detail: str) -> None:
        super().__init__(
            f"the index at {index_dir} is damaged ({detail}): "
            "rebuild it with `newsdesk index --rebuild`"
        )
        self.index_dir = index_dir


class IndexLockedError(NewsdeskIndexError):
    """Another process is writing the index right now."""

    title = "Index busy"

    def __init__(self, index_dir: Path, pid: int | None) -> None:
        who = f"PID {pid}" if pid else "another process"
        super().__init__(
            f"index is being updated by {who} ({index_dir}): wait for it to finish and retry"
        )
        self.index_dir = index_dir
        self.pid = pid


class IndexUnreadableError(NewsdeskIndexError):
    """The operating system refused access to the index directory or a file in it."""

    title = "Cannot access index"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"cannot access {path}: {reason}: check its permissions, or use --index DIR "
            "to choose another location"
        )
        self.path = path


class IndexDiskFullError(NewsdeskIndexError):
    """The disk filled up while writing; the previous index is untouched."""

    title = "Disk full"

    def __init__(self, index_dir: Path) -> None:
        super().__init__(
            f"disk full while writing the index at {index_dir}: the previous index is "
            "unchanged; free some space (or use --index DIR on another disk) and run again"
        )
        self.index_dir = index_dir


class IndexWriteError(NewsdeskIndexError):
    """Any other OS error while writing; the previous index is untouched."""

    title = "Cannot write index"

    def __init__(self, index_dir: Path, reason: str) -> None:
        super().__init__(
            f"cannot write the index at {index_dir}: {reason}; the previous index is unchanged"
        )
        self.index_dir = index_dir


class ClusterError(NewsdeskError):
    """A Ray cluster cannot be used: Ray is not installed, its address cannot be
    reached, its version differs, or its workers cannot see the index or the corpora."""

    title = "Cluster unavailable"
