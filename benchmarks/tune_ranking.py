"""Tune the ranking constants on every dev collection together: a grid of settings.

Each dev collection of ``../shared/eval`` (TIME and the five classic ones) is indexed
once, as ``newsdesk index`` builds it, into a temporary folder; every setting then opens
a fresh ``search.Engine`` on each and answers its dev queries as ``eval_all.py`` does
(lower-cased, 1,000 deep, scored in the engine's rank order): a few seconds a setting.
Whoosh's plain BM25 (one field, any word: ``eval_time.baseline_run``) is scored in the
same run as the floor every setting should clear on every collection.

Settings varied: BM25 ``K1`` and ``B`` (``search.matching.ranking``), the title boost
(``index.fields``), the coordination factor of the relaxed any-word query
(``search.query.parser.RELAXED_SCALE``), the engine's ``relax_below``, and pseudo-
relevance feedback's documents, words and weight (``search.matching.feedback``; 0 words
turns it off).  The table ranks settings by how many collections they beat the baseline
on (MAP and nDCG@10), then by mean MAP, and shows how far the mean moves across each
setting's grid neighbours (one step along one axis): prefer a plateau to a spike, and a
setting that helps everywhere to one fitted to a single collection.

    .venv/bin/python benchmarks/tune_ranking.py                  # K1 x B grid
    .venv/bin/python benchmarks/tune_ranking.py --k1 1.2,2 --fb-terms 0,10 time-dev npl-dev
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path

import ir_measures
import ours
from eval_all import COLLECTIONS, corpus_path
from eval_time import MEASURES, baseline_run, read_queries
from harness import SHARED, markdown_table, read_articles
from ir_measures import ScoredDoc

import search.engine as engine_module
import search.matching.feedback as feedback_module
import search.matching.ranking as ranking_module
import search.query.parser as query_module
from search import Engine, QueryError
from search.matching.ranking import make_weighting
from search.query.fields import DEFAULT_FIELD_BOOSTS

DEPTH = 1000
NAMES = ("MAP", "nDCG@10", "P@5")
#: Module constants a setting patches: (module, name, Setting attribute).
PATCHED = (
    (ranking_module, "K1", "k1"),
    (ranking_module, "B", "b"),
    (query_module, "RELAXED_SCALE", "scale"),
    (feedback_module, "FEEDBACK_DOCS", "fb_docs"),
    (feedback_module, "FEEDBACK_TERMS", "fb_terms"),
    (feedback_module, "FEEDBACK_WEIGHT", "fb_weight"),
)


@dataclass(frozen=True, slots=True)
class Setting:
    """One point of the grid."""

    k1: float
    b: float
    title: float
    scale: float
    relax_below: int
    fb_docs: int
    fb_terms: int
    fb_weight: float

    def label(self) -> str:
        feedback = (
            f"feedback {self.fb_docs} docs x {self.fb_terms} words @ {self.fb_weight:g}"
            if self.fb_terms
            else "no feedback"
        )
        return (
            f"K1 {self.k1:g}, B {self.b:g}, title {self.title:g}, scale {self.scale:g}, "
            f"relax<{self.relax_below}, {feedback}"
        )


@dataclass(frozen=True, slots=True)
class Collection:
    name: str
    documents: Path
    index: Path
    queries: list[tuple[str, str]]
    qrels: list[object]


def current_setting() -> Setting:
    """The constants the engine uses now."""
    return Setting(
        k1=ranking_module.K1,
        b=ranking_module.B,
        title=DEFAULT_FIELD_BOOSTS["title"],
        scale=query_module.RELAXED_SCALE,
        relax_below=engine_module.RELAX_BELOW,
        fb_docs=feedback_module.FEEDBACK_DOCS,
        fb_terms=feedback_module.FEEDBACK_TERMS,
        fb_weight=feedback_module.FEEDBACK_WEIGHT,
    )


@contextmanager
def engine_with(folder: Path, setting: Setting) -> Iterator[Engine]:
    """An engine on ``folder`` using ``setting`` (module constants patched, then restored)."""
    # The generation holds its own copies of K1/B (``from search.matching.ranking import K1, B``).
    import search.generation as generation_module

    patched = [(module, name, getattr(setting, attribute)) for module, name, attribute in PATCHED]
    patched += [(generation_module, name, getattr(setting, name.lower())) for name in ("K1", "B")]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patched]
    try:
        for module, name, value in patched:
            setattr(module, name, value)
        with Engine.open(folder) as engine:
            engine.field_boosts = {**DEFAULT_FIELD_BOOSTS, "title": setting.title}
            engine.relax_below = setting.relax_below
            yield engine
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def check_setting_applies(engine: Engine, setting: Setting, word: str) -> None:
    """Fail loudly if the engine does not score with ``setting``'s K1/B (the engine's
    internals may change; a tuning run that silently ignores its grid would mislead)."""
    parsed = engine.parse(word)
    assert parsed.strict is not None
    ours_top = engine.search(word, facets=False, page_size=1, snippets=False).hits[0]
    with engine.whoosh_searcher(make_weighting(setting.k1, setting.b)) as searcher:
        expected = searcher.search(parsed.strict, limit=1)[0].score
    if abs(ours_top.score - expected) > 1e-6 * max(1.0, abs(expected)):
        raise SystemExit(
            f"the engine scored {ours_top.score} where Whoosh BM25F({setting.k1}, {setting.b}) "
            f"gives {expected}: the tuning patches no longer reach the engine"
        )


def probe_word(engine: Engine, collection: Collection) -> str:
    """A word of the collection's first query that the index holds."""
    for word in collection.queries[0][1].lower().split():
        word = word.strip(".,;:?!()\"'")
        if word.isalpha() and engine.search(word, facets=False, page_size=1).total:
            return word
    raise SystemExit(f"{collection.name}: no word of its first query is in the index")


def engine_run(engine: Engine, queries: Sequence[tuple[str, str]]) -> list[ScoredDoc]:
    """The engine's ranking, scored by rank (as ``eval_all.py`` does)."""
    run: list[ScoredDoc] = []
    for qid, text in queries:
        try:
            results = engine.search(
                text.lower(), facets=False, page_size=DEPTH, snippets=False, every_version=True
            )
        except QueryError:
            continue  # (counted as no results, as eval_all.py does)
        for rank, hit in enumerate(results.hits, start=1):
            run.append(ScoredDoc(qid, hit.id, float(-rank)))
    return run


def measures(run: Sequence[ScoredDoc], qrels: Sequence[object]) -> dict[str, float]:
    scores = ir_measures.calc_aggregate(MEASURES, qrels, run)
    return {name: float(scores[measure]) for name, measure in zip(NAMES, MEASURES, strict=True)}


def parse_floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part]


def grid(args: argparse.Namespace) -> list[Setting]:
    points = itertools.product(
        parse_floats(args.k1),
        parse_floats(args.b),
        parse_floats(args.title),
        parse_floats(args.scale),
        [int(v) for v in parse_floats(args.relax_below)],
        [int(v) for v in parse_floats(args.fb_docs)],
        [int(v) for v in parse_floats(args.fb_terms)],
        parse_floats(args.fb_weight),
    )
    return [Setting(*point) for point in points]


def neighbours(setting: Setting, scored: dict[Setting, object]) -> list[Setting]:
    """Grid points that differ from ``setting`` in one parameter by one grid step."""
    axes = {f.name: sorted({getattr(s, f.name) for s in scored}) for f in fields(Setting)}
    found: list[Setting] = []
    for name, values in axes.items():
        position = values.index(getattr(setting, name))
        for step in (-1, 1):
            if 0 <= position + step < len(values):
                other = replace(setting, **{name: values[position + step]})
                if other in scored:
                    found.append(other)
    return found


def mean_map(values: dict[str, dict[str, float]]) -> float:
    return sum(v["MAP"] for v in values.values()) / len(values)


def ranked_table(
    scored: dict[Setting, dict[str, dict[str, float]]],
    baseline: dict[str, dict[str, float]],
    top: int,
    current: Setting,
) -> str:
    def wins(setting: Setting) -> int:
        return sum(
            all(scored[setting][name][m] > baseline[name][m] for m in ("MAP", "nDCG@10"))
            for name in baseline
        )

    ranked = sorted(scored, key=lambda s: (wins(s), mean_map(scored[s])), reverse=True)
    shown = ranked[:top] if current in ranked[:top] else [*ranked[:top], current]
    rows = []
    for setting in shown:
        near = [mean_map(scored[other]) for other in neighbours(setting, scored)]
        own = mean_map(scored[setting])
        spread = f"{min(near) - own:+.3f}..{max(near) - own:+.3f}" if near else ""
        rows.append(
            [
                setting.label() + (" (current)" if setting == current else ""),
                *(
                    f"{scored[setting][name]['MAP']:.3f} / {scored[setting][name]['nDCG@10']:.3f}"
                    for name in baseline
                ),
                f"{own:.4f}",
                f"{wins(setting)}/{len(baseline)}",
                spread,
            ]
        )
    header = ["setting", *(f"{name} MAP / nDCG@10" for name in baseline), "mean MAP",
              "beats BM25", "neighbours: Δ mean MAP"]  # fmt: skip
    return markdown_table(header, rows)


def prepare(names: Sequence[str], scratch: Path) -> list[Collection]:
    collections = []
    for name in names:
        folder = SHARED / "eval" / name
        path = corpus_path(name, scratch)
        index = scratch / f"{name}-index"
        ours.build(path, index)
        queries = read_queries(folder / "queries.tsv")
        qrels = list(ir_measures.read_trec_qrels(str(folder / "qrels.txt")))  # type: ignore[no-untyped-call]
        collections.append(Collection(name, path, index, queries, qrels))
    return collections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collections", nargs="*", default=list(COLLECTIONS))
    current = current_setting()
    parser.add_argument("--k1", default="0.9,1.2,1.5,2", help="comma-separated")
    parser.add_argument("--b", default="0.6,0.75,0.9")
    parser.add_argument("--title", default=f"{current.title:g}")
    parser.add_argument("--scale", default=f"{current.scale:g}")
    parser.add_argument("--relax-below", default=str(current.relax_below))
    parser.add_argument("--fb-docs", default=str(current.fb_docs))
    parser.add_argument("--fb-terms", default=str(current.fb_terms))
    parser.add_argument("--fb-weight", default=f"{current.fb_weight:g}")
    parser.add_argument("--top", type=int, default=15, help="rows of the ranked table")
    args = parser.parse_args()
    for name in args.collections:
        if name not in COLLECTIONS:
            parser.error(f"unknown collection {name!r} (one of {', '.join(COLLECTIONS)})")

    settings = grid(args)
    if current not in settings:
        settings.append(current)
    scored: dict[Setting, dict[str, dict[str, float]]] = {}
    baseline: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="newsdesk-tune-") as temp:
        scratch = Path(temp)
        collections = prepare(args.collections, scratch)
        for collection in collections:
            articles, _seconds, _skipped = read_articles(collection.documents)
            workdir = scratch / f"{collection.name}-baseline"
            workdir.mkdir()
            run = baseline_run(articles, collection.queries, workdir)
            baseline[collection.name] = measures(run, collection.qrels)
        for number, setting in enumerate(settings, start=1):
            scored[setting] = {}
            for collection in collections:
                with engine_with(collection.index, setting) as engine:
                    if collection is collections[0]:
                        check_setting_applies(engine, setting, probe_word(engine, collection))
                    run = engine_run(engine, collection.queries)
                scored[setting][collection.name] = measures(run, collection.qrels)
            summary = ", ".join(
                f"{name} {values['MAP']:.3f}" for name, values in scored[setting].items()
            )
            print(f"[{number}/{len(settings)}] {setting.label()}: {summary}", flush=True)

    print("\nbaseline (Whoosh BM25, one field, any word): " + ", ".join(
        f"{name} MAP {v['MAP']:.3f} / nDCG@10 {v['nDCG@10']:.3f}" for name, v in baseline.items()
    ))  # fmt: skip
    print()
    print(ranked_table(scored, baseline, args.top, current))


if __name__ == "__main__":
    main()
