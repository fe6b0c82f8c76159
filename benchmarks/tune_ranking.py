"""Tune the ranking constants on the TIME dev set: a grid of BM25 and query settings.

TIME (423 articles) is indexed once into a temporary folder; every setting then opens a
fresh ``search.Engine`` on it and answers the 42 dev queries exactly as
``eval_time.py`` does (lower-cased, scored in the engine's rank order), about a second
per setting. The plain BM25 baseline of ``eval_time.py`` is scored in the same run.

Settings varied: BM25 ``K1`` and ``B`` (``search.matching.ranking``), the title boost
(``search.query.fields.DEFAULT_FIELD_BOOSTS``; TIME's titles are the lede's first words,
indexed in the body only, and it has no subheads or captions, so field boosts do not
move its scores), the coordination factor of the relaxed any-word query
(``search.query.parser.RELAXED_SCALE``) and the engine's ``relax_below``.  For each of the
best settings the table shows how far each measure moves across its grid neighbours
(one step along one axis): 42 queries is a small dev set, so prefer a plateau to a spike.

    .venv/bin/python benchmarks/tune_ranking.py            # K1 x B grid (42 settings)
    .venv/bin/python benchmarks/tune_ranking.py --k1 1.2,2 --b 0.75 --scale 0,0.9
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
from eval_time import EVAL_DIR, MEASURES, baseline_run, read_queries
from harness import markdown_table, read_articles, resolve_corpus
from ir_measures import ScoredDoc

import search.engine as engine_module
import search.generation as generation_module
import search.matching.ranking as ranking_module
import search.query.parser as query_module
from search import Engine
from search.matching.ranking import make_weighting
from search.query.fields import DEFAULT_FIELD_BOOSTS

DEPTH = 1000
NAMES = ("MAP", "nDCG@10", "P@5")


@dataclass(frozen=True, slots=True)
class Setting:
    """One point of the grid."""

    k1: float
    b: float
    title: float
    scale: float
    relax_below: int

    def label(self) -> str:
        return (
            f"K1 {self.k1:g}, B {self.b:g}, title {self.title:g}, "
            f"scale {self.scale:g}, relax<{self.relax_below}"
        )


def current_setting() -> Setting:
    """The constants the engine uses now."""
    return Setting(
        k1=ranking_module.K1,
        b=ranking_module.B,
        title=DEFAULT_FIELD_BOOSTS["title"],
        scale=query_module.RELAXED_SCALE,
        relax_below=engine_module.RELAX_BELOW,
    )


@contextmanager
def engine_with(folder: Path, setting: Setting) -> Iterator[Engine]:
    """An engine on ``folder`` using ``setting`` (module constants patched, then restored)."""
    patched = [
        (ranking_module, "K1", setting.k1),
        (ranking_module, "B", setting.b),
        (query_module, "RELAXED_SCALE", setting.scale),
    ]
    # The generation holds its own copies of K1/B (``from search.matching.ranking import K1, B``).
    patched += [(generation_module, name, getattr(setting, name.lower())) for name in ("K1", "B")
                if hasattr(generation_module, name)]  # fmt: skip
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


def check_setting_applies(engine: Engine, setting: Setting) -> None:
    """Fail loudly if the engine does not score with ``setting``'s K1/B (the engine's
    internals may change; a tuning run that silently ignores its grid would mislead)."""
    parsed = engine.parse("khrushchev")
    assert parsed.strict is not None
    ours_top = engine.search("khrushchev", facets=False, page_size=1, snippets=False).hits[0]
    with engine.whoosh_searcher(make_weighting(setting.k1, setting.b)) as searcher:
        expected = searcher.search(parsed.strict, limit=1)[0].score
    if abs(ours_top.score - expected) > 1e-6 * max(1.0, abs(expected)):
        raise SystemExit(
            f"the engine scored {ours_top.score} where Whoosh BM25F({setting.k1}, {setting.b}) "
            f"gives {expected}: the tuning patches no longer reach the engine"
        )


def engine_run(engine: Engine, queries: Sequence[tuple[str, str]]) -> list[ScoredDoc]:
    """The engine's ranking, scored by rank (as ``eval_time.py`` does)."""
    run: list[ScoredDoc] = []
    for qid, text in queries:
        results = engine.search(text.lower(), facets=False, page_size=DEPTH, snippets=False)
        for rank, hit in enumerate(results.hits, start=1):
            run.append(ScoredDoc(qid, hit.id, float(-rank)))
    return run


def per_query(run: Sequence[ScoredDoc], qrels: Sequence[object]) -> dict[str, list[float]]:
    """Measure name -> per-query values (in query order; a query with no hits is 0)."""
    values: dict[str, dict[str, float]] = {name: {} for name in NAMES}
    for metric in ir_measures.iter_calc(MEASURES, qrels, run):
        name = NAMES[MEASURES.index(metric.measure)]
        values[name][metric.query_id] = metric.value
    judged = sorted({q.query_id for q in qrels}, key=int)  # type: ignore[attr-defined]
    return {name: [values[name].get(qid, 0.0) for qid in judged] for name in NAMES}


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def parse_floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part]


def grid(args: argparse.Namespace) -> list[Setting]:
    points = itertools.product(
        parse_floats(args.k1),
        parse_floats(args.b),
        parse_floats(args.title),
        parse_floats(args.scale),
        [int(v) for v in parse_floats(args.relax_below)],
    )
    return [Setting(*point) for point in points]


def neighbours(setting: Setting, scored: dict[Setting, dict[str, float]]) -> list[Setting]:
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


def measures_text(values: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:.4f}" for name, value in values.items())


def spread_text(setting: Setting, scored: dict[Setting, dict[str, float]]) -> str:
    """Lowest..highest change of each measure from ``setting`` to its grid neighbours."""
    near = [scored[other] for other in neighbours(setting, scored)]
    if not near:
        return ""
    own = scored[setting]
    return " / ".join(
        f"{min(v[n] for v in near) - own[n]:+.3f}..{max(v[n] for v in near) - own[n]:+.3f}"
        for n in NAMES
    )


def ranked_table(
    scored: dict[Setting, dict[str, float]], beats: dict[Setting, bool], top: int, current: Setting
) -> str:
    ranked = sorted(scored, key=lambda s: (beats[s], scored[s]["MAP"]), reverse=True)
    shown = ranked[:top] if current in ranked[:top] else [*ranked[:top], current]
    rows = [
        [
            setting.label() + (" (current)" if setting == current else ""),
            *(f"{scored[setting][n]:.4f}" for n in NAMES),
            "yes" if beats[setting] else "no",
            spread_text(setting, scored),
        ]
        for setting in shown
    ]
    header = ["setting", *NAMES, "beats baseline", "neighbours: Δ MAP / nDCG@10 / P@5"]
    return markdown_table(header, rows)


def k1_b_table(scored: dict[Setting, dict[str, float]], beats: dict[Setting, bool]) -> str:
    """MAP / P@5 for each K1 (rows) and B (columns); * = beats the baseline on all three."""
    k1s = sorted({s.k1 for s in scored})
    bs = sorted({s.b for s in scored})
    cells: dict[tuple[float, float], str] = {}
    for setting, values in scored.items():
        mark = "*" if beats[setting] else ""
        cells[setting.k1, setting.b] = f"{values['MAP']:.3f} / {values['P@5']:.3f}{mark}"
    rows = [[f"K1 {k1:g}", *(cells.get((k1, b), "") for b in bs)] for k1 in k1s]
    return markdown_table(["MAP / P@5", *(f"B {b:g}" for b in bs)], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="time", help="TIME corpus (name or path)")
    parser.add_argument("--queries", type=Path, default=EVAL_DIR / "queries.tsv")
    parser.add_argument("--qrels", type=Path, default=EVAL_DIR / "qrels.txt")
    current = current_setting()
    parser.add_argument("--k1", default="1.2,1.5,1.75,2,2.25,2.5,3", help="comma-separated")
    parser.add_argument("--b", default="0.6,0.7,0.75,0.8,0.9,1.0")
    parser.add_argument("--title", default=f"{current.title:g}")
    parser.add_argument("--scale", default=f"{current.scale:g}")
    parser.add_argument("--relax-below", default=str(current.relax_below))
    parser.add_argument("--top", type=int, default=15, help="rows of the ranked table")
    args = parser.parse_args()

    _label, corpus_path = resolve_corpus(args.corpus)
    queries = read_queries(args.queries)
    qrels = list(ir_measures.read_trec_qrels(str(args.qrels)))  # type: ignore[no-untyped-call]
    articles, _seconds, _skipped = read_articles(corpus_path)
    settings = grid(args)
    if current not in settings:
        settings.append(current)
    scored: dict[Setting, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="newsdesk-tune-") as scratch:
        baseline = per_query(baseline_run(articles, queries, Path(scratch)), qrels)
        folder = Path(scratch) / "newsdesk"
        ours.build(corpus_path, folder)
        for number, setting in enumerate(settings, start=1):
            with engine_with(folder, setting) as engine:
                check_setting_applies(engine, setting)
                values = per_query(engine_run(engine, queries), qrels)
            scored[setting] = {name: mean(values[name]) for name in NAMES}
            print(
                f"[{number}/{len(settings)}] {setting.label()}: {measures_text(scored[setting])}",
                flush=True,
            )

    base = {name: mean(baseline[name]) for name in NAMES}
    beats = {s: all(v[n] > base[n] for n in NAMES) for s, v in scored.items()}
    print(f"\nbaseline (plain BM25, one field, any-word): {measures_text(base)}")
    print(f"{sum(beats.values())} of {len(scored)} settings beat it on all three measures\n")
    print(ranked_table(scored, beats, args.top, current))
    print()
    print(k1_b_table(scored, beats))


if __name__ == "__main__":
    main()
