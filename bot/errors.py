"""Errors raised inside the bot; each carries an i18n key so the user is told what went wrong in their language."""
from __future__ import annotations

from typing import Any, Dict

from foundation.errors import DojoError


class BotError(Exception):
    """Base class: a user-fixable problem answered with a translated message, never a traceback."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: Any):
        self.key = key or type(self).key
        self.params: Dict[str, Any] = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotAllowed(BotError):
    """Raised when a caller's role is below what a command or button needs."""

    key = "refused.role"


class UsageError(BotError):
    """Raised when a command's arguments are missing or malformed; the message shows the right form."""

    key = "usage.generic"


class UnknownTarget(BotError):
    """Raised when a command names a user, scenario or session the store does not know."""

    key = "error.unknown_user"


class I18nError(Exception):
    """Raised at load time when the bot's string table is malformed (names the file and the key)."""


class BotConfigError(DojoError):
    """Raised at start-up when the bot cannot run as configured (no token, no Rasa URL, bad base URL)."""


NO_TOKEN = ("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather (see docs/telegram.md) "
            "/ 未设置 TELEGRAM_BOT_TOKEN：请先通过 @BotFather 创建机器人（见 docs/telegram.md）")
