"""Searching a sharded index shard by shard, merged by a coordinator (``search.cluster``).

The coordinator must answer exactly as the sharded index read in one process does
(ids in the same order, scores, totals, facet counts, pages, sorts, did-you-mean,
related stories), whether its shards run in this process or as Ray actors on a local
Ray instance; a shard that stops answering makes the results partial, naming it, and
bad cluster settings are one clear error line.  Indexes are built by the production
build from the real corpora.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_shards import QUERIES as SHARD_QUERIES

from index import build_index
from search import Engine
from search.cluster.coordinator import ClusterEngine
from search.cluster.shards import LocalShards
from search.errors import ClusterError
from search.results import Hit, SearchResults
from tui.cli import main

#: The sharded index's queries, and words a cluster resolves against every shard's
#: vocabulary (prefix, fuzzy, a prefix matching nothing), a long question, the empty query.
QUERIES = [
    *SHARD_QUERIES,
    "coffe*",
    "elecshun~",
    "oil zzqq*",
    "the central bank said it would raise interest rates to defend the currency",
    "",
]
SEARCHES: list[dict[str, Any]] = [
    {},
    {"page": 2, "page_size": 7},
    {"sort": "newest", "page_size": 15},
    {"sort": "oldest"},
    {"facet_limit": 3},
    {"filters": {"place": ["usa"]}},
    {"facet_limit": 3, "filters": {"place": ["turkey"]}},  # a pick beyond the top values
]


def _hits(hits: tuple[Hit, ...] | list[Hit]) -> list[tuple[str, float, str, int]]:
    return [(hit.id, round(hit.score, 6), hit.snippet, hit.versions) for hit in hits]


def _same(one: SearchResults, other: SearchResults) -> None:
    assert _hits(one.hits) == _hits(other.hits)
    assert (one.total, one.all_words_total, one.relaxed, one.undated, one.partial) == (
        other.total,
        other.all_words_total,
        other.relaxed,
        other.undated,
        other.partial,
    )
    assert one.folded == other.folded
    assert one.suggestion == other.suggestion
    assert _folded(one.facets) == _folded(other.facets)


def _folded(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[tuple[str, int]]]:
    """Facet counts with values case-folded: a value spelled two ways in the articles
    ("WorldCom", "Worldcom" from the entity pass) is shown as the first article read
    spells it, which differs between one process and a coordinator's shards."""
    return {name: [(value.casefold(), n) for value, n in pairs] for name, pairs in facets.items()}


def _compare(engine: Engine, cluster: ClusterEngine, queries: list[str]) -> int:
    """Every query and search shape alike, each story once (its versions folded, also
    those in two shards) and every version listed; returns how many queries found
    articles."""
    assert cluster.article_count == engine.article_count
    found = 0
    for query in queries:
        for options in SEARCHES:
            for every_version in (False, True):
                _same(
                    engine.search(query, every_version=every_version, **options),
                    cluster.search(query, every_version=every_version, **options),
                )
        first = engine.search(query, page_size=1)
        if first.hits:
            found += 1
            top = first.hits[0].id
            assert cluster.get(top) == engine.get(top)
            assert _hits(cluster.versions(top)) == _hits(engine.versions(top))
            assert _hits(cluster.related(top)) == _hits(engine.related(top))
    return found


@pytest.fixture(scope="module")
def sharded(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reuters-21578 in 3 shards by date, BBC in 3 shards by id."""
    root = tmp_path_factory.mktemp("cluster")
    folders = {}
    for name, corpus in (("reuters", "reuters21578"), ("bbc", "bbc")):
        folders[name] = root / name
        build_index([corpora / corpus], folders[name], shards=3)
    return folders


#: A story filed as several identical versions (undated: sharded by the hash of the id).
DOCKERS = (
    "The harbour authority said on Monday that dockers at the northern terminal would "
    "return to work after a long dispute over pay and shift patterns, ending a strike "
    "that had stranded grain ships for three weeks in the estuary."
)


@pytest.mark.parametrize("spread", [True, False])
def test_relaxing_counts_articles_when_versions_sit_in_several_shards(
    tmp_path: Path, spread: bool
) -> None:
    """Whether a query relaxes to any word depends on how many articles have every word
    (fewer than 5), as one process counts them: with a story's versions in several
    shards the coordinator counted stories (and relaxed where one process does not),
    and with five versions in one shard it failed on a shard that had not answered
    with any word."""
    shard_of = {f"v{n}": zlib.crc32(f"v{n}".encode()) % 3 for n in range(200)}
    if spread:  # two versions in each shard
        versions = [i for s in range(3) for i in [i for i, n in shard_of.items() if n == s][:2]]
    else:  # five in one shard
        versions = [i for i, n in shard_of.items() if n == 0][:5]
    records = [
        {"id": i, "title": "Dockers end zebrafinch strike", "body": DOCKERS} for i in versions
    ]
    bird = "A rare zebrafinch was seen in the park by walkers near the lake."
    records.append({"id": "bird", "title": "Zebrafinch seen", "body": bird})
    records += [{"id": f"f{n}", "title": f"Filler {n}",
                 "body": f"Filler article number {n} about gardens, weather and trains."}
                for n in range(30)]  # fmt: skip
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    build_index([tmp_path / "corpus"], tmp_path / "index", shards=3)
    with (
        Engine.open(tmp_path / "index") as engine,
        ClusterEngine(tmp_path / "index", LocalShards) as cluster,
    ):
        for every_version in (False, True):
            expected = engine.search("zebrafinch dockers", every_version=every_version)
            assert expected.total >= 1
            _same(expected, cluster.search("zebrafinch dockers", every_version=every_version))


@pytest.mark.corpora
@pytest.mark.parametrize("corpus", ["reuters", "bbc"])
def test_the_coordinator_answers_as_the_sharded_index_does(
    sharded: dict[str, Path], corpus: str
) -> None:
    with (
        Engine.open(sharded[corpus]) as engine,
        ClusterEngine(sharded[corpus], LocalShards) as cluster,
    ):
        assert cluster.shard_count == 3
        assert _compare(engine, cluster, QUERIES) >= 8


def test_the_coordinator_follows_a_refresh_that_rewrote_one_shard(tmp_path: Path) -> None:
    """The shards it did not rewrite keep their folder, but the collection's figures
    changed: their scores must follow (no term score cached from the old figures)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    stories = [
        {"id": f"s{n}", "title": f"Harbour report {n}", "date": f"2024-03-{1 + n % 27:02d}",
         "body": f"Ships unloaded grain at the harbour. Story {n} of the strike."}
        for n in range(90)
    ]  # fmt: skip
    (corpus / "march.jsonl").write_text("".join(json.dumps(s) + "\n" for s in stories))
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir, shards=3)
    with ClusterEngine(index_dir, LocalShards) as cluster:
        before = cluster.search("harbour strike")
        late = [
            {"id": f"late{n}", "title": "Harbour strike ends", "date": "2024-03-28",
             "body": "The strike at the harbour ended. Dockers accepted the offer."}
            for n in range(40)
        ]  # fmt: skip
        (corpus / "late.jsonl").write_text("".join(json.dumps(s) + "\n" for s in late))
        build_index(None, index_dir)
        with Engine.open(index_dir) as engine:
            for query in ("harbour strike", "grain", "dockers offer"):
                _same(
                    engine.search(query, every_version=True),
                    cluster.search(query, every_version=True),
                )
        # (the 40 late stories are one story in 40 versions, in one shard)
        assert cluster.search("harbour strike", every_version=True).total == before.total + 40
        assert cluster.search("harbour strike").total == before.total + 1


# -- Ray -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """A local Ray instance (two CPUs) for this module's tests; the ``ray`` module."""
    ray = pytest.importorskip("ray", reason="the cluster extra: pip install 'newsdesk[cluster]'")
    from index.ray_cluster import connect

    connect(None)
    yield ray
    ray.shutdown()


@pytest.mark.corpora
def test_ray_actors_answer_as_the_index_read_in_one_process(
    sharded: dict[str, Path], local_ray: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = sharded["reuters"]
    with Engine.open(index_dir) as engine, Engine.open(index_dir, cluster="ray") as cluster:
        assert _compare(engine, cluster, QUERIES[:8]) >= 5
        expected = engine.search("oil prices", page_size=5, every_version=True)
    capsys.readouterr()
    status = main(["search", "oil", "prices", "--limit", "5", "--json", "--index", str(index_dir),
                   "--cluster", "ray", "--every-version"])  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert status == 0
    assert [hit["id"] for hit in printed["hits"]] == [hit.id for hit in expected.hits]
    assert (printed["total"], printed["missing_shards"]) == (expected.total, [])


@pytest.mark.corpora
def test_a_stopped_actor_makes_results_partial_until_ray_restarts_it(
    sharded: dict[str, Path], local_ray: Any
) -> None:
    index_dir = sharded["bbc"]
    made: list[Any] = []

    def shards(folder: str, count: int) -> Any:
        from search.cluster.ray_shards import RayShards

        made.append(RayShards(folder, count))
        return made[-1]

    with Engine.open(index_dir) as engine, ClusterEngine(index_dir, shards) as cluster:
        whole = engine.search("election", every_version=True)
        _same(whole, cluster.search("election", every_version=True))
        local_ray.kill(made[0].actor(1), no_restart=False)
        cut = cluster.search("election", every_version=True)
        assert cut.partial and cut.missing_shards == (1,)
        # (it died before the query round, or between it and the fetch of the page)
        assert 0 < cut.total <= whole.total and len(cut.hits) <= len(whole.hits)
        assert cut.total < whole.total or len(cut.hits) < len(whole.hits)
        # A word the coordinator must look up in every shard's vocabulary (not cached
        # yet) while a worker is down: asked again until Ray restarted it, not an error.
        local_ray.kill(made[0].actor(2), no_restart=False)
        wildcard = cluster.search("electi*", every_version=True)
        assert wildcard.missing_shards == ()
        assert wildcard.total == engine.search("electi*", every_version=True).total
        deadline = time.monotonic() + 60
        while (again := cluster.search("election", every_version=True)).missing_shards:
            assert time.monotonic() < deadline, "the actor was not restarted"
            time.sleep(0.5)
        _same(whole, again)


@pytest.mark.corpora
def test_a_build_by_ray_tasks_answers_as_one_by_processes(
    sharded: dict[str, Path], corpora: Path, tmp_path: Path, local_ray: Any
) -> None:
    """``newsdesk index --cluster ray``: the writer processes are Ray tasks; the index
    they write is the same."""
    on_ray = tmp_path / "on-ray"
    summary = build_index([corpora / "bbc"], on_ray, shards=3, cluster="ray")
    assert summary.added == summary.total == 2225
    with Engine.open(sharded["bbc"]) as local, Engine.open(on_ray) as built:
        for query in QUERIES:
            _same(local.search(query), built.search(query))


@pytest.mark.corpora
def test_workers_that_cannot_see_the_index_say_so(
    sharded: dict[str, Path], tmp_path: Path, local_ray: Any
) -> None:
    from search.cluster.ray_shards import RayShards

    elsewhere = tmp_path / "not-mounted"
    with pytest.raises(ClusterError, match=r"cannot see .*not-mounted.*same path"):
        ClusterEngine(sharded["bbc"], lambda _, count: RayShards(str(elsewhere), count))


def test_a_local_ray_starts_under_a_terminal_ui() -> None:
    """Textual replaces stdout and stderr with objects that have no file descriptor;
    Ray hands those descriptors to the processes it starts.  The TUI opens its engine
    in the app (``Engine.open(dir, cluster="ray")`` from a worker thread), so starting
    Ray there must work (it failed with "file.fileno() is not a valid file descriptor")."""
    pytest.importorskip("ray", reason="the cluster extra")
    script = (
        "import io, sys\n"
        "from index.ray_cluster import connect\n"
        "class Captured(io.StringIO):\n"
        "    def fileno(self):\n"
        "        return -1  # what Textual's print capture says\n"
        "sys.stdout, sys.stderr = Captured(), Captured()\n"
        "ray = connect(None)\n"
        "ok = ray.is_initialized()\n"
        "ray.shutdown()\n"
        "sys.__stdout__.write('started' if ok else 'not started')\n"
        "sys.__stdout__.write('\\n' + sys.stderr.getvalue())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    started, _, printed = done.stdout.partition("\n")
    assert started == "started", done.stderr[-2000:]
    # Ray's notice that it turned token authentication on is not drawn over the app.
    assert "Token authentication is enabled" not in printed + done.stderr


def test_an_unreachable_cluster_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ray", reason="the cluster extra")
    build_index([Path(__file__).parent.parent / "corpus" / "sample"], tmp_path / "ix", shards=2)
    status = main(
        ["search", "oil", "--index", str(tmp_path / "ix"), "--cluster", "ray:127.0.0.1:9"]
    )
    error = capsys.readouterr().err
    assert status == 1
    assert error.count("\n") == 1
    assert "cannot reach the Ray cluster at 127.0.0.1:9" in error
    with pytest.raises(ClusterError, match="unknown cluster 'spark'"):
        Engine.open(tmp_path / "ix", cluster="spark")
