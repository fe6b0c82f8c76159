"""Making untrusted article text safe and regular before anything else looks at it.

Article text may hold terminal escapes, NULs or bidi overrides; none of them may reach a
field, because every field ends up on someone's terminal.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except newline (tab becomes a space), DEL, and the bidi embedding,
# override and isolate characters that can make text render in a misleading order.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile("[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(text: str) -> str:
    """Normalise line ends, turn tabs into spaces and drop control characters.

    Newlines are kept (they carry paragraph structure); lone surrogates, which a
    ``surrogateescape`` decoding can leave behind, are replaced so the text can be encoded.
    """
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
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
