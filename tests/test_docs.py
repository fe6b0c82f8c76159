"""Every command and option of ``newsdesk`` is documented in the README (the sqlite-utils
model: a test that fails when someone adds an option and forgets the docs)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from tui.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("newsdesk has no subcommands")


SUBCOMMANDS = _subcommands()


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_every_command_is_documented(command: str) -> None:
    assert re.search(rf"newsdesk {re.escape(command)}\b", README), (
        f"README never shows `newsdesk {command}`"
    )


@pytest.mark.parametrize(
    ("command", "option"),
    sorted(
        (name, option)
        for name, sub in SUBCOMMANDS.items()
        for action in sub._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ),
)
def test_every_option_is_documented(command: str, option: str) -> None:
    assert re.search(rf"{re.escape(option)}\b", README), (
        f"README never mentions `{option}` of `newsdesk {command}`"
    )


def test_quick_start_has_exactly_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick_start, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, commands
    assert any("newsdesk" in c and "pytest" not in c for c in commands)
    assert any("pytest" in c for c in commands)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci
    assert "<!-- test-command -->" in README
