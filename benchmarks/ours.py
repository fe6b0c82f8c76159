"""newsdesk itself, driven through its public API exactly as the CLI and the TUI use it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from corpus.model import Article

#: Both cores, as `newsdesk index` uses them.
PROCS = 2


def build(
    corpus_path: Path,
    out: Path,
    *,
    procs: int = PROCS,
    articles: Sequence[Article] | None = None,
    progress: Callable[[Any], None] | None = None,
    shards: int | None = None,
) -> Any:
    """A full build from the corpus files (so it includes reading and extraction).

    With ``articles``, index those ready-made records instead (writing time alone, the
    same work the peers are timed on).  ``progress`` gets ``index.BuildProgress`` events,
    as ``newsdesk index``'s progress display does.
    """
    from index import build_index

    return build_index(
        [corpus_path],
        out,
        rebuild=True,
        procs=procs,
        articles=articles,
        progress=progress,
        shards=shards,
    )


class EngineSearcher:
    """``search.Engine`` with everything on: BM25F over all text fields, snippets, facets."""

    name = "newsdesk"

    def __init__(self, index_dir: Path, *, warm: bool = False) -> None:
        from search import Engine

        self.engine = Engine.open(index_dir)
        if warm:  # as ``Engine.open(warm=True)`` does in the background, but waited for
            self.engine.warm()

    def query(self, text: str, filter: tuple[str, str] | None = None) -> int:
        """Top 10 with snippets and every facet's counts; ``filter`` (field, value)."""
        filters = {filter[0]: [filter[1]]} if filter is not None else None
        results = self.engine.search(text, filters=filters, facets=True, page_size=10)
        return int(results.total)

    def close(self) -> None:
        self.engine.close()
