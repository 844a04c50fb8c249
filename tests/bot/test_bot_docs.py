"""docs/telegram.md stays true: every command, role variable and Telegram variable is documented."""
from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from bot.app import HANDLERS, file_url_for
from bot.commands import COMMANDS, commands_for
from bot.errors import BotConfigError
from foundation.paths import REPO_ROOT

DOC = (REPO_ROOT / "docs" / "telegram.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda s: s.name)
def test_every_command_is_documented_and_wired(spec):
    assert re.search(rf"`/{spec.name}\b", DOC), f"/{spec.name} missing from docs/telegram.md"
    assert HANDLERS[spec.name].required_role == spec.role


@pytest.mark.parametrize("variable", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_WEBHOOK_URL",
                                      "DOJO_LEAD_IDS", "DOJO_TRAINER_IDS", "DOJO_RASA_URL"])
def test_environment_is_documented(variable):
    assert f"`{variable}`" in DOC


@pytest.mark.parametrize("role, count", [("trainee", 8), ("trainer", 13), ("lead", 18)])
def test_roles_inherit_the_commands_below_them(role, count):
    assert len(commands_for(role)) == count


@pytest.mark.parametrize("base, files", [
    ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
    ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
])
def test_file_url_follows_the_base_url(base, files):
    assert file_url_for(base) == files


def test_a_base_url_without_bot_suffix_is_refused():
    with pytest.raises(BotConfigError, match="must end in /bot"):
        file_url_for("https://api.telegram.org/")


@pytest.mark.parametrize("env, message", [
    ({"TELEGRAM_BOT_TOKEN": "1:abcdefghijk", "DOJO_RASA_URL": ""}, "DOJO_RASA_URL is not set"),
    ({"TELEGRAM_BOT_TOKEN": "", "DOJO_RASA_URL": "http://127.0.0.1:1"}, "TELEGRAM_BOT_TOKEN is not set"),
])
def test_dojo_bot_refuses_to_start_half_configured(env, message):
    from dojo.cli import app

    result = CliRunner().invoke(app, ["bot"], env=env)
    assert isinstance(result.exception, BotConfigError) and message in str(result.exception)
