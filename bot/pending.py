"""Trainee lines not yet answered by the debtor, held in the progress store until they are.

Every line is written to the store's `pending_messages` before the simulator is tried and cleared
only once the debtor's reply has arrived, so lines typed during an outage survive a restart of the
bot as well and are replayed in order. Only the retry bookkeeping (back-off, per-session locks)
lives in memory; a new process treats every line it finds held as one that failed once.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional


@dataclass(frozen=True)
class PendingMessage:
    """One trainee line not yet answered, as stored (`id` orders the lines and clears this one)."""

    id: int
    session_id: str
    chat_id: int
    text: str
    message_key: Optional[str] = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "PendingMessage":
        return cls(id=row["id"], session_id=row["session_id"], chat_id=row["chat_id"], text=row["text"],
                   message_key=row.get("message_key"))


def telegram_message_key(message: Any) -> Optional[str]:
    """Telegram's own id for a message (unique within its chat), so an update delivered again after
    the bot restarted is recognised as the line it already played."""
    if message is None or getattr(message, "message_id", None) is None:
        return None
    return f"tg:{message.chat_id}:{message.message_id}"


class PendingMessages:
    """Per-session FIFO queues in the store plus one lock per session, so replay and new messages
    never interleave (and a line is sent by one of them only)."""

    def __init__(self, store: Any, first_backoff: float = 1.0, max_backoff: float = 300.0) -> None:
        self.store = store
        self._locks: Dict[str, asyncio.Lock] = {}
        self._failures: Dict[str, int] = {}
        self._next_try: Dict[str, float] = {}
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        for session_id in self.sessions():
            # Left by an earlier run of the bot: replay at once, then back off like any failure.
            self._failures.setdefault(session_id, 1)

    def failed(self, session_id: str) -> None:
        """Back off exponentially: each replay attempt that fails still reaches Rasa's tracker."""
        count = self._failures.get(session_id, 0)
        self._failures[session_id] = count + 1
        self._next_try[session_id] = time.monotonic() + min(self.first_backoff * 2 ** count, self.max_backoff)

    def succeeded(self, session_id: str) -> None:
        self._failures.pop(session_id, None)
        self._next_try.pop(session_id, None)

    def due(self, session_id: str) -> bool:
        return time.monotonic() >= self._next_try.get(session_id, 0.0)

    def to_replay(self) -> List[str]:
        """Sessions whose delivery failed (or that an earlier run left held) and whose back-off has
        passed; a line merely in flight (queued by its own handler a moment ago) is never picked up."""
        return [sid for sid in self._failures if self.due(sid)]

    def lock(self, session_id: str) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())

    def add(self, session_id: str, chat_id: int, text: str, message_key: Optional[str] = None) -> PendingMessage:
        """Hold the line durably before anything is sent (a line already held under its key is not held twice).

        Every held line gets a key, the same on every attempt to send it, so the simulator plays it
        once. Without Telegram's id a random one is made: row ids are reused once the table empties.
        """
        message_key = message_key or f"held:{uuid.uuid4().hex}"
        pending_id = self.store.queue_pending(session_id, chat_id, text, message_key)
        return PendingMessage(pending_id, session_id, chat_id, text, message_key)

    def peek(self, session_id: str) -> List[PendingMessage]:
        return [PendingMessage.from_row(row) for row in self.store.pending_messages(session_id)]

    def answered(self, message: PendingMessage) -> None:
        """The debtor's reply to this line has arrived: it must never be sent again."""
        self.store.clear_pending(message.id)

    def drop(self, session_id: str) -> None:
        self.store.drop_pending(session_id)
        self.succeeded(session_id)

    def sessions(self) -> List[str]:
        """Sessions with held lines, oldest line first."""
        return list(dict.fromkeys(row["session_id"] for row in self.store.pending_messages()))

    def __len__(self) -> int:
        return len(self.store.pending_messages())
