"""``index_stats``: what is in the index, for ``newsdesk stats`` and the UI's status line."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import IndexReader, TermNotFound

from index import columns
from index.arrays_writing import postings_problems
from index.errors import IndexCorruptError
from index.fields import KEYWORD_FIELDS, LIST_SEPARATOR, TEXT_FIELDS
from index.locking import lock_holder
from index.opening import DAMAGED_FILE_ERRORS, live_generation, load_meta, open_index
from index.postings_file import PostingsFile
from index.reading import MISSING_DATE, live_mask, raw_date_column
from index.schema import facet_term
from index.segment_arrays import field_table, open_postings_files
from index.shards import read_layout, whoosh_folders
from index.store import directory_size, resolve_index_dir

#: Facet values shown per field.
TOP_FACETS = 10


@dataclass(frozen=True, slots=True)
class ShardStats:
    """One shard of a sharded index (``index.shards``)."""

    number: int
    generation: str
    articles: int
    date_min: datetime | None
    date_max: datetime | None
    size_bytes: int


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Counts and provenance of the live index generation."""

    index_dir: str
    generation: str
    schema_version: int
    articles: int
    size_bytes: int
    date_min: datetime | None
    date_max: datetime | None
    corpora: list[str]
    built_at: str
    build_seconds: float
    last_update: dict[str, int] = field(default_factory=dict)
    term_counts: dict[str, int] = field(default_factory=dict)
    top_facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: PID of a writer updating the index right now (None when idle).
    writer_pid: int | None = None
    #: Live articles per recorded corpus.
    corpus_articles: dict[str, int] = field(default_factory=dict)
    #: What is wrong with ``CURRENT`` when the generation shown was found without it.
    pointer_problem: str = ""
    #: What is wrong with the generation's facet columns (``index.columns``), checksums
    #: verified.
    columns_problems: list[str] = field(default_factory=list)
    #: What is wrong with the segments' postings files (``index.postings_file``),
    #: checksums verified.
    postings_problems: list[str] = field(default_factory=list)
    #: The shards of a sharded index (empty for an index in one piece).
    shards: list[ShardStats] = field(default_factory=list)
    #: "date" or "hash": how a sharded index places its articles ("" when unsharded).
    shard_split: str = ""
    #: The entity pass the articles were written with (``GenerationMeta.entities``).
    entity_pass: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_min"] = self.date_min.isoformat() if self.date_min else None
        data["date_max"] = self.date_max.isoformat() if self.date_max else None
        for shard, stats in zip(data["shards"], self.shards, strict=True):
            shard["date_min"] = stats.date_min.isoformat() if stats.date_min else None
            shard["date_max"] = stats.date_max.isoformat() if stats.date_max else None
        data["top_facets"] = {
            name: [{"value": value, "count": count} for value, count in values]
            for name, values in self.top_facets.items()
        }
        return data


def _date_range(reader: IndexReader) -> tuple[datetime | None, datetime | None]:
    """Min/max date over live documents, from the sortable column (no stored-field reads);
    articles without a date hold the column's default, which is skipped."""
    raw = raw_date_column(reader)[live_mask(reader)]
    present = raw[raw != MISSING_DATE]
    if not len(present):
        return None, None
    field_type = reader.schema["date"]
    low: datetime = field_type.from_column_value(int(present.min()))
    high: datetime = field_type.from_column_value(int(present.max()))
    return low, high


def _live_count(reader: IndexReader, fieldname: str, term: str) -> int:
    """Live documents holding ``term`` (postings skip deleted documents)."""
    if not reader.has_deletions() and (fieldname, term) in reader:
        return int(reader.doc_frequency(fieldname, term))
    try:
        return sum(1 for _ in reader.postings(fieldname, term).all_ids())
    except TermNotFound:
        return 0


def _term_count(files: list[PostingsFile], fieldname: str) -> int:
    """Distinct terms of the field over all segments."""
    distinct: set[bytes] = set()
    for postings in files:
        distinct.update(postings.terms(fieldname))
    return len(distinct)


def _top_facet_values(
    reader: IndexReader,
    files: list[PostingsFile],
    fieldname: str,
    live: npt.NDArray[np.bool_],
) -> list[tuple[str, int]]:
    """The most frequent values over live documents, in their stored (display) form."""
    if fieldname not in reader.indexed_field_names():
        return []
    terms, docs, numbers = field_table(reader, fieldname, files)  # every value's live count at once
    counts = np.bincount(numbers[live[docs]], minlength=len(terms))
    ranked = sorted(
        (-int(counts[i]), terms[i].decode("utf-8")) for i in np.flatnonzero(counts).tolist()
    )
    exact = [(-negative, text) for negative, text in ranked[:TOP_FACETS]]
    return [(_display_form(reader, fieldname, text), count) for count, text in exact]


def _display_form(reader: IndexReader, fieldname: str, term: str) -> str:
    """The stored spelling ("São Paulo") of an indexed term ("sao paulo"), from the
    first live article holding it, matched by the analyzer's own rule (``facet_term``)."""
    for docnum in reader.postings(fieldname, term).all_ids():
        stored = reader.stored_fields(docnum).get(fieldname, "")
        for value in str(stored).split(LIST_SEPARATOR):
            if facet_term(value) == term:
                return value.strip()
        break
    return term


def index_stats(index_dir: str | os.PathLike[str] | None = None) -> IndexStats:
    """Stats of the live generation (raises the same errors as ``open_index``)."""
    directory = resolve_index_dir(index_dir)
    ix = open_index(directory)
    generation_dir = Path(ix.storage.folder)
    meta = load_meta(directory, generation_dir)
    live = live_generation(directory)
    with ix.reader() as reader:
        try:
            per_corpus = {root: _live_count(reader, "corpus", root) for root in meta.corpora}
            date_min, date_max = _date_range(reader)
            indexed = set(reader.indexed_field_names())
            files = open_postings_files(reader)
            term_counts = {
                name: _term_count(files, name)
                for name in (*TEXT_FIELDS, *KEYWORD_FIELDS)
                if name in indexed
            }
            live_docs = live_mask(reader)
            top_facets = {
                name: _top_facet_values(reader, files, name, live_docs) for name in KEYWORD_FIELDS
            }
            articles = reader.doc_count()
            layout = read_layout(generation_dir)
            shards = [
                _shard_stats(number, directory / name, shard)
                for number, (name, shard) in enumerate(
                    zip(
                        layout.generations if layout else (), getattr(ix, "shards", ()), strict=True
                    )
                )
            ]
        except DAMAGED_FILE_ERRORS as error:
            raise IndexCorruptError(
                directory, f"reading failed: {type(error).__name__}: {error}"
            ) from error
    return IndexStats(
        index_dir=str(directory),
        generation=generation_dir.name,
        schema_version=meta.schema_version,
        articles=articles,
        size_bytes=directory_size(generation_dir) + sum(shard.size_bytes for shard in shards),
        date_min=date_min,
        date_max=date_max,
        corpora=list(meta.corpora),
        built_at=meta.built_at,
        build_seconds=meta.build_seconds,
        last_update=dict(meta.last_update),
        term_counts=term_counts,
        top_facets={name: values for name, values in top_facets.items() if values},
        writer_pid=lock_holder(directory),
        corpus_articles=per_corpus,
        pointer_problem=live.problem if live.name == generation_dir.name else "",
        columns_problems=list(columns.verify(generation_dir)),
        postings_problems=[
            problem
            for folder in whoosh_folders(directory, generation_dir, layout)
            for problem in postings_problems(folder, checksums=True)
        ],
        shards=shards,
        shard_split=layout.split if layout else "",
        entity_pass=meta.entities,
    )


def _shard_stats(number: int, folder: Path, shard: Any) -> ShardStats:
    with shard.reader() as reader:
        date_min, date_max = _date_range(reader)
        articles = int(reader.doc_count())
    return ShardStats(
        number=number,
        generation=folder.name,
        articles=articles,
        date_min=date_min,
        date_max=date_max,
        size_bytes=directory_size(folder),
    )
