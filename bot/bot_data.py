"""What handlers need besides the update: settings, the store, the simulator client and the catalogue.

One `Services` object lives in `application.bot_data["services"]`; handlers reach it through
`services(context)`, never through module globals, so tests build an Application around real
objects of their own.
"""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, Mapping, Optional, Set

from telegram.ext import ContextTypes

from bot.pending import PendingMessages
from foundation.settings import Settings

SERVICES_KEY = "services"


class RecentUpdates:
    """The last N update ids seen, so an update Telegram delivers twice is handled once."""

    def __init__(self, size: int = 2048) -> None:
        self._order: Deque[int] = deque()
        self._seen: Set[int] = set()
        self._size = size

    def first_time(self, update_id: int) -> bool:
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return True


@dataclass
class Services:
    """The bot's collaborators, built once in `build_application`."""

    settings: Settings
    store: Any
    rasa: Any
    scenarios: Mapping[str, Any]
    policy: Optional[Any] = None
    # Recomputes a session after an overturned dispute (dojo.rulings.Rescorer, handed in by `dojo bot`
    # and `dojo run`: the bot may not import the graders itself). None: rulings are refused, not guessed.
    rescorer: Optional[Callable] = None
    # Held lines live in the store; built from it unless a test passes its own.
    pending: Optional[PendingMessages] = None
    recent_updates: RecentUpdates = field(default_factory=RecentUpdates)
    user_locks: Dict[str, asyncio.Lock] = field(default_factory=dict)
    # The drill bank (data/drills/), loaded the first time a trainee asks for /drill.
    drill_bank: Optional[Any] = None

    def __post_init__(self) -> None:
        if self.pending is None:
            self.pending = PendingMessages(self.store)

    def user_lock(self, user_id: str) -> asyncio.Lock:
        """Updates run concurrently; this keeps one user's session start from racing a second tap."""
        return self.user_locks.setdefault(user_id, asyncio.Lock())


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]
