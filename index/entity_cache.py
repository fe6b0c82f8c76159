"""The entity pass beside an index: what it found (``entities.sqlite``) and what each
generation records of it (``GenerationMeta.entities``).

The model reads about 8,000 words a second per core, the rest of a build a hundred times
that; so what it found in a story's text is kept, by a digest of the text, the model and
the rules (``corpus.extract.entities.names_key``), and a rebuild, a new shard count or a
story read again unchanged costs a lookup.  Worker processes each open their own
connection (SQLite in WAL mode: one writer at a time, readers never blocked).  The cache
is only a cache: any error reading or writing it is ignored and the model runs.

Each generation records which pass its articles were written with: the model's name,
``off`` (``--no-entities``, kept for later refreshes until ``--entities``) or "" (the
model was not installed).  A refresh whose pass finds names the recorded one did not
(the model installed since, ``--entities`` after ``--no-entities``, another model) reads
and writes every article again, so no story keeps lacking its names.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from corpus.extract.entities import installed_model

FILE = "entities.sqlite"
_BUSY_SECONDS = 30.0


class EntityCache:
    """One index's cache of the names found in its stories' texts (per process)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        self._broken = False

    def _db(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._connection is None or self._pid != os.getpid():  # never across a fork
            try:
                connection = sqlite3.connect(self.path, timeout=_BUSY_SECONDS, isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=OFF")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS names (key TEXT PRIMARY KEY, value TEXT)"
                )
            except sqlite3.Error:
                self._broken = True
                return None
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def get(self, key: str) -> str | None:
        db = self._db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM names WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return str(row[0]) if row else None

    def put(self, key: str, value: str) -> None:
        db = self._db()
        if db is None:
            return
        # a full disk or a locked file: the next build runs the model again
        with contextlib.suppress(sqlite3.Error):
            db.execute("INSERT OR IGNORE INTO names (key, value) VALUES (?, ?)", (key, value))


#: Where to keep the cache instead (a file path): one file several indexes share.
ENVIRONMENT = "NEWSDESK_ENTITY_CACHE"

_OPEN: dict[str, EntityCache] = {}


def cache_path(index_dir: Path) -> str:
    """The cache file of the index at ``index_dir``: ``$NEWSDESK_ENTITY_CACHE``, else
    ``entities.sqlite`` in the index folder (it outlives rebuilds, goes with the index)."""
    return os.environ.get(ENVIRONMENT) or str(index_dir / FILE)


def entity_cache(path: str) -> EntityCache:
    """The cache kept in the file ``path``, one object per process."""
    cache = _OPEN.get(path)
    if cache is None:
        cache = _OPEN[path] = EntityCache(Path(path))
    return cache


#: ``GenerationMeta.entities`` of an index whose entity pass was turned off.
PASS_OFF = "off"


def entity_pass(asked: bool | None, recorded: str | None) -> str:
    """This run's entity pass as a generation records it: the model's name, PASS_OFF, or
    "" (spaCy's model is not installed).  ``asked``: ``--entities`` (True) or
    ``--no-entities`` (False); None keeps the recorded choice (on for a new index)."""
    on = asked if asked is not None else recorded != PASS_OFF
    return (installed_model() or "") if on else PASS_OFF


def finds_names(entity_pass: str) -> bool:
    """Whether the pass runs the model (not PASS_OFF, not "" for a missing model)."""
    return entity_pass not in ("", PASS_OFF)


def names_missing(recorded: str | None, now: str) -> str:
    """Why articles written before lack names this run's pass finds, or "" (they do not,
    or the index predates the record)."""
    if not finds_names(now) or recorded is None or recorded == now:
        return ""
    was = {PASS_OFF: "with --no-entities", "": "without spaCy's model"}.get(
        recorded, f"with {recorded}"
    )
    return f"people and organisations are now found with {now} (the index was built {was})"
