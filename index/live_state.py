"""What a build starts from: the live generation, its metadata, its shard layout and
the articles it holds (id, corpus and content hash), after crash leftovers are removed."""

from __future__ import annotations

from pathlib import Path

from index import articles_table
from index.changes import IndexedArticle
from index.corpora import corpora_of_documents
from index.errors import IndexCorruptError
from index.opening import (
    CORRUPTION_ERRORS,
    check_schema,
    live_generation,
    load_meta,
    open_generation,
)
from index.shard_writing import ShardedState
from index.shards import MAX_SHARDS, ShardLayout, read_layout
from index.store import GenerationMeta, LiveGeneration, remove_stale


def live_state(
    directory: Path, *, rebuild: bool, roots: list[str]
) -> tuple[LiveGeneration, Path | None, GenerationMeta | None, list[str] | None]:
    """(the live generation, its folder, its metadata, the corpora it records) after
    deleting crash leftovers; None for the last three when there is no index yet.

    A rebuild tolerates damaged metadata: the corpora are then recovered from the
    articles, or must be given.
    """
    live = live_generation(directory)
    # A lost pointer: keep every generation (one may be the only copy) until this write
    # publishes a new one.
    remove_stale(directory, keep=None if live.problem else live.name)
    if live.problem and live.name is None and not (rebuild and roots):
        raise IndexCorruptError(
            directory,
            f"{live.problem} and no complete generation was found; give the corpus PATHs "
            "to `newsdesk index --rebuild`",
        )
    base_dir = directory / live.name if live.name else None
    meta = _usable_meta(directory, base_dir, rebuild=rebuild)
    recorded = list(meta.corpora) if meta is not None else None
    if base_dir is not None and meta is None:  # damaged metadata, in a rebuild
        recorded = corpora_of_documents(directory, base_dir)
        if not recorded and not roots:
            raise IndexCorruptError(
                directory,
                "its list of corpora is lost: give the corpus PATHs to `newsdesk index --rebuild`",
            )
    return live, base_dir, meta, recorded


def _usable_meta(directory: Path, base_dir: Path | None, *, rebuild: bool) -> GenerationMeta | None:
    """The live generation's metadata, schema checked (a rebuild tolerates damage)."""
    if base_dir is None:
        return None
    try:
        meta = load_meta(directory, base_dir)
    except IndexCorruptError:
        if rebuild:
            return None
        raise
    if not rebuild:
        check_schema(directory, meta)
    return meta


def indexed_articles(
    generation_dir: Path, index_dir: Path
) -> tuple[dict[str, IndexedArticle], bool]:
    """id -> corpus and content hash of every live document, from the generation's
    articles table, or (without a table it can trust) one pass over stored fields;
    and whether the table was used."""
    ix = open_generation(index_dir, generation_dir)
    try:
        with ix.reader() as reader:
            table = articles_table.read(generation_dir, reader.doc_count())
            if table is not None:
                return table, True
            return {
                stored["id"]: IndexedArticle(stored.get("corpus", ""), stored["content_hash"])
                for _, stored in reader.iter_docs()
            }, False
    except CORRUPTION_ERRORS as error:
        raise IndexCorruptError(
            index_dir, f"stored articles unreadable: {type(error).__name__}: {error}"
        ) from error


def live_layout(directory: Path, base_dir: Path | None, *, rebuild: bool) -> ShardLayout | None:
    """The live generation's shard layout (None: unsharded); a rebuild tolerates damage."""
    if base_dir is None:
        return None
    try:
        return read_layout(base_dir)
    except (OSError, ValueError) as error:
        if rebuild:
            return None
        raise IndexCorruptError(directory, f"{base_dir.name}: {error}") from error


def shard_count(shards: int | None, layout: ShardLayout | None) -> int:
    if shards is None:
        return layout.count if layout is not None else 1
    if not 1 <= shards <= MAX_SHARDS:
        raise ValueError(f"shards must be from 1 to {MAX_SHARDS}, not {shards}")
    return shards


def sharded_state(directory: Path, base_dir: Path, layout: ShardLayout) -> ShardedState:
    """The live layout and every shard's articles table (read from the stored articles
    where a shard has no table it can trust)."""
    found = [indexed_articles(directory / name, directory) for name in layout.generations]
    return ShardedState(
        base_dir, layout, [table for table, _ in found], [trusted for _, trusted in found]
    )
