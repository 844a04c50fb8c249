"""Who is calling, and whether their role allows what they asked for.

The caller is resolved from the store on every update (in `common.identify`), so a promotion or a
bot restart takes effect on the next message; every command handler and callback handler is
wrapped in `requires(role)`, which refuses before the handler's body runs.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Optional

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import t
from progress.access import can_view_session
from progress.vocab import ROLE_RANK

CALLER_KEY = "caller"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """The person behind an update, as the store knows them."""

    user_id: str
    telegram_id: int
    chat_id: int
    role: str
    lang: str
    name: str

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def store_user_id(telegram_id: int) -> str:
    """Telegram users live in the store under `tg:<id>`, apart from terminal users' plain names."""
    return f"tg:{telegram_id}"


def caller_of(context: ContextTypes.DEFAULT_TYPE) -> Caller:
    caller = context.user_data.get(CALLER_KEY) if context.user_data is not None else None
    if caller is None:
        raise RuntimeError("identify() did not run before this handler")
    return caller


def configured_role(telegram_id: int, lead_ids, trainer_ids) -> Optional[str]:
    """The role configuration grants (DOJO_LEAD_IDS / DOJO_TRAINER_IDS); None for everyone else."""
    if telegram_id in lead_ids:
        return "lead"
    if telegram_id in trainer_ids:
        return "trainer"
    return None


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]


def requires(role: str) -> Callable[[Handler], Handler]:
    """Refuse (and do nothing else) unless the caller's role is at least `role`."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
            caller = caller_of(context)
            if not caller.at_least(role):
                log.info("refused %s to %s (%s; needs %s)", handler.__name__, caller.user_id, caller.role, role)
                text = t("refused.role", caller.lang, role=t(f"role.{role}", caller.lang))
                if update.callback_query is not None:
                    await update.callback_query.answer(text, show_alert=True)
                elif update.effective_message is not None:
                    await update.effective_message.reply_text(text)
                return None
            return await handler(update, context)

        guarded.required_role = role  # type: ignore[attr-defined]
        return guarded

    return decorate


def may_view_session(store: Any, caller: Caller, session: Mapping[str, Any]) -> bool:
    """progress.access decides (trainees their own, trainers their trainees', leads all), from the
    caller's current row in the store rather than the cached role."""
    return can_view_session(store.get_user(caller.user_id), dict(session))
