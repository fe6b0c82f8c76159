"""Walking a corpus root: a file, a folder tree, or an archive read in place.

An archive (.tar.gz, .tgz, .tar, .zip, ...) is read as the folder it would unpack to,
streaming member by member, so ``bbc-fulltext.tar.gz`` inside ``corpora/bbc/`` gives
the same relative paths (and so the same article ids) as its unpacked tree would.
Everything is visited in sorted order, so ids and output are deterministic.

Files are handed out with an *opener*, not their bytes: the reader opens only what it
needs, and opening is where the policy of :mod:`corpus.opening` applies (regular files
only; symbolic links followed only to files inside the root).  Links to folders are never
followed; archive members that are links or devices are never read.  Names are shown
printable (:func:`corpus.extract.cleaning.printable_name`).
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from corpus.extract.cleaning import printable_name
from corpus.opening import NotReadable, not_regular, open_regular_file
from corpus.report import CorpusReport

TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
ZIP_SUFFIXES = (".zip",)
#: How much of a tar stream is read at a time (tarfile's default, 10 KB, costs more calls).
TAR_BUFFER_BYTES = 1 << 16

#: Errors that mean a file or an archive cannot be (fully) read; reported, never raised.
READ_ERRORS = (
    OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, zlib.error, lzma.LZMAError
)  # fmt: skip


#: Opens one file of a walk for reading; raises :class:`NotReadable` (or an archive error).
#: Call it before the walk moves on: a tar archive is read as a stream.
Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a corpus root, named as if every archive were unpacked in place."""

    relative: str  #: POSIX path relative to the root the user gave
    path: str  #: shown in reports and ``Article.path`` ("archive::member" inside archives)
    size: int
    #: Last modification (ns) of the file, or of the archive holding it; 0 if unknown.
    modified_ns: int = 0

    @property
    def name(self) -> str:
        return self.relative.rpartition("/")[2]

    @property
    def folder(self) -> str:
        """The relative folder holding the file ("" at the root)."""
        return self.relative.rpartition("/")[0]

    @property
    def stem(self) -> str:
        """Relative path without its extension: the id of a one-article file."""
        path = PurePosixPath(self.relative)
        return str(path.with_suffix("")) if path.suffix else self.relative

    @property
    def category(self) -> str:
        """The name of the folder holding the file, "" at the root; a folder named
        after a file format ("html", "md", "txt": a collection sorted by format, not by
        section) gives the name of the folder above it ("sport/md/a.md": "sport")."""
        for name in reversed(self.folder.split("/")):
            if name.casefold() not in FORMAT_FOLDERS:
                return name
        return ""


#: Folder names that name a file format, not a section of the news.
FORMAT_FOLDERS = frozenset({
    "csv", "htm", "html", "json", "jsonl", "markdown", "md", "ndjson", "sgm", "sgml",
    "text", "texts", "txt", "xhtml", "xml",
})  # fmt: skip


def is_archive(name: str) -> bool:
    return name.lower().endswith(TAR_SUFFIXES + ZIP_SUFFIXES)


def is_hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def walk(root: Path, report: CorpusReport | None) -> Iterator[tuple[Entry, Opener]]:
    """Yield every file under ``root`` with the means to open it.

    Problems of the tree itself (unreadable folders and archives, hidden folders, links
    to folders, archive members that are not files) go to ``report`` when one is given,
    so a second pass over the same root can stay quiet.
    """
    if root.is_dir():
        yield from _walk_folder(root, report)
    elif is_archive(root.name):
        yield from _walk_archive(root, "", None, report)
    else:
        entry = Entry(printable_name(root.name), printable_name(str(root)), *_stamp(root))
        yield entry, functools.partial(open_regular_file, root, None)


def _stamp(path: Path) -> tuple[int, int]:
    """(size, modification time in ns) of a file; zeros if it cannot be looked at."""
    try:
        info = path.stat()
    except OSError:
        return 0, 0
    return info.st_size, info.st_mtime_ns


def _walk_folder(root: Path, report: CorpusReport | None) -> Iterator[tuple[Entry, Opener]]:
    def on_error(error: OSError) -> None:
        if report is not None:
            where = printable_name(str(error.filename))
            report.skip(where, f"cannot read folder: {error.strerror or error}")

    inside = root.resolve()
    for folder, dirnames, filenames in os.walk(root, onerror=on_error):
        folder_path = Path(folder)
        for name in list(dirnames):
            reason = "hidden folder" if is_hidden(name) else None
            if reason is None and (folder_path / name).is_symlink():
                reason = "symbolic link to a folder (not followed)"
            if reason is not None:
                dirnames.remove(name)
                if report is not None:
                    report.ignore(printable_name(str(folder_path / name)), reason)
        dirnames.sort()
        relative_folder = folder_path.relative_to(root).as_posix()
        prefix = "" if relative_folder == "." else relative_folder + "/"
        for filename in sorted(filenames):
            path = folder_path / filename
            if is_archive(filename) and not is_hidden(filename):
                yield from _walk_archive(path, prefix, inside, report)
                continue
            name = printable_name(prefix + filename)
            entry = Entry(name, printable_name(str(path)), *_stamp(path))
            yield entry, functools.partial(open_regular_file, path, inside)


@dataclass(frozen=True, slots=True)
class _Member:
    """One archive member: an opener for a regular file, else why it is not read."""

    name: str
    size: int
    opener: Opener | None = None
    skipped: str = ""  #: not read, and it may have held a story (a device, a pipe)
    ignored: str = ""  #: not read by rule (a link: its target is read under its own name)


def _walk_archive(
    archive: Path, prefix: str, inside: Path | None, report: CorpusReport | None
) -> Iterator[tuple[Entry, Opener]]:
    shown = printable_name(str(archive))
    try:
        handle = open_regular_file(archive, inside)
    except NotReadable as problem:
        if report is not None:
            report.skip(shown, str(problem))
        return
    members = _zip_members if archive.name.lower().endswith(ZIP_SUFFIXES) else _tar_members
    modified_ns = _stamp(archive)[1]
    with handle:
        try:
            for member in members(handle):
                name = printable_name(member.name)
                relative = printable_name(prefix) + name
                entry = Entry(relative, f"{shown}::{name}", member.size, modified_ns)
                if member.opener is None or is_archive(member.name):
                    if report is not None:
                        _report_member(entry, member, report)
                    continue
                yield entry, member.opener
        except READ_ERRORS as error:
            if report is not None:
                report.skip(shown, f"cannot read archive: {error}")


def _report_member(entry: Entry, member: _Member, report: CorpusReport) -> None:
    if member.ignored:
        report.ignore(entry.path, member.ignored)
    elif member.skipped:
        report.skip(entry.path, member.skipped)
    else:
        report.skip(entry.path, "archive inside an archive: unpack it first")


def _tar_members(handle: IO[bytes]) -> Iterator[_Member]:
    """Stream a tar archive member by member (no seeking, no unpacking to disk)."""
    with (
        _decompressed(handle) as stream,
        tarfile.open(fileobj=stream, mode="r|", bufsize=TAR_BUFFER_BYTES) as tar,
    ):
        for member in tar:
            name = member.name.removeprefix("./")
            if member.isfile():
                opener = functools.partial(_extract, tar, member)
                yield _Member(name, member.size, opener)
            elif member.issym() or member.islnk():
                kind = "symbolic" if member.issym() else "hard"
                target = printable_name(member.linkname)
                yield _Member(
                    name, 0, ignored=f"{kind} link inside an archive (not followed): {target}"
                )
            elif not member.isdir():
                yield _Member(name, 0, skipped=str(not_regular(_tar_mode(member))))


def _decompressed(handle: IO[bytes]) -> IO[bytes] | io.BufferedIOBase:
    """The archive's tar stream: ``handle`` itself, or a reader decompressing it.

    Decompressed here rather than by tarfile, whose stream mode inflates a whole block at
    once (1,000 times its size in a decompression bomb): these readers never return
    more than was asked for.
    """
    magic = handle.read(6)
    handle.seek(0)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=handle, mode="rb")
    if magic.startswith(b"BZh"):
        return bz2.BZ2File(handle)
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(handle)
    return handle


def _tar_mode(member: tarfile.TarInfo) -> int:
    if member.isfifo():
        return stat.S_IFIFO
    return stat.S_IFCHR if member.ischr() else stat.S_IFBLK if member.isblk() else 0


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    extracted = tar.extractfile(member)
    if extracted is None:  # pragma: no cover - isfile() members always extract
        raise NotReadable("cannot read archive member")
    return extracted


def _zip_members(handle: IO[bytes]) -> Iterator[_Member]:
    with zipfile.ZipFile(handle) as zipped:
        for info in sorted(zipped.infolist(), key=lambda item: item.filename):
            if info.is_dir():
                continue
            if stat.S_ISLNK(info.external_attr >> 16):  # unix mode bits, as zip -y stores links
                reason = "symbolic link inside an archive (not followed)"
                yield _Member(info.filename, 0, ignored=reason)
                continue
            opener = functools.partial(_open_zip, zipped, info)
            yield _Member(info.filename, info.file_size, opener)


def _open_zip(zipped: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    try:
        return zipped.open(info)
    except (RuntimeError, NotImplementedError) as error:  # encrypted; unknown compression
        raise NotReadable(f"cannot read archive member: {error}") from None
