"""Curated data files shipped in ``corpus/data/`` (agency spellings, place aliases, ...).

They are plain text so that a journalist can fix a spelling without touching code: one
record per line, ``#`` starts a comment, blank lines are ignored.
"""

from __future__ import annotations

from importlib import resources


def data_lines(name: str) -> list[str]:
    """The meaningful lines of ``corpus/data/<name>``, comments and blanks removed."""
    text = resources.files("corpus").joinpath("data", name).read_text(encoding="utf-8")
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def data_table(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """Rows of a ``canonical<TAB>alias|alias`` file; the aliases may be empty."""
    rows = []
    for line in data_lines(name):
        canonical, _, aliases = line.partition("\t")
        names = tuple(a.strip() for a in aliases.split("|") if a.strip())
        rows.append((canonical.strip(), names))
    return rows
