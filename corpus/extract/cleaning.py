"""Making untrusted article text safe and regular before anything else looks at it.

Article text may hold terminal escapes, NULs or bidi overrides; none of them may reach a
field, because every field ends up on someone's terminal.
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embedding, override and isolate characters (they can make text render in a
# misleading order), the byte-order mark and the two non-characters.
_INVISIBLE = "\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
# C0/C1 controls except newline (tab becomes a space), DEL, and the invisible ones above.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
# In a file name: every control, the invisible ones, and the surrogates that stand for
# bytes that are not UTF-8 (``os`` and ``tarfile`` decode names with ``surrogateescape``).
_UNPRINTABLE_IN_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x0b\x0c\x85]")
#: A terminal escape sequence whole -- a control sequence ("ESC [" or its C1 form, up
#: to its final byte) or a terminated operating-system command ("ESC ]" ... BEL or ST,
#: at most 512 characters on one line: a title, a hyperlink) -- so that dropping its ESC
#: leaves no "[31m" behind.  (Anything else keeps its text; only the ESC goes.)
_ESCAPE_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    "|(?:\x1b\\]|\x9d)[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\\\|\x9c)"
)
#: The ASCII characters clean_text changes: every control but newline, and DEL.
_ASCII_TO_CLEAN = bytes(byte for byte in range(32) if byte != 10) + b"\x7f"
_SPACES = re.compile("[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(text: str) -> str:
    """Normalise line ends, turn tabs into spaces and drop control characters.

    Newlines are kept (they carry paragraph structure); lone surrogates, which a
    ``surrogateescape`` decoding can leave behind, are replaced so the text can be encoded.
    ASCII text without controls, the common case, is returned as it is at C speed.
    """
    if text.isascii():
        ascii_bytes = text.encode("ascii")
        if len(ascii_bytes.translate(None, _ASCII_TO_CLEAN)) == len(ascii_bytes):
            return text
    text = _LINE_BREAKS.sub("\n", _ESCAPE_SEQUENCE.sub("", text)).replace("\t", " ")
    text = _UNSAFE.sub("", text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def clean_field(text: str) -> str:
    """One-line field value: control characters dropped, runs of spaces collapsed."""
    return _SPACES.sub(" ", clean_text(text).replace("\n", " ")).strip()


def ascii_fold(text: str) -> str:
    """``São Paulo`` -> ``Sao Paulo``: the spelling many wires use for accented names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _escape_name_character(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as surrogateescape hands it over
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_name(name: str) -> str:
    """A file name as printable text: ``a\\xff.txt`` for a name holding the byte 0xFF.

    Bytes that are not UTF-8 and control or invisible characters are written as ``\\xNN``
    (``\\uNNNN``), so two names differing only in such bytes stay different, and a name
    can never carry a terminal escape into a report or an id.
    """
    return _UNPRINTABLE_IN_NAME.sub(_escape_name_character, name)
