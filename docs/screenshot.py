"""Regenerate docs/screenshot.svg: the app over the bundled sample, searching "iraq".

.venv/bin/python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path

from textual.widgets import Input
from textual.worker import WorkerCancelled

from corpus import sample_corpus_path
from index import build_index
from search import Engine
from tui.app import create_app
from tui.settings import Settings

DOCS = Path(__file__).resolve().parent


async def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="newsdesk-screenshot-"))
    build_index([sample_corpus_path()], work / "index")
    settings = Settings(
        index_dir=work / "index", history_path=work / "history", theme="textual-dark"
    )
    with Engine.open(settings.index_dir) as engine:
        app = create_app(settings, engine)
        async with app.run_test(size=(120, 36)) as pilot:
            for keys in ((), tuple("iraq"), ("enter",), ("down",)):
                await pilot.press(*keys)
                await pilot.pause(0.4)
                with contextlib.suppress(WorkerCancelled):
                    await app.workers.wait_for_complete()
                await pilot.pause(0.2)
            app.screen.query_one(Input).cursor_blink = False
            app.save_screenshot("screenshot.svg", str(DOCS))


if __name__ == "__main__":
    asyncio.run(main())
