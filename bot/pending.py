"""Trainee messages that arrived while the simulator was down, kept in order until they can be replayed.

The store does not yet offer a pending-messages table, so messages wait in memory: they survive a
Rasa or action-server outage (the usual case) but not a restart of the bot itself.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List


@dataclass(frozen=True)
class PendingMessage:
    """One trainee line not yet delivered to the simulator."""

    session_id: str
    chat_id: int
    text: str


class PendingMessages:
    """Per-session FIFO queues plus one lock per session, so replay and new messages never interleave."""

    def __init__(self, first_backoff: float = 1.0, max_backoff: float = 300.0) -> None:
        self._queues: "OrderedDict[str, List[PendingMessage]]" = OrderedDict()
        self._locks: Dict[str, asyncio.Lock] = {}
        self._failures: Dict[str, int] = {}
        self._next_try: Dict[str, float] = {}
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff

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
        """Sessions whose delivery failed and whose back-off has passed; a line merely in flight
        (queued by its own handler a moment ago) is never picked up by the replay job."""
        return [sid for sid in self._queues if self._failures.get(sid) and self.due(sid)]

    def lock(self, session_id: str) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())

    def add(self, message: PendingMessage) -> None:
        self._queues.setdefault(message.session_id, []).append(message)

    def peek(self, session_id: str) -> List[PendingMessage]:
        return list(self._queues.get(session_id, ()))

    def pop_first(self, session_id: str) -> None:
        queue = self._queues.get(session_id)
        if queue:
            queue.pop(0)
            if not queue:
                del self._queues[session_id]

    def drop(self, session_id: str) -> None:
        self._queues.pop(session_id, None)
        self.succeeded(session_id)

    def sessions(self) -> List[str]:
        return list(self._queues)

    def __len__(self) -> int:
        return sum(len(queue) for queue in self._queues.values())
