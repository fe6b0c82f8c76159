"""A collection's code book: the names of the codes its records use for their labels.

Reuters-21578 labels its stories with codes (``acq``, ``earn``, ``ec``, ``nyse``,
``volcker``) and ships their names in ``cat-descriptions_120396.txt`` beside the
``.sgm`` files: "Mergers/Acquisitions (ACQ)", "European Community (EC)@*", "Chairman
Paul Volcker (VOLCKER)".  When a corpus folder holds that file, the planning pass reads
it (:func:`read_code_book`) and the Reuters reader shows each code by its name; a code
the book does not name (its 78 commodity codes are listed bare) keeps its readable
fallback.  The book's text is the collection's own: it is read from the user's copy at
index time, never shipped with newsdesk.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import IO

from corpus.decoding import decode_bytes

#: File names of code books (lower-cased globs are not needed: the collection's spelling).
CODE_BOOK_PREFIX = "cat-descriptions"
#: A code book is a small text file; anything larger is not one.
MAX_CODE_BOOK_BYTES = 1 << 20

#: Section headings of the book -> the Article field its codes label.
_SECTIONS = (
    ("subject codes", "topics"),
    ("economic indicator codes", "topics"),
    ("currency codes", "topics"),
    ("corporate codes", "topics"),
    ("commodity codes", "topics"),
    ("energy codes", "topics"),
    ("organization codes", "organisations"),
    ("exchange codes", "exchanges"),
    ("country codes", ""),  # places are named by the gazetteer
    ("people codes", "people"),
)
_HEADING = re.compile(r"^(?:\*\*+|@heading\[)\s*([A-Za-z ]+ Codes)\b")
#: "Name (CODE)" at the end of an entry; the name may start on earlier lines.
_ENTRY = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Z][A-Z0-9-]*)\)\s*$")
#: A code listed without a name ("ALUM", "CASTOR-OIL").
_BARE_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
_MARKUP = re.compile(r"@\*|@\w+\[[^\]]*\]|\[[^\]]*\]")
#: Words of an office or an honorific before a person's name in the people section
#: ("Central Bank (Bundesbank) President Karl Otto Poehl", "Commissioner for Trade
#: Policy Willy de Clercq", "Planning Agency Eiichi Nakao", "Mrs Corazon Aquino"): the
#: name is the run of at most three capitalised words (and its particles) after them.
_OFFICE_WORDS = frozenset(
    """president minister governor secretary chancellor treasurer chairman director
    commissioner general secretary-general director-general deputy prime vice policy
    affairs trade finance economy bank board head leader king queen premier emir
    sheikh crown prince chief executive managing state federal former agency office
    party council treasury staff negotiations food forestry privatisation exchequer
    mrs mr dr ayatollah hojatoleslam major-general statesman""".split()  # noqa: SIM905
)
#: Lower-case words inside names ("Willy de Clercq", "Miguel de la Madrid").
_PARTICLES = frozenset({"de", "la", "del", "du", "von", "van", "der", "da", "al"})
_MOST_GIVEN_NAMES = 2
_MOST_NAME_WORDS = 4
_LONGEST_ACRONYM = 8


@dataclass(frozen=True, slots=True)
class CodeBook:
    """The names of a collection's codes: (field, code, name) triples, codes lower-cased
    as the records write them (a tuple, so the book travels with a planned file).  A
    name is as newsdesk shows it: topics by name ("Mergers/Acquisitions"), people
    without their office ("James Baker"), organisations and exchanges with the acronym
    they are known by ("International Monetary Fund (IMF)")."""

    names: tuple[tuple[str, str, str], ...] = ()
    #: field -> code -> name, made once (not part of the book's identity).
    _lookup: dict[str, dict[str, str]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    #: A digest of the names (the files read with the book record it).
    digest: str = field(default="", init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for kind, code, name in self.names:
            self._lookup.setdefault(kind, {}).setdefault(code, name)
        text = "\n".join("\t".join(triple) for triple in self.names)
        object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest()[:16])

    def name(self, kind: str, code: str) -> str | None:
        """The name of ``code`` in field ``kind`` ("topics", "acq" -> "Mergers/Acquisitions")."""
        return self._lookup.get(kind, {}).get(code.lower())

    def by_field(self) -> dict[str, dict[str, str]]:
        """field -> code -> name (a fresh copy)."""
        return {kind: dict(names) for kind, names in self._lookup.items()}


def bare_name(code: str) -> str:
    """How a code the book lists without a name is shown ("castor-oil" -> "Castor Oil")."""
    return code.replace("-", " ").strip().title()


def is_code_book(file_name: str) -> bool:
    """True for the file name of a code book (``cat-descriptions_120396.txt``)."""
    name = file_name.lower()
    return name.startswith(CODE_BOOK_PREFIX) and name.endswith(".txt")


def code_book_of(handle: IO[bytes]) -> CodeBook:
    """The code book an open file holds (empty if it is too large to be one)."""
    data = handle.read(MAX_CODE_BOOK_BYTES + 1)
    if len(data) > MAX_CODE_BOOK_BYTES:
        return CodeBook()
    return read_code_book(decode_bytes(data).text)


def read_code_book(text: str) -> CodeBook:
    """The names a code book gives, section by section: a code listed bare (the
    commodities' ``CASTOR-OIL``) by :func:`bare_name`; sections no field takes
    (countries: the gazetteer names them) are left out."""
    names: list[tuple[str, str, str]] = []
    kind: str | None = None
    pending: list[str] = []
    for raw in text.splitlines():
        heading = _HEADING.match(raw.strip())
        if heading is not None:
            kind = dict(_SECTIONS).get(heading.group(1).lower())
            pending = []
            continue
        line = _MARKUP.sub(" ", raw).strip()
        if not raw.strip() or raw.lstrip().startswith("@") or not kind:
            pending = []  # a blank line or a list's start or end ends an entry
            continue
        if not line:  # an aside in brackets ("[Group of Latin American ...]")
            continue
        entry = _ENTRY.match(" ".join((*pending, line)))
        if entry is None:
            if _BARE_CODE.fullmatch(line):
                names.append((kind, line.lower(), bare_name(line)))
            elif line != line.upper():  # part of a name that goes on
                pending.append(line)
            continue
        pending = []
        code = entry.group("code").lower()
        name = " ".join(entry.group("name").split())
        if kind == "people":
            name = _person(name, code)
        elif kind != "topics" and _is_acronym(code):
            name = f"{name} ({code.upper()})"  # "International Monetary Fund (IMF)"
        if name:
            names.append((kind, code, name))
    return CodeBook(tuple(names))


def _is_acronym(code: str) -> bool:
    """An organisation's or exchange's code that is the acronym it is known by (IMF,
    OPEC, NYSE), not a made-up label (``worldbank``, ``ico-coffee``)."""
    return code.isalpha() and len(code) <= _LONGEST_ACRONYM


def _person(entry: str, code: str) -> str:
    """The name in "Central Bank (Bundesbank) President Karl Otto Poehl" ("Karl Otto
    Poehl"): the words at the end that spell the code (letters only: "Leigh-Pemberton",
    "O'Cofaigh", "Lee Teng-hui") and up to two given names before them, stopping at the
    office; nicknames and asides in parentheses dropped.  "Paul Volcker, economist":
    the part before the comma.  When the code does not end the entry ("Gustavo
    Saberbein Chevalier (SABERBEIN)"), the words after the office, if few."""
    before_comma = entry.partition(",")[0]
    if before_comma != entry and (name := _person(before_comma, code)):
        return name
    words = [word for word in re.sub(r"\([^)]*\)?", " ", entry).split() if ")" not in word]
    target, spelt, start = _letters(code), "", len(words)
    while start > 0 and len(spelt) < len(target):
        start -= 1
        spelt = _letters(words[start]) + spelt
    if spelt != target:
        return _after_office(words)
    given = 0
    while start > 0 and given < _MOST_GIVEN_NAMES:
        word = words[start - 1]
        after_of = start > 1 and words[start - 2] in ("of", "for")  # "of Pemex"
        if _is_office(word) or not word[:1].isupper() or after_of:
            break
        start -= 1
        given += 1
    return " ".join(words[start:])


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _is_office(word: str) -> bool:
    return word.lower().strip(",") in _OFFICE_WORDS


def _after_office(words: list[str]) -> str:
    """The words after the last word of the office, when they are a name's few."""
    last = max((n for n, word in enumerate(words) if _is_office(word)), default=-1)
    name = words[last + 1 :]
    if not name or len(name) > _MOST_NAME_WORDS or not all(w[:1].isupper() for w in name):
        return ""
    return " ".join(name)
