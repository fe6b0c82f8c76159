"""Saved searches and what is new since the last look.

A saved search is a query with its filters, date bounds and sort, under a name, plus
what it matched when it was last looked at: each story's id and content hash.  A story
is *new* when its id was not among them, or its text changed since (a corrected
story); ids and content hashes come from the articles themselves, so a rebuilt index
does not make every story new.  Looking (``newsdesk saved run NAME``, the TUI's list)
records what is there now.  Looks are kept per index (one file of searches serves
every index the user opens): a store opened for an index reads and writes the look
taken there, so running a search on a second index does not make the first one's
stories new again.

The searches live in one JSON file in the XDG data dir (``saved.json`` beside the
default index), rewritten whole through a temporary file renamed over it, so a crash
never leaves it half-written; an unreadable file is an error that names it, never
silently replaced.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from platformdirs import user_data_path

from search.errors import SearchError
from search.results import Hit, SearchResults
from search.user_data import index_key, write_json

FORMAT = 2
#: Files of format 1 (one look per search, whichever index) are read, as looks of "".
_READABLE = (1, FORMAT)


class SearchesAll(Protocol):
    """What running a saved search needs of an engine (``Engine.search_all``)."""

    def search_all(
        self,
        query: str,
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        date_from: date | datetime | None = None,
        date_to: date | datetime | None = None,
        sort: str = "relevance",
    ) -> SearchResults: ...


def default_saved_path() -> Path:
    """``$NEWSDESK_SAVED`` if set, else ``saved.json`` in the per-user data dir."""
    configured = os.environ.get("NEWSDESK_SAVED")
    if configured:
        return Path(configured).expanduser()
    return user_data_path("newsdesk") / "saved.json"


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A search kept under a name, and what it matched at the last look."""

    name: str
    query: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: str | None = None  #: ISO date, inclusive
    date_to: str | None = None
    sort: str = "relevance"
    created: str = ""
    #: When it was last looked at in the store's index (None: never).
    last_look: str | None = None
    #: id -> content hash of every story it matched at that look.
    seen: dict[str, str] = field(default_factory=dict)
    #: The looks taken in every index (by its full path; "" for a format-1 file's), as
    #: stored: what the store keeps of the indexes other than its own.
    looks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def run(self, engine: SearchesAll) -> SearchResults:
        """Every story it matches now (no snippets: ids, titles, dates)."""
        return engine.search_all(
            self.query,
            filters=self.filters,
            date_from=date.fromisoformat(self.date_from) if self.date_from else None,
            date_to=date.fromisoformat(self.date_to) if self.date_to else None,
            sort=self.sort,
        )

    def description(self) -> str:
        """“opec quota” · topic=crude · from 1987-03-01 (for lists)."""
        filters = "; ".join(f"{k}={v}" for k, values in self.filters.items() for v in values)
        dates = [f"from {self.date_from}" if self.date_from else "",
                 f"to {self.date_to}" if self.date_to else ""]  # fmt: skip
        parts = [f"“{self.query}”" if self.query else "every story", filters, *dates]
        return " · ".join(part for part in parts if part)

    def as_query(self) -> str:
        """The query with its date bounds written in the query language (the TUI's
        search bar holds them that way)."""
        if not (self.date_from or self.date_to):
            return self.query
        bounds = f"date:[{self.date_from or '*'} to {self.date_to or '*'}]"
        return f"{self.query} {bounds}".strip()

    def is_new(self, hit: Hit) -> bool:
        """Not matched at the last look, or changed since (everything, before one)."""
        return self.last_look is None or self.seen.get(hit.id) != hit.content_hash

    def looked(self, results: SearchResults, when: datetime) -> SavedSearch:
        """This search after a look at ``results``."""
        seen = {hit.id: hit.content_hash for hit in results.hits}
        return replace(self, last_look=when.isoformat(timespec="seconds"), seen=seen)


class SavedSearches:
    """The saved searches of one file, by name."""

    def __init__(self, path: Path | None = None, *, index: str | Path | None = None) -> None:
        self.path = path or default_saved_path()
        #: The index whose looks this store reads and writes ("" for none in particular).
        self.index = index_key(index) if index is not None else ""
        self.searches: dict[str, SavedSearch] = self._read()

    def _read(self) -> dict[str, SavedSearch]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            searches = data["searches"] if data.get("format") in _READABLE else None
            if not isinstance(searches, list):
                raise ValueError("not a list of saved searches")
            return {item["name"]: _saved(item, self.index) for item in searches}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise SearchError(
                f"cannot read the saved searches in {self.path}: {error}; fix or move the file"
            ) from None

    def get(self, name: str) -> SavedSearch:
        found = self.searches.get(name)
        if found is None:
            known = ", ".join(sorted(self.searches)) or "none yet"
            raise SearchError(f"no saved search named {name!r} (saved: {known})")
        return found

    def put(self, search: SavedSearch) -> None:
        self.searches[search.name] = search
        self._write()

    def remove(self, name: str) -> None:
        self.get(name)
        del self.searches[name]
        self._write()

    def _write(self) -> None:
        document = {
            "format": FORMAT,
            "searches": [_stored(search, self.index) for search in self.searches.values()],
        }
        write_json(self.path, document, "searches")


def new_search(
    name: str,
    query: str,
    *,
    filters: Mapping[str, Sequence[str]] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "relevance",
) -> SavedSearch:
    if not name.strip():
        raise SearchError("a saved search needs a name")
    return SavedSearch(
        name=name.strip(),
        query=query,
        filters={key: list(values) for key, values in (filters or {}).items()},
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
        sort=sort,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _saved(item: Mapping[str, Any], index: str) -> SavedSearch:
    """A stored search, with the look taken in ``index`` (or else a format-1 file's)."""
    looks = {str(k): dict(v) for k, v in item.get("looks", {}).items()}
    if "last_look" in item and "" not in looks:  # format 1: one look, whichever index
        looks[""] = {"last_look": item.get("last_look"), "seen": item.get("seen", {})}
    look = looks.get(index) or looks.get("") or {}
    return SavedSearch(
        name=str(item["name"]),
        query=str(item["query"]),
        filters={str(k): [str(v) for v in values] for k, values in item["filters"].items()},
        date_from=item.get("date_from"),
        date_to=item.get("date_to"),
        sort=str(item.get("sort", "relevance")),
        created=str(item.get("created", "")),
        last_look=look.get("last_look"),
        seen={str(k): str(v) for k, v in look.get("seen", {}).items()},
        looks=looks,
    )


def _stored(search: SavedSearch, index: str) -> dict[str, Any]:
    """``search`` as stored: its look recorded under ``index``, the others kept."""
    stored = asdict(search)
    del stored["last_look"], stored["seen"]
    looks = dict(search.looks)
    if search.last_look is not None:
        looks[index] = {"last_look": search.last_look, "seen": dict(search.seen)}
    stored["looks"] = looks
    return stored
