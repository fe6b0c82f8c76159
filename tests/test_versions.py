"""Versions of one story (near-duplicates): grouped at indexing time, shown once.

The seed story and a corrected copy of it (two words changed, as an agency's correction
is) are versions; the seed story filed again a day later, or a different story, is not.
Indexes are built by the production build from files on disk, as users build them.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_search_support import SEED_ID
from test_tui_support import make_app, pilot_test, screen_lines, settle, submit_query, wait_for

from corpus import read_corpus, sample_corpus_path
from index import build_index
from index.columns import VersionGroups
from index.near_duplicates import NO_SIGNATURE, SIGNATURE_BYTES, signature, version_groups
from search import ArticleNotFoundError, Engine
from search.matching.versions import Versions, kept_versions
from tui.cli import main
from tui.preferences import load_preferences
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen

SEED = sample_corpus_path() / f"{SEED_ID}.txt"
CORRECTED_ID = "001_seed_corrected"
#: Microseconds in an hour (raw dates are microseconds since 0001-01-01).
HOUR = 3_600_000_000


def corrected_seed() -> str:
    """The seed story as a correction would refile it: two words changed."""
    text = SEED.read_text(encoding="utf-8")
    changed = text.replace("second phase", "next phase", 1).replace("Friday", "on Friday", 1)
    assert changed != text
    return changed


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample (the seed story and 1,000 Reuters stories) and the correction,
    filed eight hours after the seed story (dated 22 September 2017) as a JSON record."""
    folder = tmp_path_factory.mktemp("versions-corpus")
    shutil.copytree(sample_corpus_path(), folder, dirs_exist_ok=True)
    [seed] = read_corpus(SEED)
    assert seed.body.replace("second phase", "next phase", 1) != seed.body
    record = {
        "id": CORRECTED_ID,
        "title": seed.title.replace("Friday", "on Friday", 1),
        "body": seed.body.replace("second phase", "next phase", 1),
        "date": "2017-09-22T08:00:00",
        "source": "AFP",
    }
    (folder / "correction.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index_dir(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("versions-index")
    build_index([corpus], folder)
    return folder


def test_signatures_agree_on_versions_and_not_on_other_stories() -> None:
    seed = SEED.read_text(encoding="utf-8")
    title, body = seed.split("\n", 1)
    ctitle, cbody = corrected_seed().split("\n", 1)
    rows = [signature(title, body), signature(ctitle, cbody), signature("Other", body[::-1])]
    hashes = [np.frombuffer(row, dtype="<u2") for row in rows]
    assert len(rows[0]) == SIGNATURE_BYTES
    assert (hashes[0] == hashes[1]).mean() >= 0.7
    assert (hashes[0] == hashes[2]).mean() < 0.2
    # Too short to tell a version from another story of the same shape: no signature.
    assert signature("Qtly div", "Qtly div 20 cts vs 20 cts prior") == NO_SIGNATURE


def test_flashes_of_two_companies_in_the_same_words_are_not_versions() -> None:
    """Reuters-21578 filed these headlines without a body (flashes) the same day: two
    banks' announcements in the same words are two stories; the same flash twice, or a
    flash and its update, one."""
    chase = "CHASE MANHATTAN RAISES PRIME RATE TO 7-3/4 PCT FROM 7-1/2, EFFECTIVE TODAY"
    hanover = "MANUFACTURERS HANOVER RAISES PRIME RATE TO 7-3/4 PCT FROM 7-1/2, EFFECTIVE TODAY"
    belgian = "Belgian three-month treasury certificate rate cut 0.10 points to 7.40 pct"
    titles = (chase, hanover, chase, belgian, f"{belgian} - official")
    rows = np.stack([np.frombuffer(signature(title, ""), dtype=np.uint8) for title in titles])
    hour = np.array([5 * HOUR] * len(titles), np.uint64)
    members, groups = version_groups(rows, np.array([True] * len(titles)), hour)
    assert members.tolist() == [0, 2, 3, 4] and groups.tolist() == [0, 0, 1, 1]


def test_versions_are_close_in_time_and_alive() -> None:
    seed = SEED.read_text(encoding="utf-8")
    title, body = seed.split("\n", 1)
    row = np.frombuffer(signature(title, body), dtype=np.uint8)
    rows = np.stack([row, row, row])
    day = 24 * HOUR
    dates = np.array([10 * day + 3 * HOUR, 10 * day, 11 * day + 4 * HOUR], np.uint64)
    live = np.array([True, True, True])
    members, groups = version_groups(rows, live, dates)
    # The copy 3 hours earlier is a version (and comes first); the one 25 hours later
    # is the same text filed again another day (a daily report): a story of its own.
    assert members.tolist() == [1, 0] and groups.tolist() == [0, 0]
    live[1] = False  # deleted: in no group
    assert len(version_groups(rows, live, dates)[0]) == 0
    # An undated copy is a version of a dated one (the same story in another corpus).
    undated = np.array([10 * day, 2**64 - 1], np.uint64)
    members, _ = version_groups(rows[:2], np.array([True, True]), undated)
    assert members.tolist() == [0, 1]


def test_copies_alike_in_date_and_text_are_ordered_by_id() -> None:
    """Which copy stands for the story never depends on the order the articles were
    read in (a sharded index reads them shard after shard): the smaller id first.  Only
    those copies' ids are looked up (each a stored-article read)."""
    seed = SEED.read_text(encoding="utf-8")
    title, body = seed.split("\n", 1)
    row = np.frombuffer(signature(title, body), dtype=np.uint8)
    other = np.frombuffer(signature(*corrected_seed().split("\n", 1)), dtype=np.uint8)
    rows = np.stack([row, row, other])
    dates = np.array([5 * HOUR, 5 * HOUR, 6 * HOUR], np.uint64)
    ids = ["zeta", "alpha", "beta"]
    asked: list[int] = []

    def names(docs: Any) -> list[str]:
        asked.extend(int(doc) for doc in docs)
        return [ids[int(doc)] for doc in docs]

    members, groups = version_groups(rows, np.array([True] * 3), dates, names)
    assert members.tolist() == [1, 0, 2] and groups.tolist() == [0, 0, 0]
    assert sorted(asked) == [0, 1]


def _random_groups(rng: np.random.Generator, size: int) -> VersionGroups:
    """Random groups of versions of ``size`` articles, each group in a random order
    (which stands for "earliest first")."""
    members = rng.permutation(size)[: int(rng.integers(0, size + 1))]
    labels = rng.integers(0, max(1, len(members) // 2), len(members))
    groups = [members[labels == g] for g in range(max(1, len(members) // 2))]
    groups = [group for group in groups if len(group) >= 2]
    docs = np.concatenate(groups or [np.zeros(0, np.int64)]).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum([len(group) for group in groups]))).astype(np.int64)
    per_doc = np.full(size, -1, np.int64)
    for number, group in enumerate(groups):
        per_doc[group] = number
    return VersionGroups(docs, starts, per_doc)


def _fold_shards(
    shards: list[Versions], bounds: list[int], tiers: list[tuple[None, Any]], kept: dict[int, int]
) -> list[list[tuple[None, Any]]]:
    """Each shard's fold of its share of ``tiers``, without the stories ``kept`` elsewhere."""
    return [
        part.fold([(q, m[a:b].copy()) for q, m in tiers], part.elsewhere(kept))
        for part, (a, b) in zip(shards, itertools.pairwise(bounds), strict=True)
    ]


def test_shards_fold_a_story_in_several_shards_as_the_whole_index_does() -> None:
    """What a cluster's shards and coordinator do with a story whose versions sit in
    several shards (``search.cluster.matching.match``) folds exactly as the whole
    index does: each shard folds its part, the stories kept in two shards are resolved
    to the version the whole index keeps, and a second fold drops the others."""
    rng = np.random.default_rng(15)
    for _ in range(500):
        size = int(rng.integers(2, 40))
        groups = _random_groups(rng, size)
        strict = rng.random(size) < 0.4
        loose = (rng.random(size) < 0.4) & ~strict
        tiers = [(None, strict), (None, loose)] if rng.random() < 0.5 else [(None, strict)]
        whole = Versions(groups).fold([(query, mask.copy()) for query, mask in tiers])
        cuts = sorted(rng.choice(np.arange(1, size), size=min(2, size - 1), replace=False))
        bounds = [0, *(int(cut) for cut in cuts), size]
        shards = [Versions(groups, a, b) for a, b in itertools.pairwise(bounds)]

        first = _fold_shards(shards, bounds, tiers, {})
        spanning = [part.spanning([m for _, m in f]) for part, f in zip(shards, first, strict=True)]
        kept, beyond = kept_versions(spanning)
        second = _fold_shards(shards, bounds, tiers, kept)
        for tier in range(len(tiers)):
            joined = np.concatenate([folded[tier][1] for folded in second])
            assert np.array_equal(joined, whole[tier][1])
        counted = sum(int(m.sum()) for folded in first for _, m in folded)
        assert counted - beyond == sum(int(m.sum()) for _, m in whole)


def test_a_story_in_two_versions_is_one_result(index_dir: Path) -> None:
    with Engine.open(index_dir) as engine:
        results = engine.search("hawija", page_size=20)
        ids = [hit.id for hit in results.hits]
        assert SEED_ID in ids and CORRECTED_ID not in ids
        seed = results.hits[ids.index(SEED_ID)]
        assert seed.versions == 2
        assert results.folded == 1
        every = engine.search("hawija", page_size=20, every_version=True)
        assert every.total == results.total + 1 and every.folded == 0
        assert {SEED_ID, CORRECTED_ID} <= {hit.id for hit in every.hits}
        # Facets count the story once (every version: twice).
        assert dict(results.facets["source"])["AFP"] == 1
        assert dict(every.facets["source"])["AFP"] == 2
        # The seed story (22 September 2017) comes first, its correction 8 hours later.
        assert [hit.id for hit in engine.versions(CORRECTED_ID)] == [SEED_ID, CORRECTED_ID]
        assert [hit.id for hit in engine.versions(SEED_ID)] == [SEED_ID, CORRECTED_ID]
        assert CORRECTED_ID not in {hit.id for hit in engine.related(SEED_ID, limit=10)}
        with pytest.raises(ArticleNotFoundError):
            engine.versions("no-such-story")


def test_listing_every_version_moves_no_other_story(index_dir: Path) -> None:
    """A question of three words or more is expanded with the words of its best articles;
    with every version listed, a story's second version must not lend its words again
    and reorder the other stories."""
    with Engine.open(index_dir) as engine:
        query = "iraqi forces offensive against islamic state near hawija"
        folded = [hit.id for hit in engine.search(query, page_size=30).hits]
        every = [hit.id for hit in engine.search(query, page_size=60, every_version=True).hits]
        assert CORRECTED_ID in every[:3] and CORRECTED_ID not in folded
        assert [article for article in every if article in folded][:30] == folded


def test_a_query_only_the_later_version_matches_shows_it(index_dir: Path) -> None:
    with Engine.open(index_dir) as engine:
        results = engine.search('"next phase" hawija')
        # Only the correction has every word: it stands for the story, and the seed
        # story (any word: "hawija") is folded into it, not listed after it.
        assert results.hits[0].id == CORRECTED_ID and results.hits[0].versions == 2
        assert SEED_ID not in {hit.id for hit in results.hits} and results.folded == 1


def test_a_related_story_says_how_many_versions_it_has(tmp_path: Path) -> None:
    """Related stories are each story once, and say so ("2 versions") as results do."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "correction.txt").write_text(corrected_seed(), encoding="utf-8")
    lead = SEED.read_text(encoding="utf-8").split("\n\n")[1]
    other = (
        "Farmers in the valley began the harvest a week early this year after a dry "
        "summer, the regional co-operative said on Monday. Prices for the first loads "
        "were steady, and the co-operative expects the season to end before October."
    )
    follow_up = f"Iraqi forces press on near Hawija\n\n{lead}\n\n{other}\n"
    (folder / "follow-up.txt").write_text(follow_up, encoding="utf-8")
    build_index([folder], tmp_path / "index")
    with Engine.open(tmp_path / "index") as engine:
        [story] = engine.search("hawija", page_size=20).hits[:1]
        related = {hit.id: hit.versions for hit in engine.related("follow-up", limit=5)}
        assert related.get(story.id) == 2, related


def test_removing_a_version_leaves_the_story_alone(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    index_dir = tmp_path / "index"
    build_index([folder], index_dir)
    (folder / "correction.jsonl").unlink()
    build_index([folder], index_dir)  # a refresh: the correction is deleted
    with Engine.open(index_dir) as engine:
        assert [hit.id for hit in engine.versions(SEED_ID)] == [SEED_ID]
        results = engine.search("hawija")
        assert results.folded == 0 and results.hits[0].versions == 1


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_cli_says_how_many_versions(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = run(capsys, "search", "hawija", "--index", str(index_dir))
    assert "(+1 other version)" in text.splitlines()[0]
    assert "2 versions" in text
    stories = text.splitlines()[0].split(" of ")[1].split()[:2]  # ["2", "stories"]
    # Every version listed: articles are counted, as the TUI says ("3 articles").
    every_text = run(capsys, "search", "hawija", "--every-version", "--index", str(index_dir))
    assert every_text.splitlines()[0].split(" of ")[1].split()[:2] == [
        f"{int(stories[0]) + 1}",
        "articles",
    ]
    data: dict[str, Any] = json.loads(
        run(capsys, "search", "hawija", "--json", "--index", str(index_dir))
    )
    assert data["folded"] == 1
    assert {hit["id"]: hit["versions"] for hit in data["hits"]}[SEED_ID] == 2
    every = json.loads(
        run(capsys, "search", "hawija", "--json", "--every-version", "--index", str(index_dir))
    )
    assert every["folded"] == 0 and every["total"] == data["total"] + 1
    listed = run(capsys, "versions", CORRECTED_ID, "--index", str(index_dir))
    assert listed.startswith("2 versions, earliest first")
    assert listed.index(f"[{SEED_ID}]") < listed.index(f"[{CORRECTED_ID}]")
    versions = json.loads(run(capsys, "versions", SEED_ID, "--json", "--index", str(index_dir)))
    assert [hit["id"] for hit in versions["versions"]] == [SEED_ID, CORRECTED_ID]
    alone = run(capsys, "versions", "1", "--index", str(index_dir))
    assert "has no other version" in alone


# -- the terminal UI ---------------------------------------------------------------------
@pilot_test
async def test_the_reader_lists_the_versions_and_opens_one(tmp_path: Path, index_dir: Path) -> None:
    with Engine.open(index_dir) as engine:
        app = make_app(tmp_path, engine, index_dir=index_dir)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await submit_query(pilot, "hawija")
            rows = "\n".join(screen_lines(app))
            assert "(+1 version)" in rows and "AFP · 2 versions" in rows
            await pilot.press("enter")
            await settle(pilot)
            reader = app.screen
            assert isinstance(reader, ReaderScreen) and reader.article_id == SEED_ID
            await wait_for(pilot, lambda: bool(reader.versions), "the versions")
            shown = "\n".join(screen_lines(app))
            assert "Versions (2, earliest first)" in shown and "2 versions (v)" in shown
            await pilot.press("v", "down", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)
            assert app.screen.article_id == CORRECTED_ID


class SlowRelated:
    """An engine whose related stories take a while (a cluster's take seconds)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def related(self, article_id: str, limit: int = 5) -> list[Any]:
        time.sleep(1.0)
        return self.engine.related(article_id, limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


@pilot_test
async def test_v_pressed_while_the_story_loads_goes_to_its_versions(
    tmp_path: Path, index_dir: Path
) -> None:
    """`v` before the story's versions were known said "This story has no other
    version"; it now goes to them once they are."""
    with Engine.open(index_dir) as engine:
        app = make_app(tmp_path, SlowRelated(engine), index_dir=index_dir)  # type: ignore[arg-type]
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await submit_query(pilot, "hawija")
            await pilot.press("enter", "v")
            reader = app.screen
            assert isinstance(reader, ReaderScreen) and not reader.versions
            await wait_for(pilot, lambda: bool(reader.versions), "the versions")
            await settle(pilot)
            assert app.focused is reader.query_one("#versions")
            await pilot.press("down", "enter")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)
            assert app.screen.article_id == CORRECTED_ID


@pilot_test
async def test_ctrl_g_lists_every_version_and_is_remembered(
    tmp_path: Path, index_dir: Path
) -> None:
    with Engine.open(index_dir) as engine:
        app = make_app(tmp_path, engine, index_dir=index_dir)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await submit_query(pilot, "hawija")
            screen = app.screen
            assert isinstance(screen, SearchScreen) and screen.results is not None
            folded_total = screen.results.total
            await pilot.press("ctrl+g")
            await settle(pilot)
            assert screen.results.total == folded_total + 1
            assert CORRECTED_ID in {hit.id for hit in screen.results.hits}
            assert "articles" in "\n".join(screen_lines(app))
    assert load_preferences(app.settings.preferences_path).every_version


def test_searching_never_loads_the_signature_library(index_dir: Path) -> None:
    """datasketch imports SciPy (half a second): only a build, which makes signatures,
    may pay for it; a search, its versions and facets read the columns alone."""
    script = (
        "import sys\n"
        "from search import Engine\n"
        f"with Engine.open({str(index_dir)!r}) as engine:\n"
        "    engine.search('hawija')\n"
        f"    engine.versions({SEED_ID!r})\n"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
