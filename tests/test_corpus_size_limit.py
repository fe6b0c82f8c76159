"""The article size limit: nothing larger is read, memory stays bounded, bombs defused."""

from __future__ import annotations

import functools
import io
import json
import tarfile
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus import DEFAULT_MAX_ARTICLE_BYTES, Article, CorpusReport, read_corpus

LIMIT = 1000
TOO_LARGE = "larger than the 1,000 bytes size limit (--max-article-mb); not read"
STORY = (
    "Floods hit the valley\n\n"
    "Heavy rain flooded the valley on Monday, forcing hundreds of families from their "
    "homes as rivers burst their banks and roads were closed across the region.\n"
)
#: Text that reads as prose: long lines of words, so it is an article, not a note.
PROSE_LINE = ("the river rose and the town was flooded again " * 4).strip() + ".\n"


def read(path: Path, limit: int = LIMIT) -> tuple[list[Article], CorpusReport]:
    report = CorpusReport()
    return list(read_corpus(path, report, max_article_bytes=limit)), report


@functools.cache
def _loaded_once() -> None:
    """A process's first article loads the gazetteer and the readers' modules (~70 MB,
    once): read one before measuring what reading a file costs."""
    with tempfile.TemporaryDirectory() as folder:
        for name, make in FORMATS.items():
            path = Path(folder) / name
            path.write_text(HEADERS.get(name, "") + make(1, "Prices rose in Paris."))
            read(path)


def peak_bytes(work: Callable[[], object]) -> int:
    _loaded_once()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_plain_file_over_the_limit_is_skipped_and_one_under_it_read(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(STORY + PROSE_LINE * 40)
    (tmp_path / "small.txt").write_text(STORY)
    articles, report = read(tmp_path)
    assert [article.id for article in articles] == ["small"]
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [
        ("big.txt", "article " + TOO_LARGE)
    ]
    articles, report = read(tmp_path, limit=DEFAULT_MAX_ARTICLE_BYTES)
    assert len(articles) == 2 and report.skipped == []


def test_a_large_plain_file_is_not_read_whole(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(PROSE_LINE * 100_000)  # 19 MB
    peak = peak_bytes(lambda: read(tmp_path, limit=100_000))
    assert peak < 2_000_000, f"peak {peak:,} bytes for a 19 MB file with a 100 KB limit"


def gzip_bomb_tar(path: Path, member_bytes: int) -> Path:
    """A small .tar.gz holding a short story and a huge member of prose."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (("news/001.txt", STORY.encode()),):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        line = PROSE_LINE.encode()
        repeat = member_bytes // len(line)
        info = tarfile.TarInfo("news/bomb.txt")
        info.size = repeat * len(line)
        tar.addfile(info, _Repeated(line, repeat))
    return path


class _Repeated(io.RawIOBase):
    """``data`` repeated ``count`` times, without holding it all."""

    def __init__(self, data: bytes, count: int) -> None:
        super().__init__()
        self._block = data * 1000
        self._left = len(data) * count

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        out = (self._block * (size // len(self._block) + 1))[:size]
        self._left -= size
        return out


def test_a_gzip_bomb_member_is_skipped_without_being_read_whole(tmp_path: Path) -> None:
    archive = gzip_bomb_tar(tmp_path / "bomb.tar.gz", 64 * 1024 * 1024)
    assert archive.stat().st_size < 1_000_000
    result: list[tuple[list[Article], CorpusReport]] = []
    peak = peak_bytes(lambda: result.append(read(archive, limit=100_000)))
    articles, report = result[0]
    assert [article.id for article in articles] == ["news/001"]
    assert [skip.reason for skip in report.skipped] == [
        "article larger than the 100,000 bytes size limit (--max-article-mb); not read"
    ]
    assert peak < 4_000_000, f"peak {peak:,} bytes for a 64 MB member"


def test_a_zip_member_is_read_only_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "news.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("news/001.txt", STORY)
        zipped.writestr("news/big.txt", PROSE_LINE * 20_000)  # 3.8 MB
    largest: list[int] = []
    real_read = zipfile.ZipExtFile.read

    def spy(self: zipfile.ZipExtFile, n: int | None = -1) -> bytes:
        data = real_read(self, n)
        largest.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    articles, report = read(archive)
    assert [article.id for article in articles] == ["news/001"]
    assert [(skip.path, skip.reason) for skip in report.skipped] == [
        (f"{archive}::news/big.txt", "article " + TOO_LARGE)
    ]
    assert max(largest) <= 8192  # the sniff; then at most LIMIT + 1 bytes


def write_records(path: Path, make: Callable[[int, str], str], body: str, count: int) -> None:
    with path.open("w") as out:
        out.write(HEADERS.get(path.name, ""))
        for number in range(1, count + 1):
            out.write(make(number, body))


def reuters_record(number: int, body: str) -> str:
    return (
        f'<REUTERS NEWID="{number}"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT>'
        f"<TITLE>STORY {number}</TITLE><BODY>{body}</BODY></TEXT></REUTERS>\n"
    )


def smart_record(number: int, body: str) -> str:
    return f"*TEXT {number:03d} 01/04/63 PAGE 020\n\n{body}\n\n"


def jsonl_record(number: int, body: str) -> str:
    return json.dumps({"id": str(number), "title": f"Story {number}", "body": body}) + "\n"


def csv_record(number: int, body: str) -> str:
    return f'{number},Story {number},"{body}"\n'


HEADERS = {"news.csv": "id,title,body\n"}
FORMATS = {
    "reut2-900.sgm": reuters_record,
    "TIME.ALL": smart_record,
    "news.jsonl": jsonl_record,
    "news.csv": csv_record,
}


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_record_over_the_limit_costs_only_itself(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_records(path, FORMATS[name], "Short body.", 2)
    with path.open("a") as out:
        out.write(FORMATS[name](3, "word " * 400))  # 2,000 characters
    with path.open("a") as out:
        out.write(FORMATS[name](4, "Short body after."))
    articles, report = read(path)
    assert [article.id for article in articles] == ["1", "2", "4"]
    [skip] = report.skipped
    first_line = {"TIME.ALL": 9, "news.csv": 4}.get(name, 3)  # SMART: 4 lines a record
    assert skip.line == first_line and skip.reason.endswith(TOO_LARGE)


@pytest.mark.parametrize("name", list(FORMATS))
def test_multi_record_files_are_streamed_in_bounded_memory(tmp_path: Path, name: str) -> None:
    """18 MB of records, every tenth one short: read in well under the file's size."""
    path = tmp_path / name
    make = FORMATS[name]
    with path.open("w") as out:
        out.write(HEADERS.get(name, ""))
        for number in range(1, 2001):
            body = "Prices rose on Monday. " * (1 if number % 10 == 0 else 400)
            out.write(make(number, body))
    size = path.stat().st_size
    result: list[tuple[list[Article], CorpusReport]] = []
    peak = peak_bytes(lambda: result.append(read(path)))
    articles, report = result[0]
    assert len(articles) == 200 and len(report.skipped) == 1800
    assert peak < 4_000_000, f"peak {peak:,} bytes reading {size:,} bytes"


def test_a_gzipped_jsonl_bomb_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    archive = tmp_path / "news.tar.gz"
    line = json.dumps({"title": "Huge", "body": "flood " * 5_000_000}).encode() + b"\n"
    data = jsonl_record(1, "Short.").encode() + line + jsonl_record(2, "Short.").encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("news.jsonl")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    del data, line
    result: list[tuple[list[Article], CorpusReport]] = []
    peak = peak_bytes(lambda: result.append(read(archive, limit=100_000)))
    articles, report = result[0]
    assert [article.id for article in articles] == ["1", "2"]
    assert [skip.line for skip in report.skipped] == [2]
    assert peak < 4_000_000, f"peak {peak:,} bytes for a 30 MB line"
