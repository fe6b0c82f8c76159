"""A sharded index: which shard holds which article, and the layout that names them.

An index built with ``--shards N`` (N > 1) holds N Whoosh indexes under
``shards/00`` ... ``shards/NN``, each a series of generations like an unsharded index
(``gen-000003``: Whoosh files, postings files, ``newsdesk.json``, its articles table).
The index's own generation (``gen-000007`` beside ``CURRENT``) holds no Whoosh files: it
holds ``shards.json``, naming the one generation of every shard it is made of, with
the facet columns of all of them together, the index's ``newsdesk.json`` and the
builder's files table.  Replacing ``CURRENT`` (``index.store.publish``) is therefore the
one atomic step that moves readers from one consistent set of shards to the next.

Articles are split by publication date into N ranges of about equal size, chosen when
the index is first built (``choose_bounds``); a later article goes to the range of its
date (the newest range grows: old shards stay untouched by a refresh that adds recent
stories).  An article without a date goes to the shard its id hashes to.
"""

from __future__ import annotations

import bisect
import json
import math
import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.changes import ChangePlan

#: The file of an index generation naming its shards' generations.
LAYOUT_FILE = "shards.json"
#: The folder holding the shards, in the index directory.
SHARDS_FOLDER = "shards"
FORMAT = 1
#: The most shards an index may have.
MAX_SHARDS = 64


@dataclass(frozen=True, slots=True)
class ShardLayout:
    """The shards of one index generation.

    ``generations``: each shard's generation, as a path relative to the index
    directory (``shards/02/gen-000004``).  ``bounds``: the dates (days since 1970)
    where each shard after the first begins; empty when the articles had no dates
    to split by (then every article goes by the hash of its id).
    """

    generations: tuple[str, ...]
    bounds: tuple[float, ...] = ()

    @property
    def count(self) -> int:
        return len(self.generations)

    @property
    def split(self) -> str:
        return "date" if self.bounds else "hash"

    def shard_of(self, article_id: str, date: float) -> int:
        """The shard an article with this id and date (NaN: none) belongs in."""
        if self.bounds and not math.isnan(date):
            return bisect.bisect_right(self.bounds, date)
        return zlib.crc32(article_id.encode("utf-8", "surrogatepass")) % self.count

    def to_json(self) -> str:
        document = {
            "format": FORMAT,
            "split": self.split,
            "bounds": list(self.bounds),
            "shards": list(self.generations),
        }
        return json.dumps(document, indent=1) + "\n"


def shard_folder(number: int) -> str:
    """A shard's folder, relative to the index directory."""
    return f"{SHARDS_FOLDER}/{number:02d}"


def whoosh_folders(index_dir: Path, generation_dir: Path, layout: ShardLayout | None) -> list[Path]:
    """The folders of a generation's Whoosh indexes: its own, or its shards'."""
    if layout is None:
        return [generation_dir]
    return [index_dir / name for name in layout.generations]


def read_layout(generation_dir: Path) -> ShardLayout | None:
    """The layout of a sharded index's generation; None for an unsharded one.
    Raises ValueError when the file is damaged (callers report the index damaged)."""
    try:
        text = (generation_dir / LAYOUT_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{LAYOUT_FILE} is not format {FORMAT}")
    generations = document.get("shards")
    bounds = document.get("bounds")
    if not isinstance(generations, list) or not all(isinstance(g, str) for g in generations):
        raise ValueError(f"{LAYOUT_FILE} lists no shards")
    if not isinstance(bounds, list) or not all(isinstance(b, int | float) for b in bounds):
        raise ValueError(f"{LAYOUT_FILE} has no date bounds")
    if len(generations) < 2 or (bounds and len(bounds) != len(generations) - 1):
        raise ValueError(f"{LAYOUT_FILE} names {len(generations)} shards for {len(bounds)} bounds")
    for generation in generations:
        parts = Path(generation).parts
        if len(parts) != 3 or parts[0] != SHARDS_FOLDER or ".." in parts:
            raise ValueError(f"{LAYOUT_FILE} names {generation!r}, not a shard's generation")
    return ShardLayout(tuple(generations), tuple(float(b) for b in bounds))


def write_layout(generation_dir: Path, layout: ShardLayout) -> None:
    (generation_dir / LAYOUT_FILE).write_text(layout.to_json(), encoding="utf-8")


def choose_bounds(dates: Sequence[float], count: int) -> tuple[float, ...]:
    """Dates splitting the dated articles into ``count`` ranges of about equal size;
    empty when fewer than half of them have a date (a hash split is then more even)."""
    dated = sorted(date for date in dates if not math.isnan(date))
    if count < 2 or len(dated) < max(count, len(dates) / 2):
        return ()
    bounds = [dated[len(dated) * part // count] for part in range(1, count)]
    return tuple(bounds)


def split_plan(
    plan: ChangePlan, layout: ShardLayout, holder: Mapping[str, int]
) -> list[ChangePlan]:
    """``plan`` as one plan per shard: each article written to the shard its date (or
    id) places it in (``plan.files`` learn where each goes: their ``targets``), each
    deletion (an article changed, gone or removed) made in the shard that holds the
    article (``holder``: id -> shard of the live generation).  A changed article is in
    ``plan.deletes``, so one whose date moved it to another shard leaves the old one."""
    shards = [
        ChangePlan(kept=None if plan.kept is None else [], per_corpus=plan.per_corpus)
        for _ in range(layout.count)
    ]
    for article_id in plan.deletes:
        shard = holder.get(article_id)
        if shard is not None:
            shards[shard].deletes.append(article_id)
    places = array("b")
    for (article_id, root, content_hash), date in zip(
        plan.written, plan.written_dates, strict=True
    ):
        shard = layout.shard_of(article_id, date)
        places.append(shard)
        target = shards[shard]
        target.written.append((article_id, root, content_hash))
        target.writes += 1
    if plan.kept is not None:
        for place, kept in zip(places, plan.kept, strict=True):
            shard_kept = shards[place].kept
            assert shard_kept is not None
            shard_kept.append(kept)
    written = 0
    for part in plan.files:  # each article's shard, for the workers that write them
        part.targets = places[written : written + len(part.numbers)]
        written += len(part.numbers)
    return shards
