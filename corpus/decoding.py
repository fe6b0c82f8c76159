"""Bytes to clean text: UTF-8 first, then a stated fallback, never an exception.

Corpus files come from anywhere; a stray latin-1 byte must not lose the article.  Text
that reaches an Article is also stripped of control characters, so article text can
never smuggle terminal escapes into the CLI or the UI.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: Tried, in order, when a file is not valid UTF-8.  cp1252 is what Windows-era news
#: text usually is; latin-1 decodes any byte, so the chain always ends with text.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")

#: C0 controls except TAB/LF/CR, DEL, and C1 controls (ESC sequences, CSI ...).

#: Share of control bytes above which a file without NULs still counts as binary.
BINARY_CONTROL_RATIO = 0.25
#: The same for a text data format (CSV, JSON, SGML), NUL bytes not counted: such files
#: hold no drawings in control bytes, and a renamed binary file has far more.
TEXT_DATA_CONTROL_RATIO = 0.05

#: Control bytes that text files do not use (TAB, LF, FF, CR and ESC are left out).
_BINARY_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13, 27))

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

#: How much of a file to look at when deciding whether it is binary.
SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, and a warning (with its line) when a fallback encoding was used."""

    text: str
    encoding: str
    warning: str = ""
    warning_line: int | None = None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data`` as UTF-8 (a BOM is dropped), else as the encoding the file
    ``declared`` (an HTML page's charset) without a warning, else the first fallback
    that works.

    Text with a UTF-16 byte-order mark (as Windows tools save it) is decoded as UTF-16.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as error:
        bad_byte = data[error.start]
        line = data.count(b"\n", 0, error.start) + 1
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            pass  # a charset that is wrong or unknown: as if none were declared
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warning = f"not valid UTF-8 (byte 0x{bad_byte:02X}); decoded as {encoding}"
        return Decoded(text, encoding, warning, line)
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def looks_binary(head: bytes, *, text_data: bool = False) -> bool:
    """True for data that is not text: a NUL byte, or control bytes in bulk.

    The bar is high because real posts carry some (a signature drawn in 0x02 bytes is
    7% of one 20 Newsgroups file); binary formats have NULs or far more.  A text data
    format (``text_data``) is judged without its NUL bytes: a NUL there costs only the
    record holding it, so it must not make the whole file binary.
    """
    if not head or head.startswith(_UTF16_BOMS):
        return False
    if text_data:
        head = head.replace(b"\x00", b"")
        if not head:
            return False
    elif b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _BINARY_CONTROL_BYTES))
    return controls / len(head) > (TEXT_DATA_CONTROL_RATIO if text_data else BINARY_CONTROL_RATIO)


#: ``<meta charset="windows-1252">`` or ``<meta http-equiv=... content="text/html;
#: charset=ISO-8859-1">`` near the top of an HTML page.
_HTML_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


#: Declared charsets read as another, as browsers do (the WHATWG Encoding Standard):
#: pages that say Latin-1 are nearly always windows-1252, whose curly quotes and dashes
#: Latin-1 would turn into control characters; UTF-16/32 without a byte-order mark is a
#: wrong declaration (text that was UTF-16 has its mark, handled before).
_DECLARED_AS = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "l1": "cp1252",
    "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254",
    "utf-16": None, "utf-16le": None, "utf-16be": None, "utf-32": None,
}  # fmt: skip


def html_charset(head: bytes) -> str | None:
    """The character encoding an HTML page declares in its first bytes, if any (as a
    browser reads the declaration: Latin-1 as windows-1252)."""
    found = _HTML_CHARSET.search(head[:SNIFF_BYTES])
    if found is None:
        return None
    declared = found.group(1).decode("ascii").lower()
    return _DECLARED_AS.get(declared, declared)
