"""A full disk ends every write promptly with the documented one-line error, and the
previous index stays live.  Each test mounts a small tmpfs (root, as in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.reader import sample_corpus_path
from index import build_index, open_index

pytestmark = [pytest.mark.corpora]

#: Seconds a failing write may take before it counts as hung.
PROMPT = 120


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 10 MB file system holding the bundled sample's index (about 6 MB)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=10m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        build_index([sample_corpus_path()], mount / "index", procs=1)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _newsdesk(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv, "--quiet"],
        capture_output=True,
        text=True,
        timeout=PROMPT,
        cwd=Path(__file__).resolve().parent.parent,
    )


def _assert_disk_full_and_unchanged(done: subprocess.CompletedProcess[str], index: Path) -> None:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("newsdesk: Disk full: "), done.stderr
    assert "Traceback" not in done.stderr
    assert open_index(index).doc_count() == 1_001  # the previous index, still live
    assert not [p for p in os.listdir(index) if p.startswith(".tmp")]


def test_a_large_refresh_on_a_full_disk_ends_promptly(small_disk: Path, corpora: Path) -> None:
    """2,000+ changes (before: Whoosh's MpWriter, whose parent blocked forever on a full
    queue when its workers died of ENOSPC, holding LOCK)."""
    index = small_disk / "index"
    bbc = corpora / "bbc" / "bbc-fulltext.tar.gz"
    _assert_disk_full_and_unchanged(_newsdesk("index", str(bbc), "--index", str(index)), index)


def test_a_large_rebuild_on_a_full_disk_ends_promptly(small_disk: Path, corpora: Path) -> None:
    index = small_disk / "index"
    bbc = corpora / "bbc" / "bbc-fulltext.tar.gz"
    done = _newsdesk("index", "--rebuild", str(bbc), "--index", str(index))
    _assert_disk_full_and_unchanged(done, index)


def test_no_byte_free_at_all(small_disk: Path) -> None:
    index = small_disk / "index"
    (index / "LOCK").unlink()
    filler = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill every last byte
        for size in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    os.write(filler, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(filler)
    assert shutil.disk_usage(small_disk).free == 0
    done = _newsdesk("index", "--rebuild", "--index", str(index))
    _assert_disk_full_and_unchanged(done, index)
