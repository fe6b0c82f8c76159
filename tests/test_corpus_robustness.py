"""Property tests: no input bytes, in any format, make a reader raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.formats import Format
from corpus.reader import read_file
from corpus.report import CorpusReport
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
    articles = list(read_file(entry, data, article_format, report))
    for article in articles:
        for value in (article.title, article.body, *article.places, *article.topics):
            assert "\x1b" not in value and "\x00" not in value
    assert all(skip.path == "data.bin" for skip in report.skipped + report.warnings)
    assert not any("cannot parse" in skip.reason for skip in report.skipped), report.skipped
