"""What a corpus run skipped, warned about and ignored, so nothing is lost silently.

Readers never raise for bad input: they record a :class:`Skip` here and carry on.  The
CLI prints the report; the index keeps its skips in the build summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Skip:
    """One report entry: a file (and line, when known) and why it was not read as-is."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class CorpusReport:
    """Collects skipped input, warnings and deliberately ignored files for one run.

    ``skipped``: input that produced no article (empty, binary, malformed line ...).
    ``warnings``: input that was read, but not verbatim (e.g. decoded with a fallback).
    ``ignored``: files that are not articles by rule (READMEs, checksums, word lists ...).
    ``counts``: articles read per format.
    """

    skipped: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)
    ignored: list[Skip] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def skip(self, path: str, reason: str, line: int | None = None) -> None:
        self.skipped.append(Skip(path, line, reason))

    def warn(self, path: str, reason: str, line: int | None = None) -> None:
        self.warnings.append(Skip(path, line, reason))

    def ignore(self, path: str, reason: str, line: int | None = None) -> None:
        self.ignored.append(Skip(path, line, reason))

    @property
    def articles(self) -> int:
        """How many articles were read in total."""
        return sum(self.counts.values())


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 article``, ``21,578 articles``: a count with thousands separators and its noun."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def printable(text: str) -> str:
    """Paths and reasons may hold control characters: never let them reach the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
