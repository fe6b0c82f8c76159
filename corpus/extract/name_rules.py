"""The story-level rules that turn the model's entities into a story's names.

spaCy's small English model slips in ways a news desk would not: scores and list
separators inside a name ("Surrey 429-7"), a surname read as an organisation, a results
list's players missed, a town that fields a team read as a place.  These rules, used by
:mod:`corpus.extract.entities`, are stated for news in general (wire datelines, results
lists, sports pages), never for one collection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from corpus.extract.places import canonical_place, is_country

_TITLES = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Sen|Senator|Rep|Gov|"
    r"Governor|Gen|General|Col|Colonel|Capt|Captain|President|Premier|Chancellor|"
    r"Minister|Prime Minister|King|Queen|Prince|Princess|Pope|Judge|Justice|Chairman|"
    r"Secretary|Coach|Manager|Father|Rev|Sheikh|Ayatollah)\.? )+"
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# Punctuation around a name, but not an abbreviation's last full stop ("U.N.", "U.S.").
_EDGE_JUNK = re.compile(r"^[\W_]+|(?<!\b[A-Z])[\W_]+$")
#: A determiner that opens a name the model found ("the BBC", "a Conservative Party").
THE = re.compile(r"^(?:the|The|THE|a|an) ")
HAS_CAPITAL = re.compile(r"[A-Z]")
_HAS_LOWER = re.compile(r"[a-z]")
# Words that make a name an organisation's, whatever the model said.
ORG_WORD = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Ltd|Plc|PLC|LLC|AG|SA|NV|GmbH|Group|Holdings?|Bank|Banco|"
    r"Airlines?|Airways|Motors|Electric|Power|Energy|Oil|Petroleum|Mining|Gold|Steel|"
    r"Chemicals?|Pharmaceuticals?|Industries|International|Controls|Systems|Technologies|"
    r"Communications|Software|Telecom|Insurance|Securities|Capital|Partners|Fund|Trust|Ministry|"
    r"Party|Council|Committee|Commission|Association|Federation|Union|League|Club|"
    r"United|Rovers|Wanderers|Athletic|University|College|Institute|Agency|Authority|"
    r"Exchange|Board|Newsroom|Department|Office|Court|Police|Army|Navy)\b\.?"
)
# An ALL-CAPS word longer than an acronym: a table's heading ("SCHEDULE"), not a name.
SHOUTED_WORD = re.compile(r"\b[A-Z]{6,}\b")
_SEPARATORS = re.compile(r" [-–—:] |: ")
_NUMBERISH = re.compile(r"\d")
_NAME_THEN_COUNTRY = re.compile(
    r"(?P<name>[A-Z][a-z'.-]+(?: [A-Z][A-Za-z'.-]+){1,3}) \((?P<country>[A-Z][A-Za-z. ]+)\)"
)
_INITIAL_AND_SURNAME = re.compile(
    r"(?<![\w.])(?!U\.S\.|U\.K\.|U\.N\.|E\.U\.)"  # "U.S. Open" is no one's name
    r"[A-Z]\. ?(?:[A-Z]\. ?)?(?:(?:de|van|von|al|el|le|la|O')[ -]?)?"
    r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?!\w)"
)
_NUMBERED_PLAYER = re.compile(
    r"(?<![\w-])\d{1,2} - (?P<name>[A-Z][a-z]+(?:[ -](?:van|der|de|du|le)?[A-Z]?[a-z'-]+){1,3})"
    r"(?=[,;.]|$| \d| [A-Z][a-z]+:)"
)
_NAME_THEN_SCORE = re.compile(
    r"(?<![\w.-])(?P<name>(?:[A-Z][a-z]+|[A-Z]{2,})(?:[ -](?:[A-Z][a-z]+|[A-Z]{2,})){0,2}) "
    r"\d{1,3}(?:-\d{1,3})?\b(?![.,:/%]?\d)"
)
_TEAM_WORDS = (
    r"manager|boss|coach|striker|midfielder|defender|goalkeeper|keeper|winger|captain|"
    r"skipper|chairman|fans|supporters|side|squad|team|players?"
)
_CLUB = r"(?P<club>[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
# "Newcastle manager Graeme Souness", "Southampton's striker", "beat Bolton", "v Burnley"
_TOWN_AS_TEAM = re.compile(
    rf"{_CLUB}(?:'s|’s)? (?:{_TEAM_WORDS})\b"
    rf"|\b(?:beat|beating|against|v|vs|versus|host|hosts|face|faces|drew with|lost to|"
    rf"beaten by|knocked out|join|joined|joins|left|sign|signed) "
    + _CLUB.replace("club", "club2")
    + r"\b"
)
_LAYOUT_WORDS = frozenset({
    "group", "division", "round", "week", "day", "game", "games", "match", "test", "race",
    "stage", "hole", "par", "under", "over", "points", "innings", "set", "sets", "lap",
    "no", "number", "section", "leg", "heat", "final", "pool", "table", "aged", "age",
    "minute", "minutes", "seconds", "runs", "wickets", "overs", "goals", "the", "and",
    "att", "pts", "w", "l", "d", "gb", "pct", "total", "totals", "extras", "after",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
_TRAILING_WORDS = frozenset({"and", "or", "of", "the", "v", "vs", "in", "at"})


def tidy(name: str) -> str:
    """The name in an entity's text: the part after a " - " or ":" (a results line's
    "Romania - Cosmin Contra"), without scores or counts around it ("Surrey 429-7",
    "596 - Ssangbangwool"), a possessive, quotes or edge punctuation."""
    parts = [part for part in _SEPARATORS.split(name) if HAS_CAPITAL.search(part)]
    words = (parts[-1] if parts else name).split()
    # the longest run of words without a number: "Pohang 3 Ulsan" is two teams' line
    runs: list[list[str]] = [[]]
    for word in words:
        if _NUMBERISH.search(word):
            runs.append([])
        else:
            runs[-1].append(word)
    words = max(runs, key=len)
    while words and words[-1].lower() in _TRAILING_WORDS:
        words.pop()
    name = " ".join(words)
    if name.count("(") > name.count(")"):
        name = name[: name.rindex("(")]
    return _EDGE_JUNK.sub("", _POSSESSIVE.sub("", name.strip()))


def person_name(name: str) -> str:
    name = _TITLES.sub("", tidy(name))
    return name if HAS_CAPITAL.search(name) and _HAS_LOWER.search(name) else ""


def organisation_name(name: str) -> str:
    name = _TITLES.sub("", THE.sub("", tidy(name)))  # "Mr Stearns": a person after all
    return name if HAS_CAPITAL.search(name) and len(name) > 1 else ""


def merge_people(names: Iterable[str]) -> tuple[str, ...]:
    """One name per person: a name whose words end a longer name's ("Blair" in "Tony
    Blair") is that name; each person under the fullest form, in order of first mention."""
    ordered = list(dict.fromkeys(names))
    words = {name: name.casefold().split() for name in ordered}
    longest_first = sorted(ordered, key=lambda name: -len(words[name]))
    fullest: dict[str, str] = {}
    for name in ordered:
        mine = words[name]
        fullest[name] = next(
            (
                longer
                for longer in longest_first
                if len(words[longer]) > len(mine) and words[longer][-len(mine) :] == mine
            ),
            name,
        )
    return tuple(dict.fromkeys(fullest[name] for name in ordered))


def unshouted(text: str) -> str:
    """ALL-CAPS lines (wire headlines) say nothing the model can read: left out, spaces
    kept so offsets still match the text."""
    return "\n".join(" " * len(line) if line.isupper() else line for line in text.split("\n"))


def results_person_spans(
    text: str, taken: list[tuple[int, int]], *, sports: bool
) -> list[tuple[int, int]]:
    """ "Tim Henman (Britain) beat ...": a name glued to a parenthesised country in a
    results list is a player, and so is an initial and a surname ("A. Stewart" in a
    scorecard) and, in a sports story, a numbered team sheet's name ("15 - Andre
    Joubert"), even where the model saw none."""
    spans = []
    if sports:
        for match in _NUMBERED_PLAYER.finditer(text):
            if not ORG_WORD.search(match.group("name")):
                spans.append((match.start("name"), match.end("name")))
    for match in _NAME_THEN_COUNTRY.finditer(text):
        if canonical_place(match.group("country")) is not None:
            spans.append((match.start("name"), match.end("name")))
    spans += [(match.start(), match.end()) for match in _INITIAL_AND_SURNAME.finditer(text)]
    return [
        span
        for span in spans
        if not any(start < span[1] and span[0] < stop for start, stop in taken)
    ]


def unknown_place(name: str) -> str:
    """A place the gazetteer does not know ("Chechnya", "Middle East", "Headingley"), as
    the model wrote it, when it looks like a proper name."""
    words = name.split()
    if not 1 <= len(words) <= 3 or name.isupper() or not all(w[:1].isupper() for w in words):
        return ""
    return name


def teams(text: str, doc: Any, people: tuple[str, ...]) -> list[tuple[str, tuple[int, int]]]:
    """The teams of a sports story: a town named as a side ("Newcastle manager ...",
    "beat Bolton"), and a name followed by a score ("Leicestershire 22", "BALTIMORE 70
    63", "Rotor Volgograd 2-1") unless it is a player's, a date's or a word of the
    results' layout ("Group 2", "Round 3")."""
    players = {word for person in people for word in person.casefold().split()}
    other = [
        (entity.start_char, entity.end_char)
        for entity in doc.ents
        if entity.label_ in ("PERSON", "DATE", "TIME", "ORDINAL", "NORP", "EVENT")
    ]
    found = []
    for match in _TOWN_AS_TEAM.finditer(text):
        club = next(group for group in ("club", "club2") if match.group(group))
        town = canonical_place(match.group(club))
        if town is not None and not is_country(town):
            found.append((town, match.span(club)))
    for match in _NAME_THEN_SCORE.finditer(text):
        start, stop = match.span("name")
        name = match.group("name")
        words = name.casefold().split()
        if words[0] in _LAYOUT_WORDS or words[-1] in _LAYOUT_WORDS or words[-1] in players:
            continue
        if any(a < stop and start < b for a, b in other):
            continue
        team = canonical_place(name) or (name.title() if name.isupper() else name)
        found.append((team, (start, stop)))
    return found


def span_of(name: str, entity: Any) -> tuple[int, int]:
    """Where the tidied ``name`` lies within the model's ``entity`` (its whole span if
    tidying changed more than its ends)."""
    offset = entity.text.find(name)
    if offset < 0:
        return (entity.start_char, entity.end_char)
    start = entity.start_char + offset
    return (start, start + len(name))
