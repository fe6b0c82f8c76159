"""One writer at a time: a POSIX record lock on ``LOCK`` holding the writer's PID.

``fcntl.lockf`` locks belong to the process, vanish when it dies (even by SIGKILL) and
are not inherited by Whoosh's worker processes, so a crashed writer never leaves a lock
behind: the ``LOCK`` file may stay, with a dead PID in it, and the next writer simply
takes it over.  The PID is only there to name the holder in the error message.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path
from types import TracebackType

from index.errors import IndexDiskFullError, IndexLockedError, IndexUnreadableError
from index.store import LOCK_FILE

#: Lock files this process holds: POSIX locks do not exclude the owning process, so a
#: second writer inside the same process is refused here instead.
_HELD: set[Path] = set()


class WriterLock:
    """Context manager: exclusive right to write ``index_dir`` (raises IndexLockedError)."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        key = self.path.resolve()
        if key in _HELD:
            raise IndexLockedError(self.path.parent, os.getpid())
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:  # permission denied, read-only file system, disk full ...
            if error.errno == errno.ENOSPC:
                raise IndexDiskFullError(self.path.parent) from error
            raise IndexUnreadableError(self.path, error.strerror or str(error)) from error
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = _read_pid(fd)
            os.close(fd)
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise IndexLockedError(self.path.parent, holder) from error
            raise
        with contextlib.suppress(OSError):  # the PID only names us in messages: a full
            os.ftruncate(fd, 0)  # disk must not stop a writer that may free space
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        _HELD.add(key)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._fd is None:
            return
        _HELD.discard(self.path.resolve())
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.lockf(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def lock_holder(index_dir: Path) -> int | None:
    """PID of the live writer of ``index_dir`` (-1 if unreadable), or None when idle."""
    path = index_dir / LOCK_FILE
    if path.resolve() in _HELD:
        # Never open a second descriptor here: closing it would drop our own lock.
        return os.getpid()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        # F_GETLK-style probe without taking the lock: a shared lock attempt on a
        # read-only fd fails exactly when a writer holds the exclusive lock.
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _read_pid(fd) or -1
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
