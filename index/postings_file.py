"""The postings file: each segment's postings as flat, memory-mapped arrays.

Reading one term from a Whoosh segment costs a hash lookup, a pickled term info and a
pickled block per 128 postings, all in Python: ~25 us per field and segment even for a
word the segment lacks, and a query asks four fields in every segment.  So every
segment newsdesk writes gets a postings file beside it (``MAIN_<segment id>.postarrays``:
Whoosh deletes it with the segment when segments merge), and the engine reads postings,
document frequencies, facet values, did-you-mean's vocabulary and phrases' word
positions from it alone (Whoosh's pickled positions cost ~8 us per document a phrase
checks; here they are one slice of an array).

Format 3, little-endian (``docs/index.md`` describes it for readers in other languages)::

    "NDPOSTS3"                        8 bytes
    array, array, ...                 each starts on a 16-byte boundary
    directory                         UTF-8 JSON (below)
    directory length                  uint64
    "NDPOSTS3"                        8 bytes

The directory is ``{"format": 3, "doc_count": N, "fields": [...], "arrays": {name:
[offset, dtype, count, crc32]}}``; each kept field has six arrays, named
``<field>.<part>``, and each text field two more (its word positions):

- ``term_bytes`` (uint8): the field's terms, sorted by bytes, concatenated;
- ``term_ends`` (int64): where each term ends in ``term_bytes``;
- ``keys`` (uint64): each term's first 8 bytes, zero-padded, read as a big-endian
  number, for a binary search in one numpy call (ties are settled on the full terms);
- ``starts`` (int64, one more than the terms): where each term's postings start;
- ``docs`` (int32, segment docnums, ascending per term) and ``weights`` (the narrowest
  of uint8, uint16, float32 that holds every term frequency exactly);
- text fields: ``positions`` (uint16, or uint32 when some position needs it): each
  posting's word positions, ascending, posting after posting -- a posting has as many as
  its weight (the term's frequency in the document);
- text fields: ``position_starts`` (int64, one more than the terms): where each term's
  positions start in ``positions``.

The directory comes last so the writer streams: each field's arrays go to disk as soon
as they are made, and a segment's file never needs all its fields in memory at once.
The file is written under a temp name and renamed.  Opening checks the structure (cheap:
the engine opens every segment's file); ``verify`` checks every checksum (``newsdesk
stats``).
"""

from __future__ import annotations

import bisect
import json
import mmap
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from index.fields import KEYWORD_FIELDS, TEXT_FIELDS

#: File extension (Whoosh's cleanup recognises ``<segment id>.<letters>`` as the segment's).
EXTENSION = ".postarrays"
MAGIC = b"NDPOSTS3"
#: The first bytes of files older newsdesk versions wrote (format 1, 2): a refresh rewrites them.
_OLDER = {b"NDPOSTS\n": 1, b"NDPOSTS2": 2}
FORMAT = 3
#: Fields kept: the text fields queries search and rank, and the facet fields.
FIELDS = (*TEXT_FIELDS, *KEYWORD_FIELDS)
#: Fields whose word positions are kept (phrases).
POSITION_FIELDS = TEXT_FIELDS
PARTS = ("term_bytes", "term_ends", "keys", "starts", "docs", "weights")
POSITION_PARTS = ("positions", "position_starts")
_ALIGN = 16
_LENGTH = struct.Struct("<Q")
_TRAILER = _LENGTH.size + len(MAGIC)
_KEY = np.dtype(">u8")
#: Keys are stored in the machine's order: ``searchsorted`` on a byte-swapped array
#: converts the whole array on every call (12 us instead of 1 for 30,000 terms).
_STORED_KEY = np.dtype("<u8")

DocArray = npt.NDArray[np.int64]


class PostingsFileError(ValueError):
    """A postings file that is missing, of another format, truncated or damaged."""


def _aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


def term_keys(blob: npt.NDArray[np.uint8], ends: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Each term's first 8 bytes as a big-endian uint64 (zero-padded): sorted terms
    give sorted keys, so a key search finds a term's neighbourhood in one numpy call."""
    ends = np.asarray(ends, dtype=np.int64)
    starts = np.concatenate(([0], ends[:-1])).astype(np.int64) if len(ends) else ends
    lengths = ends - starts
    head = np.zeros((len(ends), 8), dtype=np.uint8)
    for at in range(8):
        has = lengths > at
        head[has, at] = blob[starts[has] + at]
    return head.view(_KEY).reshape(-1).astype(_STORED_KEY)


def _key_of(term: bytes) -> np.uint64:
    return np.uint64(int.from_bytes(term[:8].ljust(8, b"\0"), "big"))


def compact_weights(weights: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Weights in the narrowest type that holds each one exactly: they are term
    frequencies (Whoosh keeps them as float32), almost always under 256, so most
    fields take one byte a posting instead of four.  Readers take the file's type."""
    for dtype in (np.uint8, np.uint16, np.float32):
        narrow = weights.astype(dtype)
        if np.array_equal(narrow, weights):
            return narrow
    return weights


def positions_dtype(maximum: int) -> np.dtype[Any]:
    """uint16 when every position fits (articles under 65,536 words), else uint32."""
    return np.dtype(np.uint16 if maximum < 1 << 16 else np.uint32)


@dataclass(frozen=True, slots=True)
class PositionsStream:
    """A text field's positions in chunks, posting after posting, and the largest one:
    the writer stores them chunk by chunk, never all at once in a second copy."""

    chunks: Iterable[npt.NDArray[Any]]
    maximum: int

    @classmethod
    def of(cls, positions: npt.NDArray[Any]) -> PositionsStream:
        return cls((positions,), int(positions.max()) if len(positions) else 0)


# -- writing ------------------------------------------------------------------------------
def _term_position_starts(
    starts: npt.NDArray[np.int64], weights: npt.NDArray[Any]
) -> npt.NDArray[np.int64]:
    """Where each term's positions start (one more than the terms): a posting has as
    many as its weight.  Summed per term, never as a running sum per posting."""
    lows = starts[:-1]
    held = lows < starts[1:]  # (terms with no posting add none)
    per_term = np.zeros(len(lows), dtype=np.int64)
    if held.any():
        per_term[held] = np.add.reduceat(weights, lows[held], dtype=np.int64)
    return np.concatenate(([0], np.cumsum(per_term))).astype(np.int64)


class PostingsFileWriter:
    """Writes one segment's postings file field by field (``with`` it: the file
    appears under its name only when the block ends without an error)."""

    def __init__(self, path: Path, doc_count: int) -> None:
        self.path = path
        self._temp = path.with_name(path.name + ".tmp")
        self._doc_count = doc_count
        self._out: BinaryIO = self._temp.open("wb")
        self._out.write(MAGIC)
        self._entries: dict[str, list[Any]] = {}
        self._fields: list[str] = []

    def write_field(
        self,
        fieldname: str,
        terms: Sequence[bytes],
        starts: npt.NDArray[Any],
        docs: npt.NDArray[Any],
        weights: npt.NDArray[Any],
        positions: PositionsStream | None = None,
    ) -> None:
        """One field: its sorted ``terms``, where each one's postings start in ``docs``
        (one more entry than terms), segment docnums and weights; and for a text field
        each posting's word positions, posting after posting."""
        if len(starts) != len(terms) + 1 or not int(starts[-1]) == len(docs) == len(weights):
            raise ValueError(f"{fieldname}: inconsistent postings")
        if (positions is None) != (fieldname not in POSITION_FIELDS):
            raise ValueError(f"{fieldname}: positions are kept for text fields, only")
        blob = np.frombuffer(b"".join(terms), dtype=np.uint8)
        ends = np.cumsum([len(term) for term in terms], dtype=np.int64)
        arrays: dict[str, npt.NDArray[Any]] = {
            "term_bytes": blob,
            "term_ends": ends,
            "keys": term_keys(blob, ends),
            "starts": np.asarray(starts, dtype=np.int64),
            "docs": np.asarray(docs, dtype=np.int32),
            "weights": compact_weights(np.asarray(weights)),
        }
        for part in PARTS:
            self._write_array(f"{fieldname}.{part}", (arrays[part],), arrays[part].dtype)
        if positions is not None:
            term_starts = _term_position_starts(np.asarray(starts, dtype=np.int64), weights)
            name = f"{fieldname}.positions"
            written = self._write_array(name, positions.chunks, positions_dtype(positions.maximum))
            if written != int(term_starts[-1]):
                raise ValueError(f"{fieldname}: a posting's positions differ from its weight")
            self._write_array(f"{fieldname}.position_starts", (term_starts,), term_starts.dtype)
        self._fields.append(fieldname)

    def _write_array(
        self, name: str, chunks: Iterable[npt.NDArray[Any]], dtype: np.dtype[Any]
    ) -> int:
        """Write an array from its chunks (each converted to ``dtype``); its length."""
        offset = self._out.tell()
        count = checksum = size = 0
        for chunk in chunks:
            data = np.ascontiguousarray(chunk, dtype=dtype).data.cast("B")
            self._out.write(data)
            checksum = zlib.crc32(data, checksum)
            count += len(chunk)
            size += len(data)
        self._out.write(b"\0" * (_aligned(size) - size))
        self._entries[name] = [offset, dtype.str, count, checksum]
        return count

    def __enter__(self) -> PostingsFileWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self._out.close()
            self._temp.unlink(missing_ok=True)
            return
        directory = {
            "format": FORMAT,
            "doc_count": self._doc_count,
            "fields": self._fields,
            "arrays": self._entries,
        }
        data = json.dumps(directory).encode()
        self._out.write(data + _LENGTH.pack(len(data)) + MAGIC)
        self._out.close()
        self._temp.replace(self.path)


# -- reading ------------------------------------------------------------------------------
class _Terms(Sequence[bytes]):
    """A field's terms, sliced from ``term_bytes`` on demand (for ``bisect``)."""

    def __init__(self, blob: npt.NDArray[np.uint8], ends: npt.NDArray[np.int64]) -> None:
        self._blob, self._ends = blob, ends
        # Memoryviews index to plain ints and bytes, ten times faster than numpy scalars.
        self._blob_view, self._ends_view = blob.data, ends.data

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, at: Any) -> Any:
        ends = self._ends_view
        return self._blob_view[ends[at - 1] if at else 0 : ends[at]].tobytes()

    def slice(self, low: int, high: int) -> list[bytes]:
        if high <= low:
            return []
        ends = self._ends[low:high].tolist()
        base = int(self._ends[low - 1]) if low else 0
        data = self._blob[base : ends[-1]].tobytes()
        starts = [base, *ends[:-1]]
        return [data[start - base : end - base] for start, end in zip(starts, ends, strict=True)]


class _Field:
    def __init__(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        self.terms = _Terms(arrays["term_bytes"], arrays["term_ends"])
        self.keys = arrays["keys"]
        self.starts, self.docs, self.weights = arrays["starts"], arrays["docs"], arrays["weights"]
        self.positions = arrays.get("positions")
        self.position_starts = arrays.get("position_starts")

    def find(self, term: bytes) -> int | None:
        """The term's number, or None when the field lacks it."""
        key = _key_of(term)
        low = int(self.keys.searchsorted(key, side="left"))
        high = int(self.keys.searchsorted(key, side="right"))
        if high - low == 1:  # the usual case: one term has these first 8 bytes
            return low if self.terms[low] == term else None
        at = bisect.bisect_left(self.terms, term, low, high)
        return at if at < high and self.terms[at] == term else None


class PostingsFile:
    """A segment's postings file, memory-mapped (views into it cost nothing to make)."""

    def __init__(self, path: Path, doc_count: int) -> None:
        self.path = path
        try:
            with path.open("rb") as handle:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            raise PostingsFileError(f"{path.name} is missing") from None
        except (OSError, ValueError) as error:  # (an empty file cannot be mapped)
            raise PostingsFileError(f"{path.name} is unreadable: {error}") from error
        self.directory = self._directory(doc_count)
        self._entries: dict[str, list[Any]] = self.directory["arrays"]
        self._fields: dict[str, _Field] = {}
        for fieldname in FIELDS:
            self._field(fieldname)  # every array's bounds and every field's shape checked

    def _fail(self, problem: str) -> PostingsFileError:
        return PostingsFileError(f"{self.path.name} {problem}")

    def _directory(self, doc_count: int) -> dict[str, Any]:
        size = len(self._map)
        older = _OLDER.get(self._map[: len(MAGIC)])
        if older is not None:
            raise self._fail(f"is in format {older} (written by an older newsdesk)")
        if size < len(MAGIC) + _TRAILER or self._map[: len(MAGIC)] != MAGIC:
            raise self._fail("is not a postings file")
        if self._map[size - len(MAGIC) :] != MAGIC:
            raise self._fail("is truncated")
        (length,) = _LENGTH.unpack(self._map[size - _TRAILER : size - len(MAGIC)])
        try:
            directory = json.loads(self._map[size - _TRAILER - length : size - _TRAILER])
        except ValueError as error:
            raise self._fail(f"has a damaged directory ({error})") from error
        if not isinstance(directory, dict) or directory.get("format") != FORMAT:
            raise self._fail(f"is not format {FORMAT}")
        if directory.get("doc_count") != doc_count:
            raise self._fail(
                f"describes {directory.get('doc_count')} documents, its segment has {doc_count}"
            )
        return directory

    def _array(self, name: str) -> npt.NDArray[Any]:
        try:
            offset, dtype, count, _ = self._entries[name]
            kind = np.dtype(dtype)
        except (KeyError, TypeError, ValueError) as error:
            raise self._fail(f"lists no usable {name} ({error})") from error
        if offset < len(MAGIC) or count < 0 or offset + kind.itemsize * count > len(self._map):
            raise self._fail(f"is truncated ({name} ends past the end of the file)")
        return np.frombuffer(self._map, dtype=kind, count=count, offset=offset)

    def _field(self, fieldname: str) -> _Field:
        found = self._fields.get(fieldname)
        if found is None:
            parts = PARTS + (POSITION_PARTS if fieldname in POSITION_FIELDS else ())
            arrays = {part: self._array(f"{fieldname}.{part}") for part in parts}
            terms = len(arrays["term_ends"])
            starts, docs = arrays["starts"], arrays["docs"]
            if (
                len(arrays["keys"]) != terms
                or len(starts) != terms + 1
                or int(starts[-1]) != len(docs)
                or len(arrays["weights"]) != len(docs)
                or (terms and int(arrays["term_ends"][-1]) != len(arrays["term_bytes"]))
            ):
                raise self._fail(f"has inconsistent {fieldname} arrays")
            if "positions" in arrays and (
                len(arrays["position_starts"]) != terms + 1
                or int(arrays["position_starts"][-1]) != len(arrays["positions"])
            ):
                raise self._fail(f"has inconsistent {fieldname} positions")
            found = self._fields[fieldname] = _Field(arrays)
        return found

    def postings(self, fieldname: str, term: bytes) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """(segment docnums, weights) of a term: empty when the segment lacks it."""
        field = self._field(fieldname)
        at = field.find(term)
        if at is None:
            return field.docs[:0], field.weights[:0]
        low, high = int(field.starts[at]), int(field.starts[at + 1])
        return field.docs[low:high], field.weights[low:high]

    def term_positions(
        self, fieldname: str, term: bytes
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
        """(segment docnums, weights, positions) of a term of a text field: each
        posting's positions follow the previous posting's, as many as its weight."""
        field = self._field(fieldname)
        at = field.find(term)
        if field.positions is None or field.position_starts is None:
            raise ValueError(f"{fieldname} keeps no positions")
        if at is None:
            return field.docs[:0], field.weights[:0], field.positions[:0]
        low, high = int(field.starts[at]), int(field.starts[at + 1])
        first, last = int(field.position_starts[at]), int(field.position_starts[at + 1])
        return field.docs[low:high], field.weights[low:high], field.positions[first:last]

    def doc_frequency(self, fieldname: str, term: bytes) -> int:
        """Postings of the term (deleted documents count until segments merge)."""
        field = self._field(fieldname)
        at = field.find(term)
        return 0 if at is None else int(field.starts[at + 1] - field.starts[at])

    def terms(self, fieldname: str) -> list[bytes]:
        """Every term of the field, sorted."""
        field = self._field(fieldname)
        return field.terms.slice(0, len(field.terms))

    def terms_starting(self, fieldname: str, prefix: bytes) -> list[bytes]:
        """The field's terms that start with ``prefix``, sorted."""
        terms = self._field(fieldname).terms
        low = bisect.bisect_left(terms, prefix)
        high = bisect.bisect_left(terms, prefix + b"\xff", low)  # no UTF-8 byte is 0xff
        return terms.slice(low, high)

    def common_terms(self, fieldname: str, min_postings: int) -> list[bytes]:
        """The field's terms with at least ``min_postings`` postings, sorted."""
        field = self._field(fieldname)
        common = np.flatnonzero(np.diff(field.starts) >= min_postings).tolist()
        return [field.terms[at] for at in common]

    def term_postings(self, fieldname: str) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """(where each term's postings start, segment docnums) of the whole field."""
        field = self._field(fieldname)
        return field.starts, field.docs

    def verify(self) -> Iterator[str]:
        """Each array whose checksum does not match (reads the whole file)."""
        for name, entry in self._entries.items():
            array = self._array(name)
            if zlib.crc32(array.tobytes()) != entry[3]:
                yield f"{self.path.name}: {name} is damaged (checksum mismatch)"
