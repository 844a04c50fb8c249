"""docs/progress.md documents every progress command and option, and every canned query."""
from __future__ import annotations

import click
import pytest
import typer

from dojo.cli import app
from foundation.paths import REPO_ROOT
from progress import dashboard

DOC = (REPO_ROOT / "docs" / "progress.md").read_text(encoding="utf-8")
GROUPS = ("report", "trainer", "certify", "trainee")


def _commands():
    root = typer.main.get_command(app)
    for group in GROUPS:
        for name, command in root.commands[group].commands.items():
            yield f"dojo {group} {name}", command
    yield "dojo dashboard", root.commands["dashboard"]


@pytest.mark.parametrize("usage,command", list(_commands()), ids=lambda value: getattr(value, "name", value))
def test_every_command_and_option_is_documented(usage, command):
    assert f"`{usage}" in DOC, f"{usage} is missing from docs/progress.md"
    line = next(line for line in DOC.splitlines() if f"`{usage}" in line)
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in line for opt in param.opts), f"{usage} {param.opts} undocumented"


@pytest.mark.parametrize("name", list(dashboard.CANNED_QUERIES))
def test_every_canned_query_is_documented(name):
    assert f"`{name}`" in DOC
