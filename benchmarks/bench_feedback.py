"""What pseudo-relevance feedback costs a search: the same questions with and without it.

Feedback (``search.matching.feedback``) runs only for questions of three words or more:
it reads the three best articles, weighs their words and ranks the matches again.  This
measures that cost where users meet it, in one process, alternating the two ways query
by query so machine noise falls on both alike:

- Reuters-21578 (21,578 articles, ``newsdesk index``'s build), 200 questions made of the
  first 3-8 words of random headlines (fixed seed), top 10 with facets and snippets, as
  ``newsdesk search`` asks;
- TIME (423 articles) with its 42 dev questions (long natural-language ones).

Prints p50/p95 milliseconds each way, after one warm-up pass.

    .venv/bin/python benchmarks/bench_feedback.py                   # Reuters-21578, TIME
    .venv/bin/python benchmarks/bench_feedback.py /tmp/synthetic-100k  # any archive too
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import ours
from eval_time import read_queries
from harness import SHARED, markdown_table, read_articles, resolve_corpus

import search.matching.feedback as feedback
from search import Engine

QUESTIONS = 200
ROUNDS = 3


def headline_questions(path: Path) -> list[str]:
    articles, _seconds, _skipped = read_articles(path)
    rng = random.Random(7)
    questions: list[str] = []
    for article in rng.sample(list(articles), len(articles)):
        words = re.findall(r"[A-Za-z]{3,}", article.title)
        if len(words) >= 3:
            questions.append(" ".join(words[: rng.randint(3, 8)]).lower())
        if len(questions) == QUESTIONS:
            break
    return questions


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(folder: Path, questions: Sequence[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"with feedback": [], "without": []}
    minimum = feedback.FEEDBACK_MIN_WORDS
    with Engine.open(folder) as engine:
        for question in questions:  # warm-up: caches, as a long-lived session has them
            engine.search(question)
        for _ in range(ROUNDS):
            for question in questions:
                for way in times:
                    feedback.FEEDBACK_MIN_WORDS = minimum if way == "with feedback" else 10**6
                    started = time.perf_counter()
                    engine.search(question)
                    times[way].append((time.perf_counter() - started) * 1000)
    feedback.FEEDBACK_MIN_WORDS = minimum
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "corpora", nargs="*", default=["reuters"], help="asked headline questions (name or path)"
    )
    args = parser.parse_args()
    time_dev = SHARED / "eval" / "time-dev" / "queries.tsv"
    runs: list[tuple[str, str, Path | None]] = [
        (f"{corpus}, {QUESTIONS} headline questions", corpus, None) for corpus in args.corpora
    ]
    runs.append(("TIME, 42 dev questions", "time", time_dev))
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-feedback-") as temp:
        for label, corpus, questions in runs:
            _name, path = resolve_corpus(corpus)
            folder = Path(temp) / f"index-{len(rows)}"
            ours.build(path, folder)
            asked = (
                [text.lower() for _, text in read_queries(questions)]
                if questions
                else headline_questions(path)
            )
            times = measure(folder, asked)
            cells = [
                f"{percentile(values, 0.5):.1f} / {percentile(values, 0.95):.1f}"
                for values in times.values()
            ]
            rows.append([label, *cells])
            print(label, cells, flush=True)
    print()
    print(markdown_table(["questions", "with feedback p50 / p95 ms", "without"], rows))


if __name__ == "__main__":
    main()
