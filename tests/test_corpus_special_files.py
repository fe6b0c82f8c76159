"""Pipes, sockets, devices and symbolic links in a corpus: never read, never a hang.

Every test reads a real tree in tmp_path (real FIFOs, sockets, links, archives) in a
worker thread with a deadline, so a regression shows as a failure, not a hung suite.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import tarfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from corpus import Article, CorpusReport, read_corpus
from corpus.opening import NotReadable, open_regular_file
from corpus.report import Skip

STORY = (
    "Floods hit the valley\n\n"
    "Heavy rain flooded the valley on Monday, forcing hundreds of families from their "
    "homes as rivers burst their banks and roads were closed across the region.\n"
)
SECONDS = 20
T = TypeVar("T")


def within_deadline(work: Callable[[], T], unblock: tuple[Path, ...] = ()) -> T:
    """``work()`` run in a thread; fails (and frees a blocked reader) past the deadline."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(SECONDS)
    if worker.is_alive():
        for fifo in unblock:  # a writer lets a reader blocked on the pipe go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"reading did not finish in {SECONDS} s: it blocked")
    if errors:
        raise errors[0]
    return results[0]


def read(path: Path, fifos: tuple[Path, ...] = ()) -> tuple[list[Article], CorpusReport]:
    report = CorpusReport()
    articles = within_deadline(lambda: list(read_corpus(path, report)), fifos)
    return articles, report


def reasons(entries: list[Skip]) -> dict[str, str]:
    return {entry.path: entry.reason for entry in entries}


def test_fifo_and_socket_are_skipped_with_a_reason_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY)
    fifos = (tmp_path / "pipe.txt", tmp_path / "pipe.jsonl", tmp_path / "news.tar.gz")
    for fifo in fifos:
        os.mkfifo(fifo)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "wire.sock"))
        articles, report = read(tmp_path, fifos)
    assert [article.id for article in articles] == ["good"]
    assert reasons(report.skipped) == {
        str(tmp_path / "news.tar.gz"): "not a regular file (named pipe)",
        str(tmp_path / "pipe.jsonl"): "not a regular file (named pipe)",
        str(tmp_path / "pipe.txt"): "not a regular file (named pipe)",
        str(tmp_path / "wire.sock"): "not a regular file (socket)",
    }


def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    regular = os.lstat(__file__)  # what the name looked like when it was checked
    monkeypatch.setattr("corpus.opening.os.lstat", lambda path: regular)
    with pytest.raises(NotReadable, match=r"not a regular file \(named pipe\)"):
        within_deadline(lambda: open_regular_file(fifo, None), (fifo,))


def test_a_file_swapped_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    other = os.lstat(__file__)  # a regular file, but another one
    monkeypatch.setattr("corpus.opening.os.lstat", lambda path: other)
    with pytest.raises(NotReadable, match="replaced"):
        open_regular_file(tmp_path / "a.txt", None)


def test_links_out_of_the_corpus_are_skipped_and_never_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(STORY)
    outside = tmp_path / "private.txt"
    outside.write_text(STORY.replace("valley", "secret valley"))
    (corpus / "passwd").symlink_to("/etc/passwd")
    (corpus / "environ.txt").symlink_to("/proc/self/environ")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "private.txt").symlink_to(outside)
    (corpus / "sneaky.txt").symlink_to("../corpus/../private.txt")
    (corpus / "broken.txt").symlink_to("nowhere.txt")
    articles, report = read(corpus)
    assert [article.id for article in articles] == ["good"]
    outside_reason = "symbolic link to outside the corpus folder (not followed): "
    assert reasons(report.skipped) == {
        str(corpus / "broken.txt"): "broken symbolic link to nowhere.txt",
        str(corpus / "environ.txt"): outside_reason + str(Path("/proc/self/environ").resolve()),
        str(corpus / "passwd"): outside_reason + "/etc/passwd",
        str(corpus / "private.txt"): outside_reason + str(outside),
        str(corpus / "sneaky.txt"): outside_reason + str(outside),
        str(corpus / "zero.txt"): outside_reason + "/dev/zero",
    }


def test_links_inside_the_corpus_are_followed_and_folder_links_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "world").mkdir(parents=True)
    (corpus / "world" / "001.txt").write_text(STORY)
    (corpus / "latest.txt").symlink_to("world/001.txt")
    (corpus / "mirror").symlink_to("world")
    (corpus / "elsewhere").symlink_to(tmp_path)
    articles, report = read(corpus)
    assert [article.id for article in articles] == ["latest", "world/001"]
    assert articles[0].body == articles[1].body
    assert report.skipped == []
    folder_link = "symbolic link to a folder (not followed)"
    assert reasons(report.ignored) == {
        str(corpus / "elsewhere"): folder_link,
        str(corpus / "mirror"): folder_link,
    }


def test_the_root_may_be_a_link_and_its_inside_is_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "001.txt").write_text(STORY)
    (real / "002.txt").symlink_to(real / "001.txt")  # absolute, but inside the root
    (tmp_path / "link").symlink_to(real)
    (tmp_path / "story.txt").symlink_to(real / "001.txt")
    articles, report = read(tmp_path / "link")
    assert [article.id for article in articles] == ["001", "002"] and report.skipped == []
    assert articles[0].path == str(tmp_path / "link" / "001.txt")
    [alone], report = read(tmp_path / "story.txt")
    assert alone.id == "story" and report.skipped == []


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_given_as_the_root_is_not_read(device: str) -> None:
    articles, report = read(Path(device))
    assert articles == []
    assert reasons(report.skipped) == {device: "not a regular file (character device)"}


def test_a_fifo_given_as_the_root_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "feed")
    articles, report = read(tmp_path / "feed", (tmp_path / "feed",))
    assert articles == []
    assert [skip.reason for skip in report.skipped] == ["not a regular file (named pipe)"]


def tar_member(tar: tarfile.TarFile, name: str, kind: bytes, linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 5  # /dev/zero
    tar.addfile(info)


def test_tar_links_and_devices_are_reported_not_read(tmp_path: Path) -> None:
    archive = tmp_path / "news.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        story = STORY.encode()
        info = tarfile.TarInfo("news/001.txt")
        info.size = len(story)
        tar.addfile(info, io.BytesIO(story))
        tar_member(tar, "news/passwd.txt", tarfile.SYMTYPE, "/etc/passwd")
        tar_member(tar, "news/copy.txt", tarfile.LNKTYPE, "news/001.txt")
        tar_member(tar, "news/zero.txt", tarfile.CHRTYPE)
        tar_member(tar, "news/disk.txt", tarfile.BLKTYPE)
        tar_member(tar, "news/pipe.txt", tarfile.FIFOTYPE)
    articles, report = read(archive)
    assert [article.id for article in articles] == ["news/001"]
    assert reasons(report.skipped) == {
        f"{archive}::news/zero.txt": "not a regular file (character device)",
        f"{archive}::news/disk.txt": "not a regular file (block device)",
        f"{archive}::news/pipe.txt": "not a regular file (named pipe)",
    }
    assert reasons(report.ignored) == {
        f"{archive}::news/passwd.txt": "symbolic link inside an archive (not followed): "
        "/etc/passwd",
        f"{archive}::news/copy.txt": "hard link inside an archive (not followed): news/001.txt",
    }


def test_zip_symbolic_links_are_reported_not_read(tmp_path: Path) -> None:
    archive = tmp_path / "news.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("news/001.txt", STORY)
        link = zipfile.ZipInfo("news/passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, "/etc/passwd")
    articles, report = read(archive)
    assert [article.id for article in articles] == ["news/001"] and report.skipped == []
    assert reasons(report.ignored) == {
        f"{archive}::news/passwd.txt": "symbolic link inside an archive (not followed)"
    }
