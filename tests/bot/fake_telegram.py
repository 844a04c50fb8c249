"""A Bot API server on 127.0.0.1 for tests: serves injected updates, records every call, injects faults.

The bot under test uses its real HTTP stack (PTB's HTTPXRequest) against this server, pointed at by
TELEGRAM_API_BASE_URL = http://127.0.0.1:PORT/bot, so request encoding, retries and rate limiting
are exercised exactly as against Telegram.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, List, Optional

from aiohttp import web

JSON_FIELDS = {"reply_markup", "commands", "scope", "entities", "allowed_updates", "link_preview_options",
               "reply_parameters", "caption_entities"}
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "DojoBot", "username": "dojo_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass(frozen=True)
class Call:
    """One Bot API request the bot made."""

    method: str
    params: Dict[str, Any]
    at: float

    @property
    def chat_id(self) -> Optional[int]:
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass(frozen=True)
class Fault:
    """What the next call of a method gets instead of success: an HTTP error, a 429, or a delay."""

    status: int = 0
    retry_after: int = 0
    delay: float = 0.0
    description: str = ""


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str
    username: Optional[str] = None
    language_code: Optional[str] = "en"

    def to_dict(self) -> Dict[str, Any]:
        data = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


class FakeBotApi:
    """The server. Use as `async with FakeBotApi() as api:`; `api.base_url` goes into the settings."""

    def __init__(self, token: str = "123456:TEST-secret-token-ABCDEF") -> None:
        self.token = token
        self.calls: List[Call] = []
        self.faults: Dict[str, Deque[Fault]] = defaultdict(deque)
        self.rejected_methods: set = set()
        self._updates: List[Dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: Optional[web.AppRunner] = None
        self.port = 0
        self.chats: Dict[int, Dict[str, Any]] = {}
        self._redelivery: List[Dict[str, Any]] = []

    # -- lifecycle ------------------------------------------------------------------------------

    async def __aenter__(self) -> "FakeBotApi":
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- injecting ------------------------------------------------------------------------------

    def fail_next(self, method: str, *faults: Fault) -> None:
        self.faults[method].extend(faults)

    def reject_always(self, method: str) -> None:
        """Answer `method` with 400 every time (a server that does not support an optional call)."""
        self.rejected_methods.add(method)

    async def push(self, update: Dict[str, Any]) -> int:
        """Queue a raw update (an `update_id` is added unless present) and wake the long poll."""
        update.setdefault("update_id", next(self._update_ids))
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return update["update_id"]

    def _chat(self, user: TgUser, chat_type: str, chat_id: Optional[int]) -> Dict[str, Any]:
        if chat_type == "private":
            chat = {"id": user.id, "type": "private", "first_name": user.first_name}
        else:
            chat = {"id": chat_id or -1000 - user.id, "type": chat_type, "title": "Collections team"}
        self.chats[chat["id"]] = chat
        return chat

    def message(self, user: TgUser, text: Optional[str] = None, *, chat_type: str = "private",
                chat_id: Optional[int] = None, **extra: Any) -> Dict[str, Any]:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(user, chat_type, chat_id), "from": user.to_dict(), **extra}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return message

    async def push_again(self, update_id: int) -> None:
        """Deliver an already-delivered update once more, as Telegram may after a timeout on its side."""
        original = next(u for u in self._updates if u["update_id"] == update_id)
        async with self._changed:
            self._redelivery.append(dict(original))
            self._changed.notify_all()

    async def say(self, user: TgUser, text: str, **kwargs: Any) -> int:
        return await self.push({"message": self.message(user, text, **kwargs)})

    async def send_sticker(self, user: TgUser) -> int:
        sticker = {"file_id": "CAACAgIAAx", "file_unique_id": "AgAD", "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "emoji": "😀"}
        return await self.push({"message": self.message(user, sticker=sticker)})

    async def send_photo(self, user: TgUser) -> int:
        photo = [{"file_id": "AgACAgIAAx", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        return await self.push({"message": self.message(user, photo=photo)})

    async def send_voice(self, user: TgUser) -> int:
        voice = {"file_id": "AwACAgIAAx", "file_unique_id": "AgADv", "duration": 3}
        return await self.push({"message": self.message(user, voice=voice)})

    async def send_file(self, user: TgUser) -> int:
        document = {"file_id": "BQACAgIAAx", "file_unique_id": "AgADd", "file_name": "debts.xlsx"}
        return await self.push({"message": self.message(user, document=document)})

    async def edit(self, user: TgUser, text: str) -> int:
        message = self.message(user, text, edit_date=int(time.time()))
        return await self.push({"edited_message": message})

    async def add_to_group(self, user: TgUser) -> int:
        """`user` adds the bot to a group (Telegram sends a my_chat_member update)."""
        def member(status: str) -> Dict[str, Any]:
            return {"status": status, "user": BOT_USER, **({"until_date": 0} if status == "kicked" else {})}

        change = {"chat": self._chat(user, "group", None), "from": user.to_dict(), "date": int(time.time()),
                  "old_chat_member": member("left"), "new_chat_member": member("member")}
        return await self.push({"my_chat_member": change})

    async def tap(self, user: TgUser, data: str, message_id: int = 1, chat_type: str = "private") -> int:
        """A press of an inline button carrying `data`."""
        query = {"id": str(next(self._message_ids)), "from": user.to_dict(), "chat_instance": "ci",
                 "data": data, "message": {"message_id": message_id, "date": int(time.time()),
                                           "chat": self._chat(user, chat_type, None), "text": "…"}}
        return await self.push({"callback_query": query})

    # -- observing ------------------------------------------------------------------------------

    def calls_to(self, method: str, chat_id: Optional[int] = None, since: int = 0) -> List[Call]:
        return [c for c in self.calls[since:] if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    def texts_to(self, chat_id: int, since: int = 0) -> List[str]:
        return [c.text for c in self.calls[since:]
                if c.method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
                and c.chat_id == chat_id]

    async def wait_for(self, predicate: Callable[[Call], bool], *, since: int = 0, timeout: float = 10.0,
                       count: int = 1) -> List[Call]:
        """Wait until `count` recorded calls (from index `since`) satisfy `predicate`."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                found = [c for c in self.calls[since:] if predicate(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = "\n".join(f"  {c.method} {c.params}" for c in self.calls[since:]
                                       if c.method != "getUpdates")
                    raise AssertionError(f"timed out waiting for {count} matching call(s); recent calls:\n{recent}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass

    async def wait_text(self, chat_id: int, needle: str, *, since: int = 0, timeout: float = 10.0) -> Call:
        calls = await self.wait_for(
            lambda c: c.chat_id == chat_id and c.method in ("sendMessage", "editMessageText", "sendPhoto",
                                                             "sendDocument") and needle in c.text,
            since=since, timeout=timeout)
        return calls[0]

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until every queued update was fetched and no call came for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.calls)
            await asyncio.sleep(quiet)
            if len(self.calls) == before and not self._undelivered():
                return
        raise AssertionError("the bot did not settle")

    def _undelivered(self) -> bool:
        return bool(self._redelivery) or any(u["update_id"] >= self._offset for u in self._updates)

    _offset = 0

    # -- serving --------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> Dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.text()
            return json.loads(body) if body else {}
        params: Dict[str, Any] = {}
        form = await request.post()
        for key, value in form.items():
            if hasattr(value, "file"):
                params[key] = {"filename": value.filename, "content": value.file.read()}
            elif key in JSON_FIELDS:
                params[key] = json.loads(value)
            else:
                params[key] = value
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.get(value[len("attach://"):])
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = await self._params(request)
        async with self._changed:
            self.calls.append(Call(method, params, time.monotonic()))
            self._changed.notify_all()
        if self.faults[method]:
            fault = self.faults[method].popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status == 429:
                return web.json_response({"ok": False, "error_code": 429,
                                          "description": f"Too Many Requests: retry after {fault.retry_after}",
                                          "parameters": {"retry_after": fault.retry_after}}, status=429)
            if fault.status:
                return web.json_response({"ok": False, "error_code": fault.status,
                                          "description": fault.description or "Bad Gateway"}, status=fault.status)
        if method in self.rejected_methods:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: method {method} is not supported"}, status=400)
        result = await self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _result(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat_id = int(params["chat_id"])
            message = {"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private"}), "from": BOT_USER}
            if method == "sendMessage":
                message["text"] = params.get("text", "")
            elif method == "sendPhoto":
                message["photo"] = [{"file_id": "sent-photo", "file_unique_id": "sp", "width": 800, "height": 600}]
            else:
                message["document"] = {"file_id": "sent-doc", "file_unique_id": "sd",
                                       "file_name": (params.get("document") or {}).get("filename", "file")}
            return message
        if method == "editMessageText":
            chat_id = int(params.get("chat_id") or 0)
            return {"message_id": int(params.get("message_id") or 1), "date": int(time.time()),
                    "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private"}),
                    "from": BOT_USER, "text": params.get("text", "")}
        if method == "editMessageReplyMarkup":
            chat_id = int(params.get("chat_id") or 0)
            return {"message_id": int(params.get("message_id") or 1), "date": int(time.time()),
                    "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private"}), "from": BOT_USER,
                    "text": "…"}
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getMyCommands":
            return []
        return True

    async def _get_updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        # As on Telegram, a getUpdates with a higher offset confirms (forgets) every update below it.
        self._offset = max(self._offset, int(params.get("offset") or 0))
        offset = self._offset
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset]
                if self._redelivery:
                    ready, self._redelivery = self._redelivery + ready, []
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0:
                    return ready[: int(params.get("limit") or 100)]
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
