"""Places from plain text against Reuters-21578's hand-labelled countries (#14).

    python eval_places.py [--shared DIR] [--every N] [--no-entities] [--errors]

Every Nth Reuters-21578 story with at least one place label (default every 5th: 2,000
or so) is turned into the plain text a user's file would hold -- the title, a blank line,
then "DATELINE - body" -- and read by the plain-text reader; the build's entity pass
(``with_entities``) follows unless ``--no-entities``.  The places found are mapped to
their countries (``corpus.extract.places.country_of``: a city counts as its country) and
compared with the story's place labels, also as countries: micro-averaged precision,
recall and F1 over the stories.  The labels are of 1987: West Germany and the Soviet
Union count as Germany and Russia on both sides.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import read_corpus
from corpus.extract.entities import entity_model, with_entities
from corpus.extract.places import country_of
from corpus.readers.plaintext import parse_plain_text

_OF_1987 = {"West Germany": "Germany", "Soviet Union": "Russia"}


def country(place: str) -> str:
    found = country_of(place)
    return _OF_1987.get(found, found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.environ.get("NEWSDESK_SHARED", "../../shared"))
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--no-entities", dest="entities", action="store_false")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    archive = Path(args.shared) / "corpora" / "reuters21578" / "reuters21578.tar.gz"
    labelled = [article for article in read_corpus(archive) if article.places]
    sample = labelled[:: args.every]
    tp = fp = fn = 0
    started = time.perf_counter()
    for article in sample:
        text = f"{article.title}\n\n{article.dateline} - {article.body}"
        plain = parse_plain_text(text, article_id=article.id, path=article.id)
        if args.entities:
            plain = with_entities(plain)
        found = {country(place) for place in plain.places}
        truth = {country(place) for place in article.places}
        tp += len(found & truth)
        fp += len(found - truth)
        fn += len(truth - found)
        if args.errors and found != truth:
            print(f"  {article.id}: false {sorted(found - truth)} missed {sorted(truth - found)}")
    seconds = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    model = entity_model() if args.entities else None
    print(
        f"entity pass: {model or 'off'}; {len(sample):,} of {len(labelled):,} labelled "
        f"stories, {seconds:.1f} s"
    )
    print(f"places as countries: P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}")


if __name__ == "__main__":
    main()
