"""Trainee lines held while the simulator is down, kept in the store so a bot restart loses none.

The bot queues a line before it tries the simulator and clears it only once the debtor's reply has
arrived, so a line is never lost; ids grow with every insert, so `id` order is the order typed.
"""
from __future__ import annotations

from typing import Optional

from progress.errors import InvalidInput, UnknownSession


class PendingMixin:
    def queue_pending(self, session_id: str, chat_id: int, text: str, message_key: Optional[str] = None) -> int:
        """Hold one line for `session_id`; returns its id (for `clear_pending`).

        A line whose `message_key` is already held is not held twice: its existing id is returned.
        """
        if not isinstance(text, str):
            raise InvalidInput("a held message must be text / 待发送的消息必须是文本")
        with self.transaction() as db:
            if db.execute("select 1 from sessions where id = ?", [session_id]).fetchone() is None:
                raise UnknownSession(session_id)
            if message_key:
                held = db.execute("select id from pending_messages where session_id = ? and message_key = ?",
                                  [session_id, message_key]).fetchone()
                if held is not None:
                    return held[0]
            return db["pending_messages"].insert(
                {"session_id": session_id, "chat_id": int(chat_id), "text": text, "queued_at": self.now(),
                 "message_key": message_key or None}
            ).last_pk

    def pending_messages(self, session_id: Optional[str] = None) -> list:
        """Held lines oldest first, for one session or for all of them (after a restart)."""
        if session_id is None:
            return self.query("select * from pending_messages order by id")
        return self.query("select * from pending_messages where session_id = ? order by id", [session_id])

    def clear_pending(self, pending_id: int) -> bool:
        """Forget one delivered line; False when it was already gone (clearing twice is harmless)."""
        with self.transaction() as db:
            return db.execute("delete from pending_messages where id = ?", [pending_id]).rowcount > 0

    def drop_pending(self, session_id: str) -> int:
        """Forget every line held for a session that ended or was lost; returns how many."""
        with self.transaction() as db:
            return db.execute("delete from pending_messages where session_id = ?", [session_id]).rowcount
