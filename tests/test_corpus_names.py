"""File names that are not UTF-8, or hold control characters: distinct, printable ids."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from test_corpus_walk import STORY, read


def write_bytes_named(folder: Path, name: bytes, text: str) -> None:
    descriptor = os.open(os.fsencode(folder) + b"/" + name, os.O_WRONLY | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)


def test_names_differing_only_in_undecodable_bytes_keep_distinct_ids(tmp_path: Path) -> None:
    write_bytes_named(tmp_path, b"a\xff.txt", STORY.replace("valley", "valley one"))
    write_bytes_named(tmp_path, b"a\xfe.txt", STORY.replace("valley", "valley two"))
    os.mkdir(os.fsencode(tmp_path) + b"/caf\xe9")
    write_bytes_named(tmp_path, b"caf\xe9/b.txt", STORY)
    articles, report = read(tmp_path)
    assert report.skipped == [] and report.warnings == []
    by_id = {article.id: article for article in articles}
    assert set(by_id) == {"a\\xfe", "a\\xff", "caf\\xe9/b"}
    assert "valley one" in by_id["a\\xff"].body and "valley two" in by_id["a\\xfe"].body
    assert by_id["a\\xff"].path == f"{tmp_path}/a\\xff.txt"
    assert by_id["caf\\xe9/b"].category == "caf\\xe9"
    assert [article.id for article in read(tmp_path)[0]] == [a.id for a in articles]  # stable


def test_control_characters_in_names_never_reach_ids_or_reports(tmp_path: Path) -> None:
    (tmp_path / "evil\x1b[31m.txt").write_text(STORY)
    (tmp_path / "empty\x07.txt").write_text("")
    [article], report = read(tmp_path)
    assert article.id == "evil\\x1b[31m" and article.path.endswith("evil\\x1b[31m.txt")
    [skip] = report.skipped
    assert str(skip) == f"{tmp_path}/empty\\x07.txt: empty file"


def test_undecodable_names_inside_a_tar_archive(tmp_path: Path) -> None:
    archive = tmp_path / "news.tar"
    with tarfile.open(archive, "w", encoding="utf-8", errors="surrogateescape") as tar:
        for name, text in (("n/a\udcff.txt", "one"), ("n/a\udcfe.txt", "two")):
            data = STORY.replace("valley", f"valley {text}").encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    articles, report = read(archive)
    assert [article.id for article in articles] == ["n/a\\xff", "n/a\\xfe"]  # archive order
    assert articles[1].path == f"{archive}::n/a\\xfe.txt" and report.skipped == []
