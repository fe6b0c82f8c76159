"""Per-generation columns: each facet's values per article, dates and date orders.

Counting facets and sorting by date need, for every article, its facet values and its
date, grouped so that one vectorised pass answers a query.  Computing those tables
costs a pass over the whole archive (a quarter of a second at 300k articles), so it is
done once, when a generation is written, and saved beside Whoosh's files as plain NumPy
``.npy`` arrays that every search process memory-maps: opening an index and its first
query then cost about the same at 10k and at a million articles.

Files, in the generation folder (all named ``columns*``; a new generation never shares
them with the previous one):

- ``columns.json``: ``{"format", "doc_count", "arrays": {name: {"dtype", "length",
  "crc32"}}}``; every array's length and checksum (CRC-32 of the ``.npy`` file's bytes).
- ``columns.<name>.npy``, one per array (NumPy's own format, so ``np.load(mmap_mode="r")``
  maps it).  For each facet ``F`` (the six keyword fields, ``month`` and ``year``):
  ``F.docs`` (docnums grouped by value), ``F.starts`` (where each value's docnums begin
  in ``F.docs``, one more than the values); one value per article (source, category,
  month, year): ``F.per_doc`` (each docnum's value id, -1 for none); several:
  ``F.value_ids`` (parallel to ``F.docs``), ``F.doc_starts`` and ``F.doc_values`` (each
  docnum's value ids).  ``date.raw`` (each docnum's sortable date, ``MISSING_DATE`` when
  undated), ``date.newest`` and ``date.oldest`` (every docnum by date, undated last).
  ``versions.docs``, ``versions.starts``, ``versions.per_doc``: the groups of versions of
  one story (``index.near_duplicates``) as a one-value facet, each group earliest first.
- ``columns.F.values.json``: the facet's values (folded terms; ``YYYY-MM``/``YYYY``), in
  value-id order, read when the facet is first counted.

Deleted articles keep their entries (queries mask them out), so a refresh that only
deletes still recomputes the files but the layout never depends on deletions.
Checksums are verified by ``newsdesk stats`` (reading every byte on each open would make
opening cost grow with the archive again); an open only checks that each file is there
with its recorded length.  A generation whose columns are missing or unreadable is still
searched: the same tables are computed in memory, and the problem is logged, shown by
``newsdesk stats`` and repaired by the next ``newsdesk index``.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from index.fields import ALL_FACETS, DATE_FACETS
from index.near_duplicates import SIGNATURE_BYTES, version_groups
from index.postings_file import PostingsFile
from index.reading import MISSING_DATE, live_mask, raw_date_column, signature_column
from index.segment_arrays import field_table, sorted_unique

log = logging.getLogger(__name__)

#: 2: the ``versions`` arrays.
FORMAT = 2
PREFIX = "columns"
MANIFEST = f"{PREFIX}.json"
_DAY_MICROSECONDS = 86_400_000_000
#: Days from 0001-01-01 (Whoosh's date origin) to 1970-01-01 (numpy's).
_DAYS_BEFORE_1970 = 719_162

Ints = npt.NDArray[np.integer[Any]]
Dates = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class FacetTable:
    """One facet's (article, value) pairs of a generation, grouped two ways."""

    values: list[str]
    #: Docnums grouped by value id; value ``i``'s are ``docs[starts[i]:starts[i + 1]]``.
    docs: Ints
    starts: Ints
    #: One value per article at most: each docnum's value id (-1 for none).
    per_doc: Ints | None
    #: Several values per article: the value id of each entry of ``docs``, and each
    #: docnum's value ids (``doc_values[doc_starts[d]:doc_starts[d + 1]]``).
    value_ids: Ints | None
    doc_starts: Ints | None
    doc_values: Ints | None


@dataclass(frozen=True, slots=True)
class VersionGroups:
    """The generation's groups of versions of one story (``index.near_duplicates``)."""

    #: Docnums grouped by group, each group earliest first; group ``g``'s are
    #: ``docs[starts[g]:starts[g + 1]]``.
    docs: Ints
    starts: Ints
    #: Each docnum's group (-1: an article without other versions).
    per_doc: Ints


# -- computing ----------------------------------------------------------------------------
def _compact(values: npt.NDArray[Any]) -> Ints:
    return values.astype(np.int32, copy=False)


def _facet_arrays(size: int, docs: Ints, value_ids: Ints, value_count: int) -> dict[str, Ints]:
    """The arrays of one facet from its unordered (docnum, value id) pairs."""
    by_value = np.argsort(value_ids, kind="stable")
    docs, value_ids = docs[by_value], value_ids[by_value]
    arrays = {
        "docs": _compact(docs),
        "starts": np.searchsorted(value_ids, np.arange(value_count + 1)).astype(np.int64),
    }
    if not len(docs) or np.bincount(docs, minlength=size).max() <= 1:  # one value a doc
        per_doc = np.full(size, -1, dtype=np.int32)
        per_doc[docs] = value_ids
        arrays["per_doc"] = per_doc
        return arrays
    by_doc = np.argsort(docs, kind="stable")
    arrays["value_ids"] = _compact(value_ids)
    arrays["doc_values"] = _compact(value_ids[by_doc])
    arrays["doc_starts"] = np.searchsorted(docs[by_doc], np.arange(size + 1)).astype(np.int64)
    return arrays


def _field_pairs(
    reader: Any, fieldname: str, files: Sequence[PostingsFile] | None
) -> tuple[list[str], Ints, Ints]:
    """(values, docnums, value ids) of a keyword field, from the segments' postings
    files."""
    terms, docs, ids = field_table(reader, fieldname, files)
    return [term.decode("utf-8") for term in terms], docs, ids


def _date_pairs(raw: Dates, name: str) -> tuple[list[str], Ints, Ints]:
    """(periods, docnums, period ids) of the month or year histogram, vectorised:
    Whoosh's sortable dates are microseconds since 0001-01-01, which numpy's calendar
    turns into months or years without a Python call per date."""
    unit: Literal["M", "Y"] = "M" if name == "month" else "Y"
    dated = np.flatnonzero(raw != MISSING_DATE)
    days = (raw[dated] // _DAY_MICROSECONDS).astype(np.int64) - _DAYS_BEFORE_1970
    periods = days.astype("datetime64[D]").astype(f"datetime64[{unit}]").astype(np.int64)
    years = 1970 + (periods // 12 if unit == "M" else periods)
    keep = (years >= 1) & (years <= 9999)  # what a datetime can hold
    dated, periods = dated[keep], periods[keep]
    distinct = sorted_unique(periods)
    stamps: npt.NDArray[np.datetime64] = distinct.astype(f"datetime64[{unit}]")
    labels = np.datetime_as_string(stamps, unit=unit)
    return labels.tolist(), dated, np.searchsorted(distinct, periods).astype(np.int64)


def _date_orders(raw: Dates) -> dict[str, Ints]:
    """Every docnum newest first and oldest first (ties by docnum), undated last."""
    docs = np.arange(len(raw), dtype=np.int64)
    dated = raw != MISSING_DATE
    by_date = np.lexsort((docs[dated], raw[dated]))
    oldest, undated = docs[dated][by_date], docs[~dated]
    return {
        "newest": _compact(np.concatenate((oldest[::-1], undated))),
        "oldest": _compact(np.concatenate((oldest, undated))),
    }


def compute(
    reader: Any, files: Sequence[PostingsFile] | None = None
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, list[str]]]:
    """Every array and every facet's values for a Whoosh reader's documents (``files``:
    its postings files, when already open)."""
    size = int(reader.doc_count_all())
    raw = raw_date_column(reader)
    arrays: dict[str, npt.NDArray[Any]] = {"date.raw": raw}
    arrays.update({f"date.{key}": order for key, order in _date_orders(raw).items()})
    values: dict[str, list[str]] = {}
    for name in ALL_FACETS:
        if name in DATE_FACETS:
            names, docs, ids = _date_pairs(raw, name)
        else:
            names, docs, ids = _field_pairs(reader, name, files)
        values[name] = names
        for part, array in _facet_arrays(size, docs, ids, len(names)).items():
            arrays[f"{name}.{part}"] = array
    members, groups = version_groups(
        signature_column(reader, "near_signature", SIGNATURE_BYTES),
        live_mask(reader),
        raw,
        lambda docs: [str(reader.stored_fields(int(doc)).get("id", "")) for doc in docs],
    )
    count = int(groups[-1]) + 1 if len(groups) else 0
    for part, array in _facet_arrays(size, members, groups, count).items():
        arrays[f"versions.{part}"] = array
    return arrays, values


def write(generation_dir: Path, reader: Any) -> None:
    """Compute the columns of the generation ``reader`` reads and save them there."""
    arrays, values = compute(reader)
    listing: dict[str, dict[str, Any]] = {}
    for name, array in arrays.items():
        path = generation_dir / f"{PREFIX}.{name}.npy"
        path.unlink(missing_ok=True)  # never write through a link to another generation
        with open(path, "wb") as out:
            np.save(out, np.ascontiguousarray(array), allow_pickle=False)
        listing[name] = {
            "dtype": array.dtype.str,
            "length": len(array),
            "crc32": _crc32(path),
        }
    for name, names in values.items():
        text = json.dumps(names, ensure_ascii=False)
        (generation_dir / f"{PREFIX}.{name}.values.json").write_text(text, encoding="utf-8")
    manifest = {"format": FORMAT, "doc_count": int(reader.doc_count_all()), "arrays": listing}
    (generation_dir / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def _crc32(path: Path) -> int:
    checksum = 0
    with open(path, "rb") as data:
        while chunk := data.read(1 << 20):
            checksum = zlib.crc32(chunk, checksum)
    return checksum


def is_columns_file(name: str) -> bool:
    """Whether a generation's file name is one of these (never shared across
    generations: each one computes its own)."""
    return name == MANIFEST or name.startswith(f"{PREFIX}.")


# -- reading ------------------------------------------------------------------------------
class ColumnsUnreadable(Exception):
    """The generation's columns files are missing or do not match their manifest."""


class GenerationColumns:
    """The columns of one generation: memory-mapped from its files, or computed here
    (and ``problem`` says why) when those are missing or unreadable."""

    def __init__(
        self,
        arrays: dict[str, npt.NDArray[Any]],
        values: dict[str, list[str]] | None,
        folder: Path | None,
        problem: str | None,
    ) -> None:
        self._arrays = arrays
        self._values = values or {}
        self._folder = folder
        self._lock = threading.Lock()
        self._undated: npt.NDArray[np.bool_] | None = None
        #: Why the columns were computed in this process instead of read (None if read).
        self.problem = problem

    @classmethod
    def open(
        cls,
        generation_dir: Path | None,
        reader: Any,
        *,
        expected: bool = True,
        files: Sequence[PostingsFile] | None = None,
    ) -> GenerationColumns:
        """The columns of the generation at ``generation_dir`` (read by ``reader``).
        ``expected=False`` (a plain Whoosh index, in tests and benchmarks) computes them
        quietly when the folder has none."""
        if generation_dir is None or not (expected or (generation_dir / MANIFEST).exists()):
            arrays, values = compute(reader, files)
            return cls(arrays, values, None, None)
        try:
            arrays = _load(generation_dir, int(reader.doc_count_all()))
        except ColumnsUnreadable as error:
            log.warning("%s: %s; computed in memory (`newsdesk index` rewrites them)",
                        generation_dir, error)  # fmt: skip
            arrays, values = compute(reader, files)
            return cls(arrays, values, None, str(error))
        return cls(arrays, None, generation_dir, None)

    @property
    def raw_dates(self) -> Dates:
        return self._arrays["date.raw"]

    @property
    def undated(self) -> npt.NDArray[np.bool_]:
        """True for each docnum without a date (every query's undated count needs it:
        compared once, not per query)."""
        with self._lock:
            if self._undated is None:
                self._undated = self.raw_dates == MISSING_DATE
            return self._undated

    def date_order(self, newest: bool) -> Ints:
        return self._arrays["date.newest" if newest else "date.oldest"]

    def versions(self) -> VersionGroups:
        return VersionGroups(*(self._arrays[name] for name in VERSION_ARRAYS))

    def facet(self, name: str) -> FacetTable:
        arrays = self._arrays
        return FacetTable(
            values=self._facet_values(name),
            docs=arrays[f"{name}.docs"],
            starts=arrays[f"{name}.starts"],
            per_doc=arrays.get(f"{name}.per_doc"),
            value_ids=arrays.get(f"{name}.value_ids"),
            doc_starts=arrays.get(f"{name}.doc_starts"),
            doc_values=arrays.get(f"{name}.doc_values"),
        )

    def _facet_values(self, name: str) -> list[str]:
        with self._lock:
            if name not in self._values:
                assert self._folder is not None
                path = self._folder / f"{PREFIX}.{name}.values.json"
                try:
                    self._values[name] = list(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError) as error:
                    raise ColumnsUnreadable(f"{path.name}: {error}") from error
            return self._values[name]


def _manifest(generation_dir: Path) -> dict[str, Any]:
    path = generation_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ColumnsUnreadable(f"{MANIFEST} is missing") from None
    except (OSError, ValueError) as error:
        raise ColumnsUnreadable(f"{MANIFEST} is unreadable: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ColumnsUnreadable(f"{MANIFEST} is not format {FORMAT}")
    return manifest


#: The arrays of the groups of versions of one story.
VERSION_ARRAYS = ("versions.docs", "versions.starts", "versions.per_doc")


def read_version_groups(generation_dir: Path, doc_count: int) -> VersionGroups:
    """The groups of versions of a generation of ``doc_count`` documents, alone (a
    cluster reads those of a sharded index's whole generation); raises
    ``ColumnsUnreadable``."""
    arrays = _load(generation_dir, doc_count, only=VERSION_ARRAYS)
    return VersionGroups(*(arrays[name] for name in VERSION_ARRAYS))


def _load(
    generation_dir: Path, doc_count: int, only: Sequence[str] = ()
) -> dict[str, npt.NDArray[Any]]:
    """Every array (or ``only`` those), memory-mapped, after checking the manifest's
    lengths and types."""
    manifest = _manifest(generation_dir)
    if manifest.get("doc_count") != doc_count:
        raise ColumnsUnreadable(
            f"{MANIFEST} describes {manifest.get('doc_count')} articles, the index has {doc_count}"
        )
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, entry in dict(manifest.get("arrays", {})).items():
        if only and name not in only:
            continue
        path = generation_dir / f"{PREFIX}.{name}.npy"
        try:
            array = np.load(path, mmap_mode="r" if entry.get("length") else None)
        except (OSError, ValueError) as error:  # (an empty array cannot be mapped)
            raise ColumnsUnreadable(f"{path.name}: {error}") from error
        if array.dtype.str != entry.get("dtype") or len(array) != entry.get("length"):
            raise ColumnsUnreadable(f"{path.name} does not match {MANIFEST}")
        arrays[name] = array
    needed = set(only) or (
        {"date.raw", "date.newest", "date.oldest", *VERSION_ARRAYS}
        | {f"{f}.docs" for f in ALL_FACETS}
    )
    if missing := sorted(needed - arrays.keys()):
        raise ColumnsUnreadable(f"{MANIFEST} lists no {', '.join(missing)}")
    return arrays


def verify(generation_dir: Path) -> Iterator[str]:
    """Each problem of the generation's columns files, checksums included (``stats``)."""
    try:
        manifest = _manifest(generation_dir)
    except ColumnsUnreadable as error:
        yield str(error)
        return
    for name, entry in dict(manifest.get("arrays", {})).items():
        path = generation_dir / f"{PREFIX}.{name}.npy"
        try:
            if _crc32(path) != entry.get("crc32"):
                yield f"{path.name} is damaged (checksum mismatch)"
        except OSError as error:
            yield f"{path.name}: {error.strerror or error}"
    for name in ALL_FACETS:
        path = generation_dir / f"{PREFIX}.{name}.values.json"
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            yield f"{path.name}: {error}"
