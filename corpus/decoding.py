"""Bytes to clean text: UTF-8 first, then a stated fallback, never an exception.

Corpus files come from anywhere; a stray latin-1 byte must not lose the article.  Text
that reaches an Article is also stripped of control characters, so article text can
never smuggle terminal escapes into the CLI or the UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Tried, in order, when a file is not valid UTF-8.  cp1252 is what Windows-era news
#: text usually is; latin-1 decodes any byte, so the chain always ends with text.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")

#: C0 controls except TAB/LF/CR, DEL, and C1 controls (ESC sequences, CSI ...).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: How much of a file to look at when deciding whether it is binary.
SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, and a warning (with its line) when a fallback encoding was used."""

    text: str
    encoding: str
    warning: str = ""
    warning_line: int | None = None


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` as UTF-8 (a BOM is dropped), else the first fallback that works."""
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as error:
        bad_byte = data[error.start]
        line = data.count(b"\n", 0, error.start) + 1
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warning = f"not valid UTF-8 (byte 0x{bad_byte:02X}); decoded as {encoding}"
        return Decoded(text, encoding, warning, line)
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def looks_binary(head: bytes) -> bool:
    """True for data that is not text: a NUL byte, or many control bytes."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05


def clean_text(text: str) -> str:
    """Normalise line endings, turn tabs into spaces and drop control characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\t", " ")
    return _CONTROL_CHARACTERS.sub("", text)
