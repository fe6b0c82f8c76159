"""Which format a file is in, and which files are not articles at all (the ignore rules).

Detection goes by extension first, then by content.  Files that are not articles by
nature (READMEs, licences, checksum lists, DTDs, scripts, hidden files) are *ignored*
with a reason rather than skipped, and so are plain-text files that sit beside a
structured data file (Reuters' category lists, AG News' ``classes.txt``, TIME's stop
list) unless they read like an article: those describe the data, they are not stories.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from enum import StrEnum

from corpus.decoding import SNIFF_BYTES, looks_binary
from corpus.sources import Entry, is_hidden


class Format(StrEnum):
    """Input formats; the value is what ``Article.format`` and the summary show."""

    PLAIN = "text"
    JSONL = "jsonl"
    CSV = "csv"
    REUTERS = "reuters-sgml"
    SMART = "smart"
    HTML = "html"
    MARKDOWN = "markdown"


#: Formats holding many articles per file, whose folders' plain-text files are metadata.
STRUCTURED = frozenset({Format.JSONL, Format.CSV, Format.REUTERS, Format.SMART})

#: (glob on the lower-cased file name, reason shown in the report)
IGNORED_NAMES = (
    ("readme*", "documentation (README)"),
    ("license*", "licence text"),
    ("licence*", "licence text"),
    ("copying*", "licence text"),
    ("manifest*", "checksum manifest"),
    ("sha256sums", "checksum list"),
    ("sha1sums", "checksum list"),
    ("md5sums", "checksum list"),
    ("*.sha256", "checksum list"),
    ("*.md5", "checksum list"),
    ("*.dtd", "SGML document type definition"),
    ("*.py", "Python script"),
)

_EXTENSIONS = {
    ".sgm": Format.REUTERS,
    ".sgml": Format.REUTERS,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".json": Format.JSONL,
    ".csv": Format.CSV,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
}

BESIDE_DATA_REASON = "plain text beside a data file (metadata, not an article)"

#: A line with this many words is a paragraph of prose, not a list or a note.
PROSE_LINE_WORDS = 25


#: All IGNORED_NAMES globs in one regex, so the common case (not ignored) is one match.
_ANY_IGNORED_NAME = re.compile("|".join(fnmatch.translate(glob) for glob, _ in IGNORED_NAMES))

#: A paragraph of at least this many words that ends a sentence is prose; a text whose
#: words are at least PROSE_SHARE in such paragraphs reads as a story.
PROSE_PARAGRAPH_WORDS = 8
PROSE_SHARE = 0.5
#: ... and whose lines run this long on average (wrapped text, not a table's rows).
PROSE_LINE_CHARS = 40
#: A word of prose: letters (an apostrophe or hyphen inside), punctuation around.
_WORD = re.compile(rb"^[(\"'\[]*[A-Za-z]+(?:['-][A-Za-z]+)*[)\"'\].,;:!?]*$")
_SENTENCE_ENDS = (b".", b"!", b"?", b'"', b"'", "\u201d".encode(), b")")

#: Lines shorter than this are not split into words (a cheap pre-filter: 25 words of
#: prose run to well over 100 characters).
PROSE_LINE_MIN_LENGTH = 100


def ignore_reason(entry: Entry) -> str | None:
    """Why ``entry`` is not an article by its name alone, or None."""
    maybe_hidden = "/." in "/" + entry.relative or "__MACOSX" in entry.relative
    if maybe_hidden and any(is_hidden(part) for part in entry.relative.split("/")):
        return "hidden file"
    name = entry.name.lower()
    if not _ANY_IGNORED_NAME.match(name):
        return None
    return next(reason for glob, reason in IGNORED_NAMES if fnmatch.fnmatchcase(name, glob))


def detect_format(entry: Entry, head: bytes) -> Format | str:
    """The format of a file from its name and first bytes, or the reason to skip it."""
    if entry.size == 0 or (entry.size <= len(head) and not head.strip()):
        return "empty file"
    suffix = "." + entry.name.rpartition(".")[2].lower() if "." in entry.name else ""
    by_extension = _EXTENSIONS.get(suffix)
    if looks_binary(head, text_data=by_extension is not None):
        return "binary file"
    if by_extension is not None:
        return by_extension
    if head.lstrip(b"\xef\xbb\xbf \r\n").startswith(b"*TEXT "):
        return Format.SMART
    return Format.PLAIN


def reads_like_article(head: bytes) -> bool:
    """True when the text reads as a story: a paragraph-per-line prose line (as the seed
    and BBC have), or mostly paragraphs of sentences (wire copy hard-wrapped at 72
    columns, a short brief).

    Beside a data file this tells a story (the bundled seed next to ``reut2-000.sgm``)
    from metadata: word lists, code tables and data (Reuters' ``all-*-strings``,
    ``cat-descriptions``, ``feldman-cia-worldfactbook-data``) are mostly short lines,
    even when a paragraph of notes opens them.
    """
    lines = head.split(b"\n")
    if any(
        len(line) >= PROSE_LINE_MIN_LENGTH and len(line.split()) >= PROSE_LINE_WORDS
        for line in lines
    ):
        return True
    if len(head) == SNIFF_BYTES:  # the last line may be cut short
        lines = lines[:-1]
    words = prose_words = 0
    for paragraph, line_count in _paragraphs(lines):
        tokens = paragraph.split()
        words += len(tokens)
        alphabetic = sum(1 for token in tokens if _WORD.match(token))
        if (
            alphabetic >= PROSE_PARAGRAPH_WORDS
            and paragraph.endswith(_SENTENCE_ENDS)
            and len(paragraph) >= PROSE_LINE_CHARS * line_count  # lines, not a list's items
        ):
            prose_words += alphabetic
    return prose_words >= PROSE_PARAGRAPH_WORDS and prose_words >= PROSE_SHARE * words


def _paragraphs(lines: list[bytes]) -> Iterator[tuple[bytes, int]]:
    """The paragraphs of ``lines`` (runs of lines between blank ones), each joined into
    one line, with how many lines it took."""
    paragraph: list[bytes] = []
    for line in [*lines, b""]:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            yield b" ".join(paragraph), len(paragraph)
            paragraph = []
