"""The ripgrep peer: the articles as one text file each, grepped per query (no index).

Every word must occur (case-insensitive, whole word): the first word lists the files,
each further word narrows that list.  No ranking, no facets, no stemming: it shows what
"just grep the archive" costs.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from corpus.model import Article


def rg_binary() -> str:
    found = shutil.which("rg")
    if found is None:
        raise SystemExit(
            "ripgrep (`rg`) is not installed: `apt-get install ripgrep` (see benchmarks/README.md)"
        )
    return found


def build(articles: Sequence[Article], out: Path) -> None:
    """One UTF-8 file per article, title then body, in folders of 1,000."""
    for number, article in enumerate(articles):
        folder = out / f"{number // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join([article.title, *article.subheads, *article.captions, article.body])
        (folder / f"{number:06d}.txt").write_text(text, encoding="utf-8")


class RipgrepSearcher:
    name = "ripgrep"

    def __init__(self, text_dir: Path) -> None:
        self.rg = rg_binary()
        self.text_dir = text_dir

    def _files_with(self, word: str, targets: Sequence[str]) -> list[str]:
        done = subprocess.run(
            [self.rg, "--files-with-matches", "--ignore-case", "--word-regexp", "--fixed-strings",
             "--no-messages", "-e", word, "--", *targets],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return done.stdout.splitlines()

    def query(self, text: str) -> int:
        words = text.split()
        if not words:
            return 0
        files = self._files_with(words[0], [str(self.text_dir)])
        for word in words[1:]:
            if not files:
                break
            files = self._files_with(word, files)
        return len(files)

    def close(self) -> None:
        pass
