"""Sending helpers: long text split into parts, optional Bot API calls that may fail, the typing indicator."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator, Awaitable, List, Optional

from telegram import Bot, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bot.render import split_html

log = logging.getLogger(__name__)
TYPING_REFRESH_SECONDS = 4.0


async def send_html(bot: Bot, chat_id: int, text: str, reply_markup: Any = None) -> List[Message]:
    """Send `text` (already HTML-escaped) in as many parts as needed; the keyboard goes on the last part."""
    parts = split_html(text)
    sent = []
    for index, part in enumerate(parts):
        markup = reply_markup if index == len(parts) - 1 else None
        sent.append(await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup))
    return sent


async def optional_call(call: Awaitable[Any], what: str) -> Optional[Any]:
    """Await a Bot API call the bot can live without (menus, chat actions); a refusal is logged, not raised."""
    try:
        return await call
    except TelegramError as exc:
        log.warning("optional Bot API call %s failed and was skipped: %s", what, exc)
        return None


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the debtor thinks; Telegram clears it after ~5 s, so it is refreshed."""

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_REFRESH_SECONDS)
            await optional_call(bot.send_chat_action(chat_id, ChatAction.TYPING), "sendChatAction")

    await optional_call(bot.send_chat_action(chat_id, ChatAction.TYPING), "sendChatAction")
    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
