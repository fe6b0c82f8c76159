"""Large synthetic news archives recombined from the real shared corpora (issue #11).

Every generated article takes the metadata of one real article, drawn uniformly from the
pool of every article of the chosen corpora as ``corpus.read_corpus`` reads them (so the
joint distribution of title, source, category, topics, places, people, organisations and
exchanges is the real one: a Reuters title comes with Reuters topics and places, a BBC
one with its category), that article's first paragraph as its lede, and then as many
more real paragraphs as the real article had, drawn from the whole corpus it came from
(so body lengths follow each corpus's real distribution).  Dates are new: 1980-2024,
denser in recent years (``GROWTH`` per year, as archives grow), a time of day, and a
fraction (``UNDATED``) left undated -- the reader then looks for a date in the text, as
it does for any undated JSON record, and finds one for ~6% of them.

Output: a folder of JSON Lines files, ``part-00000.jsonl``, ... (``PER_FILE`` articles
each, so a build can split work by file), and ``MANIFEST.json`` (written last, and
ignored by the corpus reader) describing it.  The same seed gives byte-identical files;
each file has its own generator seeded by (seed, file number), so an archive of N
articles is a prefix of a larger one with the same seed when N is a multiple of
``PER_FILE``.  Articles are written as they are made, a file at a time: memory is the
pool of real articles whatever the size (1M articles: 1.3 GB in 39 s, 228 MB peak RSS).

Limits: the vocabulary is that of the ~51,000 real articles (a real million-article
archive has more names and numbers), and corpora whose articles are one paragraph
(AG News, TIME) repeat their real texts verbatim, with new ids and dates.

    .venv/bin/python benchmarks/synthetic.py --articles 100000 --seed 7 --out /tmp/arch-100k

Research-only text (see ``../shared/corpora/README.md``): keep archives out of git.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from harness import CORPORA, resolve_corpus

#: Bump when the same arguments would produce different output.
VERSION = 1
#: The corpora recombined by default (20 Newsgroups included: the brief's five).
DEFAULT_CORPORA = ("reuters", "bbc", "ag_news", "time", "20news")
PER_FILE = 10_000
FIRST_YEAR, LAST_YEAR = 1980, 2024
#: Yearly growth of the number of articles: 2024 has e^(0.06 * 44) ~ 14x those of 1980.
GROWTH = 0.06
#: Share of articles written without a date.
UNDATED = 0.05
MANIFEST = "MANIFEST.json"


@dataclass(frozen=True, slots=True)
class Template:
    """What one real article lends a generated one: its metadata and its lede."""

    corpus: int
    title: str
    lede: str
    paragraphs: int
    metadata: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Pool:
    """The real articles of the chosen corpora, as templates and paragraphs."""

    corpora: tuple[str, ...]
    templates: tuple[Template, ...]
    #: Per corpus (same order as ``corpora``): every paragraph of every article.
    paragraphs: tuple[tuple[str, ...], ...]
    seconds: float


def load_pool(corpora: Sequence[str] = DEFAULT_CORPORA) -> Pool:
    """Read every article of ``corpora`` (short names or paths) once."""
    from corpus import read_corpus
    from corpus.report import CorpusReport

    started = time.perf_counter()
    templates: list[Template] = []
    paragraphs: list[tuple[str, ...]] = []
    for number, spec in enumerate(corpora):
        _label, path = resolve_corpus(spec)
        own_corpus: list[str] = []
        for article in read_corpus(path, CorpusReport()):
            own = [part.strip() for part in article.body.split("\n\n") if part.strip()]
            metadata = (
                ("source", article.source),
                ("category", article.category),
                ("topics", list(article.topics)),
                ("places", list(article.places)),
                ("people", list(article.people)),
                ("organisations", list(article.organisations)),
                ("exchanges", list(article.exchanges)),
            )
            templates.append(
                Template(
                    number,
                    article.title,
                    own[0] if own else "",
                    len(own),
                    tuple((key, value) for key, value in metadata if value),
                )
            )
            own_corpus += own
        paragraphs.append(tuple(own_corpus))
    if not templates:
        raise SystemExit(f"no articles read from {', '.join(corpora)}")
    return Pool(tuple(corpora), tuple(templates), tuple(paragraphs), time.perf_counter() - started)


def _year_cumulative() -> tuple[list[int], list[float]]:
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    cumulative, total = [], 0.0
    for year in years:
        total += math.exp(GROWTH * (year - FIRST_YEAR))
        cumulative.append(total)
    return years, cumulative


_YEARS, _CUMULATIVE = _year_cumulative()


def random_date(rng: random.Random) -> datetime:
    """A moment in FIRST_YEAR..LAST_YEAR, later years more likely (``GROWTH``)."""
    year = _YEARS[bisect.bisect_left(_CUMULATIVE, rng.random() * _CUMULATIVE[-1])]
    start = datetime(year, 1, 1)
    seconds = (datetime(year + 1, 1, 1) - start).total_seconds()
    return start + timedelta(seconds=rng.randrange(int(seconds)))


def file_records(
    pool: Pool, seed: int, file_number: int, first: int, count: int
) -> Iterator[dict[str, Any]]:
    """The records of one file: articles ``first`` .. ``first + count - 1``."""
    rng = random.Random(f"newsdesk-synthetic:{VERSION}:{seed}:{file_number}")
    templates = pool.templates
    for number in range(first, first + count):
        template = templates[rng.randrange(len(templates))]
        record: dict[str, Any] = {"id": f"syn{seed}-{number:07d}", "title": template.title}
        if rng.random() >= UNDATED:
            record["date"] = random_date(rng).isoformat()
        record.update(template.metadata)
        more = template.paragraphs - 1
        if more > 0:
            parts = [template.lede, *rng.choices(pool.paragraphs[template.corpus], k=more)]
            record["body"] = "\n\n".join(parts)
        elif template.lede:
            record["body"] = template.lede
        yield record


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of a complete archive in ``out``, or None."""
    try:
        manifest: dict[str, Any] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest


def archive_ready(
    out: Path,
    articles: int,
    seed: int,
    corpora: Sequence[str] = DEFAULT_CORPORA,
    per_file: int = PER_FILE,
) -> bool:
    """True when ``out`` holds a complete archive made with exactly these arguments."""
    manifest = read_manifest(out)
    wanted = {"version": VERSION, "articles": articles, "seed": seed,
              "corpora": list(corpora), "per_file": per_file}  # fmt: skip
    return manifest is not None and all(manifest.get(k) == v for k, v in wanted.items())


def generate(
    out: Path,
    articles: int,
    *,
    seed: int = 7,
    corpora: Sequence[str] = DEFAULT_CORPORA,
    per_file: int = PER_FILE,
    pool: Pool | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write an archive of ``articles`` articles into ``out``; returns its manifest.

    ``out`` must be missing, empty or an earlier archive (whose files are replaced).
    """
    if articles < 1 or per_file < 1:
        raise ValueError("articles and per_file must be at least 1")
    out.mkdir(parents=True, exist_ok=True)
    ours = {path.name for path in out.glob("part-*.jsonl")} | {MANIFEST}
    foreign = sorted(path.name for path in out.iterdir() if path.name not in ours)
    if foreign:
        raise SystemExit(f"{out} holds other files ({', '.join(foreign[:3])}): not overwriting")
    (out / MANIFEST).unlink(missing_ok=True)  # incomplete until rewritten at the end
    if pool is None:
        pool = load_pool(corpora)
    started = time.perf_counter()
    files = math.ceil(articles / per_file)
    undated = written = 0
    encoder = json.JSONEncoder(ensure_ascii=False)
    for file_number in range(files):
        first = file_number * per_file
        count = min(per_file, articles - first)
        lines = []
        for record in file_records(pool, seed, file_number, first, count):
            undated += "date" not in record
            lines.append(encoder.encode(record))
        (out / f"part-{file_number:05d}.jsonl").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
        written += count
        if progress is not None:
            progress(written)
    for stale in out.glob("part-*.jsonl"):
        if int(stale.stem.split("-")[1]) >= files:
            stale.unlink()
    manifest = {
        "generator": "benchmarks/synthetic.py",
        "version": VERSION,
        "articles": articles,
        "seed": seed,
        "corpora": list(pool.corpora),
        "per_file": per_file,
        "files": files,
        "undated": undated,
        "years": [FIRST_YEAR, LAST_YEAR],
        "growth": GROWTH,
        "pool_articles": len(pool.templates),
        "pool_seconds": round(pool.seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": sum(path.stat().st_size for path in out.glob("part-*.jsonl")),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--per-file", type=int, default=PER_FILE, help="articles per file")
    parser.add_argument(
        "--corpora",
        default=",".join(DEFAULT_CORPORA),
        help=f"real corpora to recombine (names: {', '.join(CORPORA)}; or paths)",
    )
    args = parser.parse_args(argv)
    corpora = [name for name in args.corpora.split(",") if name]
    pool = load_pool(corpora)
    print(
        f"pool: {len(pool.templates):,} real articles read in {pool.seconds:.1f} s", file=sys.stderr
    )

    def report(done: int) -> None:
        print(f"{done:,} of {args.articles:,} articles written", file=sys.stderr, flush=True)

    manifest = generate(
        args.out,
        args.articles,
        seed=args.seed,
        corpora=corpora,
        per_file=args.per_file,
        pool=pool,
        progress=report,
    )
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
