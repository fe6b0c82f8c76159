"""Walking a corpus root: a file, a folder tree, or an archive read in place.

An archive (.tar.gz, .tgz, .tar, .zip, ...) is read as the folder it would unpack to,
streaming member by member, so ``bbc-fulltext.tar.gz`` inside ``corpora/bbc/`` gives
the same relative paths (and so the same article ids) as its unpacked tree would.
Everything is visited in sorted order, so ids and output are deterministic.
"""

from __future__ import annotations

import functools
import os
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from corpus.report import CorpusReport

TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
ZIP_SUFFIXES = (".zip",)

#: Errors that mean an archive cannot be (fully) read; reported, never raised.
ARCHIVE_ERRORS = (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile, zlib.error)

#: ``want(entry)`` answers how much of a file to read: 0 nothing, -1 all, n the first n bytes.
Want = Callable[["Entry"], int]


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a corpus root, named as if every archive were unpacked in place."""

    relative: str  #: POSIX path relative to the root the user gave
    path: str  #: shown in reports and ``Article.path`` ("archive::member" inside archives)
    size: int

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
        """The name of the folder holding the file, "" at the root."""
        return self.folder.rpartition("/")[2]


def is_archive(name: str) -> bool:
    return name.lower().endswith(TAR_SUFFIXES + ZIP_SUFFIXES)


def is_hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def walk(root: Path, want: Want, report: CorpusReport | None) -> Iterator[tuple[Entry, bytes]]:
    """Yield every file under ``root`` with the bytes ``want`` asks for.

    Problems (unreadable files, broken archives, hidden folders) go to ``report`` when
    one is given, so a second pass over the same root can stay quiet.
    """
    if root.is_dir():
        yield from _walk_folder(root, want, report)
    elif is_archive(root.name):
        yield from _walk_archive(root, "", want, report)
    else:
        entry = Entry(root.name, str(root), _size(root))
        data = _read_file(root, want(entry), entry, report)
        if data is not None:
            yield entry, data


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_file(path: Path, amount: int, entry: Entry, report: CorpusReport | None) -> bytes | None:
    if amount == 0:
        return b""
    try:
        with path.open("rb") as handle:
            return handle.read(amount)
    except OSError as error:
        if report is not None:
            report.skip(entry.path, f"cannot read file: {error.strerror or error}")
        return None


def _walk_folder(
    root: Path, want: Want, report: CorpusReport | None
) -> Iterator[tuple[Entry, bytes]]:
    def on_error(error: OSError) -> None:
        if report is not None:
            report.skip(str(error.filename), f"cannot read folder: {error.strerror or error}")

    for folder, dirnames, filenames in os.walk(root, onerror=on_error):
        folder_path = Path(folder)
        for hidden in [name for name in dirnames if is_hidden(name)]:
            dirnames.remove(hidden)
            if report is not None:
                report.ignore(str(folder_path / hidden), "hidden folder")
        dirnames.sort()
        relative_folder = folder_path.relative_to(root).as_posix()
        prefix = "" if relative_folder == "." else relative_folder + "/"
        for filename in sorted(filenames):
            path = folder_path / filename
            if is_archive(filename) and not is_hidden(filename):
                yield from _walk_archive(path, prefix, want, report)
                continue
            entry = Entry(prefix + filename, str(path), _size(path))
            data = _read_file(path, want(entry), entry, report)
            if data is not None:
                yield entry, data


def _walk_archive(
    archive: Path, prefix: str, want: Want, report: CorpusReport | None
) -> Iterator[tuple[Entry, bytes]]:
    members = _zip_members if archive.name.lower().endswith(ZIP_SUFFIXES) else _tar_members
    try:
        for member_name, size, opener in members(archive):
            entry = Entry(prefix + member_name, f"{archive}::{member_name}", size)
            if is_archive(member_name):
                if report is not None:
                    report.skip(entry.path, "archive inside an archive: unpack it first")
                continue
            amount = want(entry)
            if amount == 0:
                yield entry, b""
                continue
            with opener() as handle:
                yield entry, handle.read(amount)
    except ARCHIVE_ERRORS as error:
        if report is not None:
            report.skip(str(archive), f"cannot read archive: {error}")


Members = Iterator[tuple[str, int, Callable[[], IO[bytes]]]]


def _already_open(handle: IO[bytes]) -> Callable[[], IO[bytes]]:
    return lambda: handle


def _tar_members(archive: Path) -> Members:
    """Stream a tar archive member by member (no seeking, no unpacking to disk)."""
    with tarfile.open(archive, mode="r|*") as tar:
        for member in tar:
            if not member.isfile():
                continue
            extracted = tar.extractfile(member)
            if extracted is None:  # pragma: no cover - isfile() members always extract
                continue
            yield member.name.removeprefix("./"), member.size, _already_open(extracted)


def _zip_members(archive: Path) -> Members:
    with zipfile.ZipFile(archive) as zipped:
        for info in sorted(zipped.infolist(), key=lambda item: item.filename):
            if info.is_dir():
                continue
            yield info.filename, info.file_size, functools.partial(zipped.open, info)
