"""Turning what a trainer or lead typed (`@name`, a Telegram id, a store id, a date) into store values."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from bot.errors import UnknownTarget, UsageError


def resolve_user(store: Any, token: str) -> dict:
    """`@username`, a numeric Telegram id, or a store id such as `tg:123` or a terminal user's name."""
    token = token.strip()
    user: Optional[dict] = None
    if token.startswith("@"):
        wanted = token[1:].casefold()
        user = next((u for u in store.users() if (u.get("name") or "").casefold() == wanted), None)
    elif token.isdigit():
        user = store.user_by_telegram(int(token))
    if user is None and not token.startswith("@"):
        user = store.get_user(token)
    if user is None:
        raise UnknownTarget("error.unknown_user", user=token)
    return user


def parse_due(text: str, today: dt.date) -> dt.date:
    try:
        due = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError("usage.bad_date", value=text) from None
    if due < today:
        raise UsageError("usage.bad_date", value=text)
    return due


def display_name(user: dict) -> str:
    name = user.get("name") or user["id"]
    return f"@{name}" if user.get("telegram_id") and name and " " not in name else name
