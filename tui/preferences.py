"""What the app remembers between sessions: theme, sort order, sidebar, preview, and
whether every version of a story is listed.

Kept in ``settings.json`` in the XDG config dir (``$NEWSDESK_CONFIG`` to move it),
written whole through a temporary file.  Preferences are a convenience: a missing or
unreadable file means the defaults, and a failed save is logged, never an error dialog.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

from tui.search_state import SORT_ORDERS

log = logging.getLogger(__name__)


def default_preferences_path() -> Path:
    configured = os.environ.get("NEWSDESK_CONFIG")
    if configured:
        return Path(configured).expanduser()
    return user_config_path("newsdesk") / "settings.json"


@dataclass(frozen=True, slots=True)
class Preferences:
    """The choices the user made last time (None theme: Textual's default)."""

    theme: str | None = None
    sort: str = "relevance"
    sidebar: bool = True
    preview: bool = True
    every_version: bool = False


def load_preferences(path: Path | None) -> Preferences:
    if path is None:
        return Preferences()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, ValueError) as error:
        log.warning("preferences %s unreadable (%s): using the defaults", path, error)
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    known = {item.name for item in fields(Preferences)}
    chosen = {key: value for key, value in data.items() if key in known}
    preferences = Preferences()
    if isinstance(chosen.get("theme"), str):
        preferences = replace(preferences, theme=chosen["theme"])
    if chosen.get("sort") in SORT_ORDERS:
        preferences = replace(preferences, sort=chosen["sort"])
    for flag in ("sidebar", "preview", "every_version"):
        if isinstance(chosen.get(flag), bool):
            preferences = replace(preferences, **{flag: chosen[flag]})
    return preferences


def save_preferences(path: Path | None, preferences: Preferences) -> None:
    if path is None:
        return
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(asdict(preferences), indent=1), encoding="utf-8")
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        log.warning("preferences not saved to %s: %s", path, error)


class PreferenceStore:
    """The preferences of one file: read once, saved on every change."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.current = load_preferences(path)

    def update(self, **changes: Any) -> None:
        updated = replace(self.current, **changes)
        if updated != self.current:
            self.current = updated
            save_preferences(self.path, updated)
