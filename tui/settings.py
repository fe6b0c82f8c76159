"""What the app needs to know before it starts: where the index and history live, timings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_state_path

from index import default_index_dir
from tui.preferences import default_preferences_path

#: Where to keep the query history instead (a file path).
HISTORY_ENVIRONMENT = "NEWSDESK_HISTORY"


def default_history_path() -> Path:
    """Query history lives in the XDG state dir (it is not data, and not a cache), or
    in the file ``$NEWSDESK_HISTORY`` names."""
    configured = os.environ.get(HISTORY_ENVIRONMENT)
    if configured:
        return Path(configured).expanduser()
    return user_state_path("newsdesk") / "history"


@dataclass(frozen=True, slots=True)
class Settings:
    """App settings; tests build their own (a fixture index, a temporary history file)."""

    index_dir: Path = field(default_factory=default_index_dir)
    history_path: Path | None = field(default_factory=default_history_path)
    #: Seconds of typing pause before a search runs (Enter runs at once).
    debounce: float = 0.15
    #: Hits fetched per page; the next page loads when the cursor nears the end.
    page_size: int = 12
    #: Facet values shown per field.
    facet_limit: int = 8
    #: Textual theme name; ``None`` keeps Textual's default.
    theme: str | None = None
    #: Build the bundled sample's index when there is none yet (first run).
    build_sample_if_missing: bool = True
    #: ``newsdesk pick``: Enter on a story ends the app with it (nothing else opens).
    pick: bool = False
    #: Where the theme, sort and layout chosen are remembered (None: nowhere).
    preferences_path: Path | None = field(default_factory=default_preferences_path)
    #: Folder exports are proposed in (None: the current folder).
    export_dir: Path | None = None
    #: Search the shards in Ray actors (``ray`` or ``ray:HOST:PORT``); None: in-process.
    cluster: str | None = None
