"""The on-disk layout of an index directory, and the atomic swap that makes writes safe.

An index directory holds one folder per *generation* (``gen-000007``), each a complete
Whoosh index plus ``newsdesk.json`` (schema version, corpora, build time, counts), and a
``CURRENT`` file naming the live generation.  A writer builds the next generation in a
temporary folder (``.tmp-<pid>-<random>``), fsyncs it, renames it to its final name and
then replaces ``CURRENT`` with ``os.replace`` -- one atomic step, so readers see either the
old index or the new one, and a crash at any moment leaves the old one live.  Generations
that are no longer current are deleted; readers still holding their files keep reading
them (POSIX keeps unlinked files alive while open).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

CURRENT_FILE = "CURRENT"
META_FILE = "newsdesk.json"
LOCK_FILE = "LOCK"
GENERATION_PREFIX = "gen-"
TEMP_PREFIX = ".tmp-"
_GENERATION_RE = re.compile(r"^gen-(\d{6,})$")
_TEMP_RE = re.compile(r"^\.tmp-(\d+)-[0-9a-f]+$")


def default_index_dir() -> Path:
    """``$NEWSDESK_INDEX`` if set, else the per-user data dir (XDG on Linux) / ``index``."""
    configured = os.environ.get("NEWSDESK_INDEX")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("newsdesk", appauthor=False)) / "index"


def resolve_index_dir(index_dir: str | os.PathLike[str] | None) -> Path:
    return default_index_dir() if index_dir is None else Path(index_dir).expanduser()


@dataclass
class GenerationMeta:
    """What ``newsdesk.json`` records about one generation."""

    schema_version: int
    corpora: list[str]
    built_at: str
    build_seconds: float
    articles: int
    last_update: dict[str, int] = field(default_factory=dict)
    newsdesk_version: str = ""
    #: ``--max-article-mb`` as last given (bytes), kept for later refreshes; None: the
    #: corpus reader's default.
    max_article_bytes: int | None = None
    #: ``--source`` as given per corpus (root -> publisher), kept for later refreshes.
    sources: dict[str, str] = field(default_factory=dict)
    #: The names each corpus's code books give its codes (root -> field -> code ->
    #: name), so a filter by code (``topic:acq``) finds the articles that show the name.
    code_names: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    #: The entity pass its articles were written with (``index.entity_cache``): the
    #: model's name, "off" or "" (no model); None: not recorded (an older index).
    entities: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> GenerationMeta:
        return cls(
            schema_version=data.get("schema_version", 0),
            corpora=[str(c) for c in data.get("corpora", [])],
            built_at=str(data.get("built_at", "")),
            build_seconds=float(data.get("build_seconds", 0.0)),
            articles=int(data.get("articles", 0)),
            last_update={str(k): int(v) for k, v in data.get("last_update", {}).items()},
            newsdesk_version=str(data.get("newsdesk_version", "")),
            max_article_bytes=_optional_int(data.get("max_article_bytes")),
            sources={str(k): str(v) for k, v in (data.get("sources") or {}).items()},
            code_names={
                str(root): {
                    str(kind): {str(code): str(name) for code, name in codes.items()}
                    for kind, codes in fields.items()
                    if isinstance(codes, dict)
                }
                for root, fields in (data.get("code_names") or {}).items()
                if isinstance(fields, dict)
            },
            entities=_optional_str(data.get("entities")),
        )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_current(index_dir: Path) -> str | None:
    """The generation ``CURRENT`` names, or None when it is missing, empty or damaged
    (not a generation name).  Other OS errors (permission denied) are raised."""
    try:
        raw = (index_dir / CURRENT_FILE).read_bytes()
    except FileNotFoundError:
        return None
    name = raw.decode("ascii", "replace").strip()
    return name if generation_number(name) is not None else None


@dataclass(frozen=True, slots=True)
class LiveGeneration:
    """Which generation readers and writers use, and what was wrong with ``CURRENT``.

    ``name`` is None when the directory holds no index.  ``problem`` is empty when
    ``CURRENT`` named an existing generation; otherwise it says what was wrong with the
    pointer, and ``name`` (if any) is the newest complete generation found instead.
    """

    name: str | None
    problem: str = ""

    @property
    def recovered(self) -> bool:
        return bool(self.problem) and self.name is not None


def _pointer_problem(index_dir: Path) -> str:
    """What is wrong with ``CURRENT`` ("" when it names an existing generation)."""
    path = index_dir / CURRENT_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return f"{CURRENT_FILE} is missing"
    text = raw.decode("ascii", "replace").strip()
    if not text:
        return f"{CURRENT_FILE} is empty"
    if generation_number(text) is None:
        return f"{CURRENT_FILE} is damaged (it holds {raw[:40]!r}, not a generation name)"
    if not (index_dir / text).is_dir():
        return f"{CURRENT_FILE} names {text}, which is missing"
    return ""


def is_complete_generation(folder: Path) -> bool:
    """A folder holding readable metadata and a Whoosh table of contents (or, in a
    sharded index, the list of its shards: ``index.shards``)."""
    try:
        read_meta(folder)
        return any(name.endswith(".toc") or name == "shards.json" for name in os.listdir(folder))
    except (OSError, ValueError):
        return False


def locate_generation(index_dir: Path) -> LiveGeneration:
    """The live generation: the one ``CURRENT`` names, else the newest complete one.

    A generation folder holding a valid index is never given up because the pointer to
    it was lost (deleted, emptied, overwritten): readers use it, and the next write
    publishes its successor with a repaired ``CURRENT``.
    """
    problem = _pointer_problem(index_dir)
    if not problem:
        name = read_current(index_dir)
        assert name is not None
        return LiveGeneration(name)
    try:
        entries = os.listdir(index_dir)
    except FileNotFoundError:
        return LiveGeneration(None)
    numbered = sorted(
        ((number, entry) for entry in entries if (number := generation_number(entry)) is not None),
        reverse=True,
    )
    for _, entry in numbered:
        if is_complete_generation(index_dir / entry):
            return LiveGeneration(entry, problem)
    missing_pointer = problem == f"{CURRENT_FILE} is missing"
    return LiveGeneration(None, "" if missing_pointer and not numbered else problem)


def read_meta(generation_dir: Path) -> GenerationMeta:
    """Raises OSError/ValueError on a missing or mangled file (callers map them)."""
    data = json.loads((generation_dir / META_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{META_FILE} is not a JSON object")
    return GenerationMeta.from_mapping(data)


def read_code_names(generation_dir: Path | None) -> dict[str, dict[str, str]]:
    """The code names a generation records, every corpus's together (field -> code ->
    name; {} when it records none or cannot be read: filters by code then find only
    what is indexed by its code)."""
    if generation_dir is None:
        return {}
    try:
        per_corpus = read_meta(generation_dir).code_names
    except (OSError, ValueError):
        return {}
    merged: dict[str, dict[str, str]] = {}
    for fields in per_corpus.values():
        for kind, codes in fields.items():
            merged.setdefault(kind, {}).update(codes)
    return merged


def generation_number(name: str) -> int | None:
    match = _GENERATION_RE.match(name)
    return int(match.group(1)) if match else None


def next_generation_name(index_dir: Path) -> str:
    """One more than the highest generation ever seen here, so a name is never reused."""
    highest = 0
    with contextlib.suppress(FileNotFoundError):
        for entry in os.listdir(index_dir):
            number = generation_number(entry)
            if number is not None:
                highest = max(highest, number)
    current = read_current(index_dir)
    if current and (number := generation_number(current)) is not None:
        highest = max(highest, number)
    return f"{GENERATION_PREFIX}{highest + 1:06d}"


def new_temp_dir(index_dir: Path) -> Path:
    path = index_dir / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    path.mkdir()
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(index_dir: Path, keep: str | None) -> list[str]:
    """Delete leftovers of crashed writers and superseded generations (call under the lock).

    ``keep`` is the live generation, named by an intact ``CURRENT``; every other
    generation is a leftover (superseded, or renamed into place by a writer that died
    before publishing it).  With ``keep`` None (no index, or a lost pointer) no generation
    is deleted: one of them may be the only copy of the archive.  Temp folders of a live
    process are left alone (defensive: the lock already excludes a second writer).
    Returns the names removed, for logging and tests.
    """
    removed: list[str] = []
    try:
        entries = os.listdir(index_dir)
    except FileNotFoundError:
        return removed
    for entry in entries:
        temp = _TEMP_RE.match(entry)
        stale_temp = temp is not None and (
            int(temp.group(1)) == os.getpid() or not _pid_alive(int(temp.group(1)))
        )
        old_generation = keep is not None and generation_number(entry) is not None and entry != keep
        stale_pointer = entry.startswith(f"{CURRENT_FILE}.tmp")
        if stale_temp or old_generation:
            shutil.rmtree(index_dir / entry, ignore_errors=True)
            removed.append(entry)
        elif stale_pointer:
            with contextlib.suppress(FileNotFoundError):
                (index_dir / entry).unlink()
            removed.append(entry)
    return removed


def fsync_tree(folder: Path) -> None:
    """Flush every file and the folder itself, so a power cut cannot half-write them."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_meta(generation_dir: Path, meta: GenerationMeta) -> None:
    (generation_dir / META_FILE).write_text(meta.to_json(), encoding="utf-8")


def publish(index_dir: Path, temp_dir: Path, generation: str) -> Path:
    """Rename the finished temp folder to ``generation`` and make it current, atomically."""
    final = index_dir / generation
    os.rename(temp_dir, final)
    fsync_dir(index_dir)
    pointer_tmp = index_dir / f"{CURRENT_FILE}.tmp-{os.getpid()}"
    with open(pointer_tmp, "w", encoding="utf-8") as pointer:
        pointer.write(generation + "\n")
        pointer.flush()
        os.fsync(pointer.fileno())
    os.replace(pointer_tmp, index_dir / CURRENT_FILE)
    fsync_dir(index_dir)
    return final


def link_or_copy_tree(source: Path, destination: Path, skip: Callable[[str], bool]) -> None:
    """Share the (immutable) Whoosh files of ``source`` with a new generation.

    Whoosh never rewrites a segment or TOC file in place (new data goes to new names,
    old files are only unlinked), so hard links are safe and make copy-on-write cheap;
    plain copies are the fallback on file systems without hard links.
    """
    for entry in os.scandir(source):
        if skip(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        target = destination / entry.name
        try:
            os.link(entry.path, target)
        except OSError:
            shutil.copy2(entry.path, target)


def directory_size(folder: Path) -> int:
    total = 0
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            total += entry.stat(follow_symlinks=False).st_size
    return total
