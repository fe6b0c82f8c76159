"""Photo and graphic captions, recognised by the credit they end with.

Agency copy pastes captions in among the paragraphs ("Iraqi forces advance ...
AFP/File / AHMAD AL-RUBAYE").  They belong in ``captions`` and their photographers in
``credits``, never in the body a reader reads or a query matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from corpus.extract.agencies import canonical_agency
from corpus.extract.resources import data_table

MAX_CAPTION_LENGTH = 600
# Words in a credit that say how a picture was obtained, not who took it.
_NOT_NAMES = frozenset({"STR", "HO", "HANDOUT", "POOL", "FILE", "FILES", "STRINGER", "PHOTO"})
_PARTICLES = frozenset({
    "al", "el", "bin", "ibn", "abu", "de", "da", "das", "do", "dos", "di", "du", "del",
    "della", "der", "den", "des", "la", "le", "van", "von", "ter", "y"
})  # fmt: skip
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_HOW = r"(?:\s*/\s*(?:File|Files|Getty Images|Pool|POOL|Handout|HO|STR|[A-Z]{2,5}))*"


@dataclass(frozen=True, slots=True)
class Caption:
    """A caption's own words, the agency it credits and the people it names."""

    text: str
    agency: str
    credits: tuple[str, ...]


@cache
def _caption_patterns() -> tuple[re.Pattern[str], ...]:
    spellings = {spelling for canonical, aliases in data_table("agencies.tsv")
                 for spelling in (canonical, *aliases)}  # fmt: skip
    agency = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    names = r"(?P<names>[^/()\n]{2,120}?)"
    return (
        # "... AFP/File / AHMAD AL-RUBAYE", "... AFP / Thomas SAINT-CRICQ, Kun TIAN"
        re.compile(rf"^(?P<text>.+?)\s+(?P<agency>{agency}){_HOW}\s+/\s+{names}$"),
        # "... (AFP Photo / John Smith)", "... (Reuters/Jane Doe)"
        re.compile(rf"^(?P<text>.+?)\s*\((?P<agency>{agency})(?:\s+Photo)?\s*/\s*{names}\)$"),
        # "... REUTERS/Ahmed Jadallah"
        re.compile(rf"^(?P<text>.+?)\s+(?P<agency>REUTERS|Reuters)/{names}$"),
        # "... Photo: John Smith / AFP", "... (Photo: John Smith/AFP)"
        re.compile(
            rf"^(?P<text>.+?)\s+\(?(?:Photo|Picture|Credit|Image):\s*{names}\s*/\s*"
            rf"(?P<agency>{agency}){_HOW}\)?$"
        ),
        # "... AFP/File", "... (AFP Photo)": an agency credit without a name
        re.compile(
            rf"^(?P<text>.+?)\s+(?:(?P<agency>{agency})/(?:File|Files|Getty Images|Pool)"
            rf"|\((?P<agency2>{agency})\s+(?:Photo|PHOTO)\))$"
        ),
    )


def title_case_name(name: str) -> str:
    """ "AHMAD AL-RUBAYE" -> "Ahmad Al-Rubaye", "Thomas SAINT-CRICQ" -> "Thomas Saint-Cricq".

    Only words written all in capitals (or all in lower case) are changed, so "McDonald"
    and "DiCaprio" keep their own casing.
    """
    words = []
    for word in name.split():
        if word.isupper() or (word.islower() and word not in _PARTICLES):
            word = re.sub(r"[^\W\d_]+", lambda part: part.group().capitalize(), word)
        words.append(word)
    return " ".join(words)


def _credited_names(names: str) -> tuple[str, ...] | None:
    """The people in a credit, or None if the credit does not look like names."""
    people = []
    for raw in _NAME_SEPARATORS.split(names.strip()):
        words = [w for w in raw.split() if w.upper().strip(".") not in _NOT_NAMES]
        if not words:
            continue
        if len(words) > 5 or not all(
            _NAME_WORD.match(w) and (w[0].isupper() or w.lower() in _PARTICLES) for w in words
        ):
            return None
        people.append(title_case_name(" ".join(words)))
    return tuple(people)


def parse_caption(paragraph: str) -> Caption | None:
    """The caption in ``paragraph`` if the paragraph is one (ends in a photo credit)."""
    paragraph = " ".join(paragraph.split())
    if not paragraph or len(paragraph) > MAX_CAPTION_LENGTH:
        return None
    if "/" not in paragraph and not paragraph.endswith(("Photo)", "PHOTO)")):
        return None  # every credit form has a slash but "(AFP Photo)"
    for pattern in _caption_patterns():
        match = pattern.match(paragraph)
        if match is None:
            continue
        groups = match.groupdict()
        agency = canonical_agency(groups.get("agency") or groups.get("agency2") or "") or ""
        people = _credited_names(groups["names"]) if groups.get("names") else ()
        text = match.group("text").strip(" -–—,;:")
        if people is None or not text or not agency:
            continue
        return Caption(text=text, agency=agency, credits=people)
    return None
