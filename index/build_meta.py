"""The metadata (``newsdesk.json``) a build writes for its generation: what it records of
how its corpora were read (``--max-article-mb``, ``--source``, code books, the entity
pass), kept for later refreshes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from index.corpus_files import CorpusFiles
from index.schema import SCHEMA_VERSION
from index.store import GenerationMeta

if TYPE_CHECKING:
    from index.build import BuildSummary


def package_version() -> str:
    try:
        return version("newsdesk")
    except PackageNotFoundError:
        return "0+unknown"


def corpus_sources(
    meta: GenerationMeta | None, corpora: list[str], roots: list[str], source: str | None
) -> dict[str, str]:
    """Each recorded corpus's ``--source``: as recorded, or as given now for ``roots``."""
    sources = dict(meta.sources) if meta is not None else {}
    if source is not None:
        for root in roots:
            if source.strip():
                sources[root] = source.strip()
            else:
                sources.pop(root, None)  # --source "": the articles' own again
    return {root: name for root, name in sources.items() if root in corpora}


#: Names of a corpus's codes: root -> field -> code -> name (``GenerationMeta.code_names``).
CodeNamesByCorpus = dict[str, dict[str, dict[str, str]]]


def code_names_of(
    meta: GenerationMeta | None, source: CorpusFiles, corpora: list[str]
) -> CodeNamesByCorpus:
    """The code names the next generation records: each corpus read now by the code
    books found now (none: none), the others' as recorded, removed corpora's dropped."""
    planned = {root for root, _ in source.roots}
    names = {
        root: fields
        for root, fields in (meta.code_names if meta is not None else {}).items()
        if root in corpora and root not in planned
    }
    names.update(source.code_names())
    return names


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a generation records of how its corpora were read, for later refreshes."""

    max_article_bytes: int | None
    sources: dict[str, str]
    code_names: CodeNamesByCorpus
    #: ``GenerationMeta.entities``
    entities: str


def meta_maker(
    summary: BuildSummary, started: float, recorded: Recorded
) -> Callable[[int], GenerationMeta]:
    """The metadata of a generation this run writes, given its article count."""

    def meta(articles: int) -> GenerationMeta:
        return GenerationMeta(
            schema_version=SCHEMA_VERSION,
            corpora=summary.corpora,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.monotonic() - started, 3),
            articles=articles,
            last_update={
                "added": summary.added,
                "updated": summary.updated,
                "deleted": summary.deleted,
                "unchanged": summary.unchanged,
                "skipped": len(summary.skipped),
            },
            newsdesk_version=package_version(),
            max_article_bytes=recorded.max_article_bytes,
            sources=recorded.sources,
            code_names=recorded.code_names,
            entities=recorded.entities,
        )

    return meta
