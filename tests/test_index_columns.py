"""Facet columns and date orders are computed when a generation is written and mapped by
every search (``index.columns``): on BBC through the commands users run, the searches
they serve equal the same tables computed in memory, and lost or damaged files are
reported and rewritten instead of breaking anything."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from index import build_index, columns, index_stats, open_index
from index.fields import ALL_FACETS
from search import Engine
from tui.cli import main

pytestmark = [pytest.mark.corpora]

QUERIES = ("oil", "", "film", '"prime minister"', "tax place:london")


def _generation(index_dir: Path) -> Path:
    return Path(open_index(index_dir).storage.folder)


def _answers(engine: Engine) -> list[tuple[object, ...]]:
    answers: list[tuple[object, ...]] = []
    for query in QUERIES:
        for sort in ("relevance", "newest", "oldest"):
            found = engine.search(query, sort=sort, page_size=30)
            ids = [hit.id for hit in found.hits]
            answers.append((query, sort, found.total, found.undated, ids, found.facets))
    return answers


@pytest.fixture(scope="module")
def bbc_index(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("columns") / "index"
    build_index([corpora / "bbc" / "bbc-fulltext.tar.gz"], index_dir)
    return index_dir


def test_a_build_writes_columns_that_equal_the_tables_computed_in_memory(
    bbc_index: Path, tmp_path: Path
) -> None:
    generation = _generation(bbc_index)
    assert (generation / columns.MANIFEST).exists()
    assert list(columns.verify(generation)) == []
    plain = tmp_path / "plain"  # the same Whoosh files without the columns
    shutil.copytree(
        generation, plain, ignore=lambda _, names: [n for n in names if columns.is_columns_file(n)]
    )
    with Engine.open(bbc_index) as mapped:
        answers = _answers(mapped)
    computed = Engine.for_index(whoosh_index.open_dir(str(plain)))
    assert answers == _answers(computed)
    assert sum(len(facets["month"]) + len(facets["category"]) for *_, facets in answers) > 40


def _copy(index_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    return copy


@pytest.mark.parametrize(
    "damage", ["lost manifest", "lost array", "truncated array", "flipped bytes"]
)
def test_lost_or_damaged_columns_are_reported_and_rewritten_by_the_next_index_run(
    bbc_index: Path, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with Engine.open(bbc_index) as engine:
        expected = _answers(engine)
    index_dir = _copy(bbc_index, tmp_path)
    generation = _generation(index_dir)
    places = generation / "columns.places.doc_values.npy"
    if damage == "lost manifest":
        (generation / columns.MANIFEST).unlink()  # also: an index from before columns
    elif damage == "lost array":
        places.unlink()
    elif damage == "truncated array":
        places.write_bytes(places.read_bytes()[:-40])
    else:  # same length, other bytes: only the checksum tells
        data = bytearray(places.read_bytes())
        data[-8:] = b"\xff" * 8
        places.write_bytes(bytes(data))

    problems = index_stats(index_dir).columns_problems
    assert problems and ("places" in problems[0] or columns.MANIFEST in problems[0])
    assert main(["stats", "--index", str(index_dir)]) == 0
    assert "facet columns:" in capsys.readouterr().out
    if damage != "flipped bytes":  # found on opening: computed in memory, same answers
        with caplog.at_level(logging.WARNING), Engine.open(index_dir) as engine:
            assert _answers(engine) == expected
        assert "newsdesk index" in caplog.text

    summary = build_index(None, index_dir)
    assert summary.repaired.startswith("facet columns:") and summary.changed is False
    assert summary.generation != generation.name
    assert index_stats(index_dir).columns_problems == []
    with Engine.open(index_dir) as engine:
        assert _answers(engine) == expected


def test_a_refresh_writes_new_columns_and_never_touches_the_mapped_ones(
    bbc_index: Path, tmp_path: Path, corpora: Path
) -> None:
    """The next generation shares the previous one's Whoosh files by hard links, but
    never its columns: rewriting a linked file in place would change (or, truncated,
    crash) every search still mapping the previous generation."""
    index_dir = _copy(bbc_index, tmp_path)
    ix = open_index(index_dir)
    with ix.reader() as reader:
        mapped = columns.GenerationColumns.open(Path(ix.storage.folder), reader)
        tables = [mapped.facet(name) for name in ALL_FACETS]
        assert mapped.problem is None and isinstance(mapped.raw_dates, np.memmap)
        copies = [np.array(part) for table in tables for part in (table.docs, table.starts)]
        with Engine.open(index_dir) as engine:
            assert engine.search("", every_version=True).total == 2_225
            build_index([corpora / "time" / "time-docs.tar.gz"], index_dir)  # 423 more
            everything = engine.search("", page_size=1, every_version=True)  # the new generation
            assert everything.total == 2_225 + 423
            dated = sum(count for _, count in everything.facets["month"])
            # every TIME story is dated; no BBC story states its date
            assert dated + everything.undated == 2_225 + 423 and dated == 423
        parts = [part for table in tables for part in (table.docs, table.starts)]
        assert all(np.array_equal(old, now) for old, now in zip(copies, parts, strict=True))
    assert list(columns.verify(_generation(index_dir))) == []
