"""Opening corpus files so that nothing can block a run or lead it out of the corpus.

A corpus folder may hold named pipes, sockets, device nodes and symbolic links, put there
by accident or on purpose.  Reading a pipe waits forever for a writer, a device such as
``/dev/zero`` never ends, and a link can point anywhere (``/etc/passwd``,
``/proc/self/environ``).  The policy: read regular files only, and follow a symbolic link
only when its target is a regular file inside the root folder the user named.  Everything
else is refused, with the reason, before it is opened.

The check is made twice: on the name (``lstat``, never opening), then on the open file
(``fstat``: still a regular file, and the very one checked), and the file is opened
non-blocking, so swapping in a pipe between the check and the open cannot block the run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from corpus.extract.cleaning import printable_name

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

_KINDS = (
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "symbolic link"),
)


class NotReadable(Exception):
    """Why a corpus file was not opened (reported as a skip with this message)."""


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words ("named pipe", ...)."""
    return next((kind for is_kind, kind in _KINDS if is_kind(mode)), "special file")


def not_regular(mode: int) -> NotReadable:
    return NotReadable(f"not a regular file ({file_kind(mode)})")


def cannot_read(error: OSError) -> NotReadable:
    return NotReadable(f"cannot read file: {error.strerror or error}")


def open_regular_file(path: Path, inside: Path | None) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file or a link to one.

    ``inside``: the resolved root folder a link's target must lie in (None for a root
    file the user named, whose links are followed anywhere).  Raises :class:`NotReadable`.
    """
    try:
        info = os.lstat(path)
    except OSError as error:
        raise cannot_read(error) from None
    target = path
    if stat.S_ISLNK(info.st_mode):
        target, info = _link_target(path, inside)
    if not stat.S_ISREG(info.st_mode):
        raise not_regular(info.st_mode)
    try:
        descriptor = os.open(target, _OPEN_FLAGS)
    except OSError as error:
        raise cannot_read(error) from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise not_regular(opened.st_mode)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise NotReadable("file replaced while being opened; not read")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _link_target(link: Path, inside: Path | None) -> tuple[Path, os.stat_result]:
    """The resolved target of a symbolic link and its status, if the policy allows it."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
        raise NotReadable(f"broken symbolic link to {_link_text(link)}") from None
    if inside is not None and not target.is_relative_to(inside):
        shown = printable_name(str(target))
        raise NotReadable(f"symbolic link to outside the corpus folder (not followed): {shown}")
    try:
        return target, os.stat(target)
    except OSError as error:
        raise cannot_read(error) from None


def _link_text(link: Path) -> str:
    try:
        return printable_name(os.readlink(link))
    except OSError:
        return "(unreadable target)"
