"""Files of the user's own data (saved searches, marked stories), written safely."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from search.errors import SearchError


def write_json(path: Path, document: Any, what: str) -> None:
    """Write ``document`` to ``path`` whole or not at all (a temporary file renamed over
    it); a failure raises ``SearchError`` ("cannot save {what} to PATH: reason")."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise SearchError(f"cannot save {what} to {path}: {error.strerror}") from None


def index_key(index: str | os.PathLike[str]) -> str:
    """How the user's files name an index: its full, resolved path (``~``, ``..`` and
    links resolved), so one index never goes under two names."""
    return str(Path(index).expanduser().resolve())
