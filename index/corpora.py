"""The corpora an index records: which a run adds, reads and removes.

The index records its corpora (absolute paths, in the order they were added) in each
generation's ``newsdesk.json``, and every article records the corpus it came from, which
is also how the list is recovered when that file is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import corpus
from corpus.errors import CorpusError
from index.errors import NewsdeskIndexError
from index.identity import corpus_name
from index.opening import CORRUPTION_ERRORS, open_generation


def absolute_corpora(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Corpus paths as the index records them: absolute, symlinks resolved."""
    return [str(Path(p).expanduser().resolve()) for p in paths]


@dataclass(slots=True)
class CorpusRequest:
    """The corpora a run records, reads and removes."""

    corpora: list[str]
    targets: list[str]
    removed: list[str]
    #: A rebuild of an index that exists (its recorded corpora must all be readable).
    rebuilds_existing: bool = False


def corpus_request(
    recorded: list[str] | None,
    paths: list[str],
    remove: list[str],
    *,
    fresh: bool,
    directory: Path,
) -> CorpusRequest:
    """Which corpora the index will record (``recorded``: those it holds, None when there
    is no index yet), and which of them this run reads."""
    had_index = recorded is not None
    recorded = recorded or []
    remove = [_recorded_corpus(recorded, root, directory) for root in remove]
    kept = [root for root in recorded if root not in remove]
    corpora = kept + [root for root in paths if root not in kept]
    if not had_index and not corpora:  # a first build with no PATH: the bundled sample
        corpora = absolute_corpora([corpus.sample_corpus_path()])
    reads_all = fresh or not (paths or remove)
    targets = [root for root in corpora if reads_all or root in paths]
    return CorpusRequest(corpora, targets, remove, rebuilds_existing=fresh and had_index)


def _recorded_corpus(recorded: list[str], given_path: str, directory: Path) -> str:
    """The recorded corpus ``--remove`` names: by its path, else by its unique file or
    folder name (``--remove bbc-fulltext.tar.gz`` from any folder)."""
    if given_path in recorded:
        return given_path
    named = [root for root in recorded if corpus_name(root) == Path(given_path).name]
    if len(named) == 1:
        return named[0]
    listed = "; ".join(recorded) or "none"
    raise CorpusError(
        f"{given_path} is not a corpus of the index at {directory} (its corpora: {listed})",
        title="Unknown corpus",
    )


_UNREADABLE: tuple[type[BaseException], ...] = (NewsdeskIndexError, OSError, *CORRUPTION_ERRORS)


def corpora_of_documents(directory: Path, base_dir: Path) -> list[str]:
    """The corpora a generation's articles came from (each records its own), in the order
    they were first indexed: the list of corpora when the metadata holding it is lost."""
    firsts: dict[str, int] = {}
    try:
        with open_generation(directory, base_dir).reader() as reader:
            for docnum, stored in reader.iter_docs():
                firsts.setdefault(stored.get("corpus", ""), docnum)
    except _UNREADABLE:
        return []
    return [root for root, _ in sorted(firsts.items(), key=lambda item: item[1]) if root]
