"""Opening the live generation for reading, with every failure mapped to an index error."""

from __future__ import annotations

import errno
import os
import pickle
import struct
import zlib
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, Index, IndexVersionError
from whoosh.index import IndexError as WhooshIndexError

from index import whoosh_patches
from index.columns import ColumnsUnreadable
from index.errors import (
    IndexCorruptError,
    IndexMissingError,
    IndexUnreadableError,
    NewsdeskIndexError,
    SchemaVersionError,
)
from index.locking import lock_holder
from index.schema import SCHEMA_VERSION
from index.shard_reading import ShardedIndex
from index.shards import read_layout
from index.store import (
    CURRENT_FILE,
    GenerationMeta,
    LiveGeneration,
    locate_generation,
    read_current,
    read_meta,
    resolve_index_dir,
)

#: A writer may swap generations between our reading CURRENT and opening the folder.
_OPEN_ATTEMPTS = 5

#: What damaged Whoosh files raise when read (truncated, overwritten or missing parts).
CORRUPTION_ERRORS: tuple[type[BaseException], ...] = (
    WhooshIndexError,  # e.g. "created on different architecture": an overwritten TOC
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    TypeError,
    AssertionError,
    OverflowError,
    MemoryError,
    zlib.error,
    ColumnsUnreadable,
)


#: What reading a damaged file raises (narrower than CORRUPTION_ERRORS, so a query can
#: map these to IndexCorruptError without passing a programming error off as damage).
DAMAGED_FILE_ERRORS: tuple[type[BaseException], ...] = (
    WhooshIndexError,
    EOFError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
)


#: index folder -> (identity of its CURRENT file, the generation named in it).
_GENERATIONS: dict[Path, tuple[tuple[int, int, int], str]] = {}


def index_generation(index_dir: str | os.PathLike[str] | None = None) -> str:
    """A token that changes whenever a new version of the index becomes live.

    Every write publishes a new generation folder, so the name in ``CURRENT`` is the
    token.  Engines ask before every query, so the file is read again only when its
    inode, modification time or size changed (a ``stat`` instead of an open and read:
    2 us, not 40): a writer replaces ``CURRENT`` with a new file, which always has
    another inode than the one it replaces.  When ``CURRENT`` is lost, the token is the
    generation readers fall back to.  Empty string when there is no index.
    """
    try:
        directory = resolve_index_dir(index_dir)
        status = os.stat(directory / CURRENT_FILE)
        identity = (status.st_ino, status.st_mtime_ns, status.st_size)
        cached = _GENERATIONS.get(directory)
        if cached is not None and cached[0] == identity:
            return cached[1]
        name = read_current(directory)
    except FileNotFoundError:
        name = None
    except OSError:
        return ""
    if name is None or not (directory / name).is_dir():
        return locate_generation(directory).name or ""
    _GENERATIONS[directory] = (identity, name)
    return name


def live_generation(index_dir: Path) -> LiveGeneration:
    """The live generation (see ``store.locate_generation``), OS errors mapped."""
    try:
        return locate_generation(index_dir)
    except PermissionError as error:
        raise IndexUnreadableError(index_dir / CURRENT_FILE, "permission denied") from error
    except OSError as error:
        raise IndexUnreadableError(
            index_dir / CURRENT_FILE, error.strerror or str(error)
        ) from error


def current_generation_dir(index_dir: Path) -> Path:
    """The live generation's folder; raises IndexMissingError/IndexCorruptError."""
    live = live_generation(index_dir)
    if live.name is None:
        if live.problem:
            raise IndexCorruptError(
                index_dir, f"{live.problem} and no complete generation was found"
            )
        raise IndexMissingError(index_dir, lock_holder(index_dir))
    return index_dir / live.name


def live_meta(index_dir: str | os.PathLike[str] | None = None) -> GenerationMeta:
    """What ``newsdesk.json`` of the live generation records (articles, corpora, when it
    was built); raises IndexMissingError/IndexCorruptError/IndexUnreadableError."""
    folder = resolve_index_dir(index_dir)
    return load_meta(folder, current_generation_dir(folder))


def load_meta(index_dir: Path, generation_dir: Path) -> GenerationMeta:
    try:
        return read_meta(generation_dir)
    except FileNotFoundError as error:
        raise IndexCorruptError(index_dir, f"{generation_dir.name} has no metadata") from error
    except PermissionError as error:
        raise IndexUnreadableError(generation_dir, "permission denied") from error
    except (OSError, ValueError) as error:
        raise IndexCorruptError(index_dir, f"unreadable metadata: {error}") from error


def check_schema(index_dir: Path, meta: GenerationMeta) -> None:
    if meta.schema_version != SCHEMA_VERSION:
        raise SchemaVersionError(index_dir, meta.schema_version, SCHEMA_VERSION)


def open_generation(index_dir: Path, generation_dir: Path) -> Index:
    """Open one generation's Whoosh index and touch every segment, mapping failures: a
    sharded index's generation opens every shard it names, read as one index."""
    whoosh_patches.apply()
    try:
        layout = read_layout(generation_dir)
    except ValueError as error:
        raise IndexCorruptError(index_dir, f"{generation_dir.name}: {error}") from error
    if layout is not None:
        shards = []
        for name in layout.generations:
            if not (index_dir / name).is_dir():
                raise IndexCorruptError(
                    index_dir, f"{generation_dir.name} names the shard {name}, which is missing"
                )
            shards.append(_open_whoosh(index_dir, index_dir / name))
        return ShardedIndex(generation_dir, shards)
    return _open_whoosh(index_dir, generation_dir)


def live_parts(index_dir: str | os.PathLike[str] | None = None) -> tuple[str, tuple[str, ...]]:
    """The live generation and the Whoosh indexes it is made of, as folders relative to
    the index directory: every shard's generation in shard order (``shards/00/gen-...``),
    or the generation itself when the index has one shard.  Checks the schema version;
    raises the errors ``open_index`` raises."""
    directory = resolve_index_dir(index_dir)
    if not directory.exists():
        raise IndexMissingError(directory)
    generation_dir = current_generation_dir(directory)
    check_schema(directory, load_meta(directory, generation_dir))
    try:
        layout = read_layout(generation_dir)
    except ValueError as error:
        raise IndexCorruptError(directory, f"{generation_dir.name}: {error}") from error
    if layout is None:
        return generation_dir.name, (generation_dir.name,)
    return generation_dir.name, layout.generations


def open_part(index_dir: str | os.PathLike[str] | None, folder: str) -> Index:
    """One of the Whoosh indexes ``live_parts`` names (a shard searched on its own)."""
    whoosh_patches.apply()
    directory = resolve_index_dir(index_dir)
    if not (directory / folder).is_dir():
        raise IndexMissingError(directory / folder)
    return _open_whoosh(directory, directory / folder)


def _open_whoosh(index_dir: Path, generation_dir: Path) -> Index:
    try:
        ix = whoosh_index.open_dir(str(generation_dir))
        with ix.reader() as reader:  # opens each segment's files: catches damage early
            reader.doc_count()
            for fieldname in ("id",):
                next(iter(reader.lexicon(fieldname)), None)
        return ix
    except IndexVersionError as error:
        raise SchemaVersionError(index_dir, "of another Whoosh format", SCHEMA_VERSION) from error
    except EmptyIndexError as error:
        raise IndexCorruptError(
            index_dir, f"{generation_dir.name} holds no Whoosh index"
        ) from error
    except PermissionError as error:
        raise IndexUnreadableError(generation_dir, "permission denied") from error
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM):
            raise IndexUnreadableError(generation_dir, "permission denied") from error
        raise IndexCorruptError(index_dir, f"cannot read segment files: {error}") from error
    except CORRUPTION_ERRORS as error:
        raise IndexCorruptError(
            index_dir, f"segment files unreadable: {type(error).__name__}: {error}"
        ) from error


def open_index(index_dir: str | os.PathLike[str] | None = None) -> Index:
    """The Whoosh ``Index`` of the live generation, after checking its schema version.

    Raises IndexMissingError, SchemaVersionError, IndexCorruptError or
    IndexUnreadableError with a message saying what to do.  Reopen (do not
    ``searcher.refresh()``) when :func:`index_generation` changes: each write publishes a
    new folder and the old one is deleted.
    """
    directory = resolve_index_dir(index_dir)
    if not directory.exists():
        raise IndexMissingError(directory)
    last_error: NewsdeskIndexError | None = None
    for _ in range(_OPEN_ATTEMPTS):
        generation_dir = current_generation_dir(directory)
        try:
            meta = load_meta(directory, generation_dir)
            check_schema(directory, meta)
            return open_generation(directory, generation_dir)
        except (IndexCorruptError, FileNotFoundError) as error:
            # A writer may have swapped in a new generation and deleted this one
            # between our reads: retry while CURRENT keeps moving.
            if index_generation(directory) == generation_dir.name:
                if isinstance(error, IndexCorruptError):
                    raise
                raise IndexCorruptError(directory, f"missing file: {error}") from error
            last_error = (
                error
                if isinstance(error, IndexCorruptError)
                else IndexCorruptError(directory, f"missing file: {error}")
            )
    assert last_error is not None
    raise last_error
