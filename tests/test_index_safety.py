"""Crash safety, locking, readers during rebuilds, and the documented index errors.

Writers run in subprocesses that pause at a named point (``NEWSDESK_TEST_PAUSE_AT``) and
are killed there with SIGKILL (their whole process group, Whoosh workers included).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.build
import index.opening
from index import (
    IndexCorruptError,
    IndexDiskFullError,
    IndexLockedError,
    IndexMissingError,
    IndexUnreadableError,
    SchemaVersionError,
    build_index,
    index_generation,
    index_stats,
    open_index,
)
from index.locking import WriterLock
from index.store import META_FILE
from index.testing import PAUSE_ENV
from search import Engine
from tui.cli import main


def write_jsonl(path: Path, articles: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")


def story(number: int) -> dict[str, object]:
    return {
        "id": f"story-{number}",
        "title": f"Harbour report number {number}",
        "body": f"Ships unloaded grain at the harbour on day {number} of the strike.",
        "places": ["Rotterdam"],
    }


WRITER = (
    "import sys\n"
    "from index import build_index\n"
    "build_index(None, sys.argv[1], rebuild=sys.argv[2] == 'rebuild', procs=int(sys.argv[3]))\n"
)


class PausedWriter:
    """A writer subprocess stopped at a checkpoint, ready to be killed."""

    def __init__(self, index_dir: Path, point: str, *, mode: str = "refresh", procs: int = 1):
        env = {**os.environ, PAUSE_ENV: point}
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(index_dir), mode, str(procs)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        watchdog = threading.Timer(180, self.kill)
        watchdog.start()
        try:
            assert self.process.stderr is not None
            for line in self.process.stderr:
                if line.startswith(f"paused at {point}"):
                    break
            else:
                pytest.fail(f"writer exited ({self.process.wait()}) before reaching {point}")
        finally:
            watchdog.cancel()

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def indexed(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A corpus of 60 stories and its index; yields (corpus file, index dir)."""
    corpus_file = tmp_path / "corpus" / "stories.jsonl"
    corpus_file.parent.mkdir()
    write_jsonl(corpus_file, [story(n) for n in range(1, 61)])
    index_dir = tmp_path / "index"
    build_index([corpus_file.parent], index_dir, procs=1)
    yield corpus_file, index_dir


def _leftovers(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith((".tmp", "CURRENT.")))


def _generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))


@pytest.mark.parametrize("mode", ["refresh", "rebuild"])
@pytest.mark.parametrize(
    "point",
    ["locked", "indexing", "before-commit", "after-commit", "before-publish", "after-publish"],
)
def test_sigkill_at_any_point_leaves_a_working_index(
    indexed: tuple[Path, Path], point: str, mode: str
) -> None:
    corpus_file, index_dir = indexed
    write_jsonl(corpus_file, [story(n) for n in range(1, 71)])
    before = index_generation(index_dir)

    PausedWriter(index_dir, point, mode=mode).kill()

    published = point == "after-publish"
    assert open_index(index_dir).doc_count() == (70 if published else 60)
    assert (index_generation(index_dir) != before) is published
    summary = build_index(None, index_dir)
    assert summary.total == 70 == open_index(index_dir).doc_count()
    assert _leftovers(index_dir) == []
    assert _generations(index_dir) == [index_generation(index_dir)]


@pytest.mark.parametrize("mode", ["refresh", "rebuild"])
@pytest.mark.parametrize(
    "point", ["indexing", "before-commit", "after-commit", "before-publish", "after-publish"]
)
def test_sigkill_during_a_sharded_write_leaves_the_previous_shards_live(
    tmp_path: Path, point: str, mode: str
) -> None:
    """A sharded index moves from one whole set of shards to the next, or not at all."""
    corpus_file = tmp_path / "corpus" / "stories.jsonl"
    corpus_file.parent.mkdir()
    write_jsonl(corpus_file, [story(n) for n in range(1, 61)])
    index_dir = tmp_path / "index"
    build_index([corpus_file.parent], index_dir, shards=3, procs=1)
    before = index_generation(index_dir)
    write_jsonl(corpus_file, [story(n) for n in range(1, 71)])

    PausedWriter(index_dir, point, mode=mode).kill()

    published = point == "after-publish"
    with Engine.open(index_dir) as engine:
        assert engine.search("harbour").total == (70 if published else 60)
    assert (index_generation(index_dir) != before) is published
    summary = build_index(None, index_dir)
    assert summary.total == 70 == open_index(index_dir).doc_count()
    assert _leftovers(index_dir) == []
    assert _generations(index_dir) == [index_generation(index_dir)]
    for shard in sorted((index_dir / "shards").iterdir()):
        assert len(list(shard.iterdir())) == 1, f"{shard.name}: {sorted(shard.iterdir())}"


def test_sigkill_during_a_parallel_build_keeps_the_old_index(tmp_path: Path) -> None:
    corpus_file = tmp_path / "corpus" / "stories.jsonl"
    corpus_file.parent.mkdir()
    write_jsonl(corpus_file, [story(n) for n in range(1, 11)])
    index_dir = tmp_path / "index"
    build_index([corpus_file.parent], index_dir)
    # Enough new articles for the two-process writer (workers are running when killed).
    write_jsonl(corpus_file, [story(n) for n in range(1, 2201)])

    PausedWriter(index_dir, "before-commit", mode="rebuild", procs=2).kill()

    assert open_index(index_dir).doc_count() == 10
    summary = build_index(None, index_dir, procs=2)
    assert summary.total == 2200 == open_index(index_dir).doc_count()
    assert _leftovers(index_dir) == []


def _children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _workers_of(pid: int) -> list[int]:
    """The index worker processes among ``pid``'s children (not multiprocessing's tracker)."""
    workers = []
    for child in _children_of(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in command:
            workers.append(child)
    return workers


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_exit_when_only_the_parent_is_killed(tmp_path: Path) -> None:
    corpus_file = tmp_path / "corpus" / "stories.jsonl"
    corpus_file.parent.mkdir()
    write_jsonl(corpus_file, [story(n) for n in range(1, 2201)])
    index_dir = tmp_path / "index"
    build_index([corpus_file.parent], index_dir, procs=1)
    writer = PausedWriter(index_dir, "worker-indexing", mode="rebuild", procs=2)
    deadline = time.monotonic() + 30
    workers = _workers_of(writer.pid)
    while len(workers) < 2 and time.monotonic() < deadline:  # the second may still start
        time.sleep(0.2)
        workers = _workers_of(writer.pid)
    assert len(workers) == 2
    os.kill(writer.pid, signal.SIGKILL)  # kill -9 of the parent alone
    writer.process.wait()
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = [w for w in workers if _alive(w)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)  # do not leave orphans behind, even on failure
    assert survivors == []
    assert build_index(None, index_dir).total == 2200


def test_second_writer_is_refused_and_stale_lock_recovered(indexed: tuple[Path, Path]) -> None:
    _, index_dir = indexed
    writer = PausedWriter(index_dir, "locked")
    try:
        with pytest.raises(IndexLockedError, match=f"index is being updated by PID {writer.pid}"):
            build_index(None, index_dir)
        assert index_stats(index_dir).writer_pid == writer.pid  # readers are not blocked
    finally:
        writer.kill()
    assert (index_dir / "LOCK").read_text().strip() == str(writer.pid)  # left behind
    assert index_stats(index_dir).writer_pid is None
    summary = build_index(None, index_dir)  # the dead writer's lock is taken over
    assert summary.total == 60


def test_reader_keeps_working_during_rebuild(indexed: tuple[Path, Path]) -> None:
    corpus_file, index_dir = indexed
    ix = open_index(index_dir)
    old_dir = Path(ix.storage.folder)
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 60
        write_jsonl(corpus_file, [story(n) for n in range(1, 31)])
        build_index(None, index_dir, rebuild=True)
        assert not old_dir.exists()  # the old generation is gone from disk ...
        # ... but the open searcher still reads it, stored fields included.
        assert searcher.doc_count() == 60
        assert searcher.document(id="story-45") is not None
        from whoosh.query import Term

        assert len(searcher.search(Term("places", "rotterdam"), limit=None)) == 60
    assert open_index(index_dir).doc_count() == 30


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="run `newsdesk index PATH` first"):
        open_index(tmp_path / "nothing-here")
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexMissingError):
        open_index(tmp_path / "empty")
    # While its first build runs, a search was told to run `newsdesk index` (again).
    with (
        WriterLock(tmp_path / "empty"),
        pytest.raises(
            IndexMissingError, match=f"its first build is running \\(PID {os.getpid()}\\)"
        ),
    ):
        open_index(tmp_path / "empty")


def test_wrong_schema_version_needs_rebuild(indexed: tuple[Path, Path]) -> None:
    _, index_dir = indexed
    meta_path = index_dir / index_generation(index_dir) / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 0
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(SchemaVersionError, match="rebuild needed: run `newsdesk index --rebuild`"):
        open_index(index_dir)
    with pytest.raises(SchemaVersionError):
        build_index(None, index_dir)
    assert build_index(None, index_dir, rebuild=True).total == 60
    assert open_index(index_dir).doc_count() == 60


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_corrupted_segment_file_is_reported(indexed: tuple[Path, Path], damage: str) -> None:
    _, index_dir = indexed
    segments = list((index_dir / index_generation(index_dir)).glob("*.seg"))
    assert segments
    for segment in segments:
        data = segment.read_bytes()
        if damage == "truncate":
            segment.write_bytes(data[: len(data) // 2])
        else:
            segment.write_bytes(bytes(len(data)))
    with pytest.raises(IndexCorruptError, match="rebuild it with `newsdesk index --rebuild`"):
        open_index(index_dir)
    # A rebuild does not read the damaged generation, so it repairs the index.
    assert build_index(None, index_dir, rebuild=True).total == 60


@pytest.mark.parametrize("part", ["_stored.col", ".toc", ".postarrays"])
def test_damage_found_while_searching_is_one_line_and_a_rebuild_repairs_it(
    indexed: tuple[Path, Path], part: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damage that opening the index does not touch (an article's stored fields, the
    table of contents overwritten, a truncated postings arrays file) gives a one-line
    error naming the fix, or the right answer, never a traceback."""
    _, index_dir = indexed
    generation = index_dir / index_generation(index_dir)
    if part == "_stored.col":  # an article's stored fields, inside the compound segment
        from whoosh import index as whoosh_index

        ix = whoosh_index.open_dir(str(generation))
        [segment] = ix._segments()
        entries = segment.open_compound_file(ix.storage)._dir
        [entry] = [value for name, value in entries.items() if name.endswith(part)]
        [seg_file] = generation.glob("*.seg")
        data = bytearray(seg_file.read_bytes())
        data[entry["offset"] : entry["offset"] + 200] = b"\x01" * 200
        seg_file.write_bytes(bytes(data))
    elif part == ".toc":
        [toc] = generation.glob("*.toc")
        toc.write_bytes(b"garbage" * 10)
    else:
        [arrays] = generation.glob("*.postarrays")
        arrays.write_bytes(arrays.read_bytes()[:1000])
    for command in (["search", "harbour"], ["show", "story-1"], ["stats"]):
        status = main([*command, "--index", str(index_dir)])
        captured = capsys.readouterr()
        if status == 0:
            assert part == ".postarrays"  # read through Whoosh instead: slower, same answer
            continue
        assert status == 1 and "rebuild it with `newsdesk index --rebuild`" in captured.err
        assert len(captured.err.strip().splitlines()) == 1
    assert main(["index", "--rebuild", "--index", str(index_dir), "-q"]) == 0
    assert main(["show", "story-1", "--index", str(index_dir)]) == 0


@pytest.mark.parametrize(
    "pointer",
    [None, b"", b"\n", b"gen-999999\n", b"\xff\xfe\x00gen", b"../etc\n"],
    ids=["missing", "empty", "blank", "names-nothing", "binary", "path"],
)
@pytest.mark.parametrize("command", [["index"], ["index", "--rebuild"], ["tui-first-run"]])
def test_a_lost_pointer_never_costs_the_archive(
    indexed: tuple[Path, Path],
    pointer: bytes | None,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A generation holding a valid index is never deleted because CURRENT is gone or
    damaged: readers use it, stats says so, and the next write repairs the pointer (and
    keeps every story: before, it built the bundled sample in its place)."""
    _, index_dir = indexed
    [generation] = _generations(index_dir)
    current = index_dir / "CURRENT"
    if pointer is None:
        current.unlink()
    else:
        current.write_bytes(pointer)
    assert open_index(index_dir).doc_count() == 60
    stats = index_stats(index_dir)
    assert stats.generation == generation and stats.articles == 60
    assert stats.pointer_problem.startswith("CURRENT")
    if command == ["tui-first-run"]:  # the app's first-run check: "is there an index?"
        with Engine.open(index_dir) as engine:
            assert engine.search("harbour").total == 60
        return
    assert main([*command, "--index", str(index_dir), "-q"]) == 0
    out = capsys.readouterr().out
    assert "repaired the index: CURRENT" in out
    assert open_index(index_dir).doc_count() == 60
    assert index_stats(index_dir).pointer_problem == ""
    assert index_generation(index_dir) != generation
    assert _generations(index_dir) == [index_generation(index_dir)]


def test_a_lost_pointer_without_a_complete_generation_is_reported(
    indexed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_file, index_dir = indexed
    [generation] = _generations(index_dir)
    (index_dir / "CURRENT").write_text("gen-999999\n")
    (index_dir / generation / META_FILE).write_text("{")
    with pytest.raises(IndexCorruptError, match="no complete generation"):
        open_index(index_dir)
    assert main(["index", "--index", str(index_dir)]) == 1  # a refresh needs the live one
    assert "no complete generation" in capsys.readouterr().err
    assert _generations(index_dir) == [generation]  # nothing deleted
    # A rebuild with the corpora given repairs it.
    assert build_index([corpus_file.parent], index_dir, rebuild=True).total == 60
    assert open_index(index_dir).doc_count() == 60


def test_rebuild_recovers_the_corpora_from_the_articles_when_the_metadata_is_lost(
    indexed: tuple[Path, Path],
) -> None:
    corpus_file, index_dir = indexed
    (index_dir / index_generation(index_dir) / META_FILE).write_text("{")
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        open_index(index_dir)
    summary = build_index(None, index_dir, rebuild=True)
    assert summary.total == 60 and summary.corpora == [str(corpus_file.parent.resolve())]


def test_disk_full_keeps_previous_index(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus_file, index_dir = indexed
    before = index_generation(index_dir)
    write_jsonl(corpus_file, [story(n) for n in range(1, 71)])

    def no_space(folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index.build, "fsync_tree", no_space)
    with pytest.raises(IndexDiskFullError, match="disk full"):
        build_index(None, index_dir)
    assert index_generation(index_dir) == before
    assert open_index(index_dir).doc_count() == 60
    assert _leftovers(index_dir) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unreadable_index_dir(indexed: tuple[Path, Path]) -> None:
    _, index_dir = indexed
    generation_dir = index_dir / index_generation(index_dir)
    generation_dir.chmod(0)
    try:
        with pytest.raises(IndexUnreadableError, match="permission"):
            open_index(index_dir)
    finally:
        generation_dir.chmod(0o755)


def test_permission_denied_is_reported_as_unreadable(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores file modes, so the OS refusal is simulated at Whoosh's boundary."""
    _, index_dir = indexed

    def refuse(path: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(index.opening.whoosh_index, "open_dir", refuse)
    with pytest.raises(IndexUnreadableError, match="permission denied"):
        open_index(index_dir)


def test_index_path_that_is_a_file_is_reported(tmp_path: Path) -> None:
    in_the_way = tmp_path / "index"
    in_the_way.write_text("not a folder")
    with pytest.raises(IndexUnreadableError, match=f"cannot access {in_the_way}"):
        build_index([tmp_path], in_the_way)
