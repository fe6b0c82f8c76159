"""Property tests: no input bytes, in any format, make a reader raise."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import streams
from corpus.formats import Format
from corpus.model import Article
from corpus.reader import read_file
from corpus.report import CorpusReport, Skip
from corpus.sources import Entry

FRAGMENTS = st.sampled_from(
    [
        '<REUTERS NEWID="7">', "</REUTERS>", "<TEXT>", '<TEXT TYPE="UNPROC">', "</TEXT>",
        "<TITLE>", "</TITLE>", "<BODY>", "</BODY>", "<DATE>", "</DATE>", "<D>", "</D>",
        "<PLACES>", "</PLACES>", "&#3;", "&lt;", "*TEXT 017 01/04/63 PAGE 020\n", "*STOP\n",
        '{"title": ', '"x"', "}", "[", "]", ",", '"', "\n", "\\", " #36;", "quot;", "1,",
        "\x00", "\xfc", "\x1b[31m", " Reuter\n", "26-FEB-1987 15:01:01.79",
    ]
)  # fmt: skip
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=40).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "latin-1", "utf-16"])


@settings(max_examples=150, deadline=None)
@given(
    text=TEXTS,
    encoding=ENCODINGS,
    article_format=st.sampled_from([f for f in Format if f is not Format.PLAIN]),
)
def test_structured_readers_never_raise(text: str, encoding: str, article_format: Format) -> None:
    data = text.encode(encoding, errors="replace")
    report = CorpusReport()
    entry = Entry("data.bin", "data.bin", len(data))
    articles = list(read_file(entry, io.BytesIO(data), article_format, report))
    for article in articles:
        for value in (article.title, article.body, *article.places, *article.topics):
            assert "\x1b" not in value and "\x00" not in value
    assert all(skip.path == "data.bin" for skip in report.skipped + report.warnings)
    assert not any("cannot parse" in skip.reason for skip in report.skipped), report.skipped


def read_outcome(
    data: bytes, article_format: Format, limit: int, chunk: int
) -> tuple[list[Article], list[Skip], list[Skip]]:
    """What reading ``data`` gives when the stream is read ``chunk`` characters at a time."""
    report = CorpusReport()
    entry = Entry("data.bin", "data.bin", len(data))
    default = streams.CHUNK_CHARS
    streams.CHUNK_CHARS = chunk
    try:
        articles = list(read_file(entry, io.BytesIO(data), article_format, report, limit))
    finally:
        streams.CHUNK_CHARS = default
    return articles, report.skipped, report.warnings


@settings(max_examples=200, deadline=None)
@given(
    text=TEXTS,
    encoding=ENCODINGS,
    article_format=st.sampled_from([f for f in Format if f is not Format.PLAIN]),
    chunk=st.integers(min_value=1, max_value=9),
    limit=st.sampled_from([30, 100, 1 << 20]),
)
def test_chunk_boundaries_never_change_what_is_read(
    text: str, encoding: str, article_format: Format, chunk: int, limit: int
) -> None:
    data = text.encode(encoding, errors="replace")
    whole = read_outcome(data, article_format, limit, 1 << 20)
    assert read_outcome(data, article_format, limit, chunk) == whole
