"""The command list, one row per command with the least role allowed to use it.

The same table registers handlers, builds the per-language command menus (set_my_commands), prints
/help, and is checked against docs/telegram.md by the tests, so the four never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

from progress.vocab import ROLE_RANK


@dataclass(frozen=True)
class CommandSpec:
    """A bot command: its name, the least role that may use it, and its menu text key in bot.yml."""

    name: str
    role: str

    @property
    def description_key(self) -> str:
        return f"cmd.{self.name}"


COMMANDS: Tuple[CommandSpec, ...] = (
    CommandSpec("start", "trainee"),
    CommandSpec("help", "trainee"),
    CommandSpec("practice", "trainee"),
    CommandSpec("drill", "trainee"),
    CommandSpec("end", "trainee"),
    CommandSpec("progress", "trainee"),
    CommandSpec("history", "trainee"),
    CommandSpec("language", "trainee"),
    CommandSpec("assign", "trainer"),
    CommandSpec("assignments", "trainer"),
    CommandSpec("transcript", "trainer"),
    CommandSpec("trainees", "trainer"),
    CommandSpec("disputes", "trainer"),
    CommandSpec("team", "lead"),
    CommandSpec("certify", "lead"),
    CommandSpec("revoke", "lead"),
    CommandSpec("export", "lead"),
    CommandSpec("promote", "lead"),
)


def commands_for(role: str) -> Tuple[CommandSpec, ...]:
    """Every command a role may use: its own plus everything below it."""
    rank = ROLE_RANK[role]
    return tuple(spec for spec in COMMANDS if ROLE_RANK[spec.role] <= rank)


def spec(name: str) -> CommandSpec:
    for command in COMMANDS:
        if command.name == name:
            return command
    raise KeyError(name)
