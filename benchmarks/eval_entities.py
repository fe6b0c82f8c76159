"""People, organisations and places against CoNLL-2003's hand-tagged names (#14).

    python eval_entities.py [--shared DIR] [--errors TYPE]

Reads ``eval/conll2003-dev/docs`` as a user's folder (``corpus.read_corpus``), gives
every article the build's entity pass (``corpus.extract.entities.with_entities``) and
scores per type the document-level name sets against ``entities.jsonl`` as its README
says: names casefolded, accents folded, whitespace collapsed; a PER name that ends a
longer PER name of the story dropped; a LOC matched through the place canonicaliser.
Prints precision, recall and F1 per type (micro-averaged over stories) and the time the
entity pass took.  ``--errors PER`` lists that type's misses and false names.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import read_corpus
from corpus.extract.entities import entity_model, with_entities
from corpus.extract.places import canonical_place


def normalise(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def people_set(names: Iterable[str]) -> set[str]:
    names = {normalise(name) for name in names}
    return {
        name
        for name in names
        if not any(
            other != name
            and len(other.split()) > len(name.split())
            and other.split()[-len(name.split()) :] == name.split()
            for other in names
        )
    }


def place_key(name: str) -> str:
    return normalise(canonical_place(name) or name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.environ.get("NEWSDESK_SHARED", "../../shared"))
    parser.add_argument("--errors", choices=("PER", "ORG", "LOC"))
    args = parser.parse_args()
    folder = Path(args.shared) / "eval" / "conll2003-dev"
    gold = {
        record["id"]: record
        for record in map(json.loads, (folder / "entities.jsonl").read_text().splitlines())
    }
    articles = list(read_corpus(folder / "docs"))
    started = time.perf_counter()
    enriched = [with_entities(article) for article in articles]
    seconds = time.perf_counter() - started
    counts = {kind: [0, 0, 0] for kind in ("PER", "ORG", "LOC")}  # tp, fp, fn
    for article in enriched:
        truth = gold[article.id]
        predicted = {
            "PER": people_set(article.people),
            "ORG": {normalise(name) for name in article.organisations},
            "LOC": {place_key(name) for name in article.places},
        }
        expected = {
            "PER": people_set(truth["PER"]),
            "ORG": {normalise(name) for name in truth["ORG"]},
            "LOC": {place_key(name) for name in truth["LOC"]},
        }
        for kind, found in predicted.items():
            tp = len(found & expected[kind])
            counts[kind][0] += tp
            counts[kind][1] += len(found) - tp
            counts[kind][2] += len(expected[kind]) - tp
            if args.errors == kind:
                for name in sorted(found - expected[kind]):
                    print(f"  {article.id} false: {name}")
                for name in sorted(expected[kind] - found):
                    print(f"  {article.id} missed: {name}")
    tokens = sum(len(article.body.split()) for article in articles)
    print(f"model: {entity_model() or 'none (spaCy or the model is not installed)'}")
    print(
        f"{len(articles)} stories, {tokens:,} words; entity pass {seconds:.1f} s "
        f"({len(articles) / seconds:.0f} stories/s, {tokens / seconds:,.0f} words/s)"
    )
    print("type   P      R      F1")
    for kind, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{kind}    {precision:.3f}  {recall:.3f}  {f1:.3f}")


if __name__ == "__main__":
    main()
