"""Shared fixtures: where the real corpora live, and the rule for when they are missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSDESK_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "000_b98891cdbd8958c6.txt"
#: The seed story as bundled with newsdesk (``corpus/sample/``): byte-identical to the
#: shared copy (``test_bundled_sample`` checks), so tests of the seed need no ``../shared``.
BUNDLED_SEED = REPO / "corpus" / "sample" / SEED.name


def _require_shared(path: Path) -> Path:
    if path.exists():
        return path
    reason = f"needs the shared corpora at {path} (set NEWSDESK_SHARED to their folder)"
    if os.environ.get("NEWSDESK_REQUIRE_CORPORA") == "1":
        pytest.fail(f"NEWSDESK_REQUIRE_CORPORA=1 but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ``shared/`` folder beside the checkout."""
    return _require_shared(SHARED)


@pytest.fixture(scope="session")
def corpora(shared: Path) -> Path:
    return _require_shared(shared / "corpora")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed story (the bundled copy: these tests run without ``../shared``)."""
    return BUNDLED_SEED


@pytest.fixture(scope="session")
def shared_seed_path(shared: Path) -> Path:
    """The seed story as the user gave it, in ``../shared/seed``."""
    return _require_shared(SEED)


@pytest.fixture(scope="session", autouse=True)
def shared_entity_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One entity cache for the whole run (``NEWSDESK_ENTITY_CACHE``, shared by the xdist
    workers): each corpus's stories go through the model once, however many indexes the
    tests build of it.  A fresh file each run, so a change to the rules is always seen."""
    base = tmp_path_factory.getbasetemp()
    run_folder = base.parent if base.name.startswith("popen-gw") else base
    previous = os.environ.get("NEWSDESK_ENTITY_CACHE")
    os.environ["NEWSDESK_ENTITY_CACHE"] = str(run_folder / "entities.sqlite")
    yield
    if previous is None:
        os.environ.pop("NEWSDESK_ENTITY_CACHE", None)
    else:
        os.environ["NEWSDESK_ENTITY_CACHE"] = previous


@pytest.fixture(autouse=True)
def private_saved_searches(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's own saved searches, marked stories or app
    preferences (``NEWSDESK_SAVED``, ``NEWSDESK_MARKS``, ``NEWSDESK_CONFIG``)."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("NEWSDESK_SAVED", str(folder / "saved.json"))
    monkeypatch.setenv("NEWSDESK_MARKS", str(folder / "marks.json"))
    monkeypatch.setenv("NEWSDESK_CONFIG", str(folder / "settings.json"))
