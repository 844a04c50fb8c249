"""Docs are tested: a command, a setting or a violation category missing from the docs fails the build."""
from __future__ import annotations

import re

import pytest

from dojo.cli import app
from foundation.paths import REPO_ROOT
from foundation.settings import ENVIRONMENT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "docs").glob("*.md"))
CATEGORIES = ["threat_of_violence", "abusive_language", "false_legal_threat", "impersonation", "third_party_disclosure",
              "harassment", "unfair_practice", "privacy_violation", "missing_disclosure", "contact_frequency", "calling_hours"]


def command_names():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    return sorted(names)


@pytest.mark.parametrize("command", command_names())
def test_every_cli_command_is_in_the_readme(command):
    assert re.search(rf"dojo {re.escape(command)}\b", README), f"`dojo {command}` is not documented in README.md"


@pytest.mark.parametrize("variable", sorted(ENVIRONMENT))
def test_every_environment_variable_is_in_the_readme(variable):
    assert f"`{variable}`" in README


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_violation_category_is_documented(category):
    assert category in DOCS


def test_the_readme_names_exactly_the_commands_ci_runs():
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "\nmake run\n" in README and "\nmake test\n" in README
