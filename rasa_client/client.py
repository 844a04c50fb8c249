"""The one way the terminal and the Telegram bot talk to the simulator: Rasa's REST channel.

Every debtor reply arrives as Rasa messages: the debtor's words as `text`, and the turn's
machine-readable facts (state, findings, outcome, report) as a `custom` payload; the format and
its parsing live in `foundation.turn_message`. This module does the HTTP, and turns every transport
failure into `SimulatorUnavailable` so callers handle one error, not httpx's dozen.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import httpx

from foundation.errors import SimulatorUnavailable
from foundation.turn_message import (CONVERSATION_HEADER, MESSAGE_KEY, DebtorReply, end_session_message,
                                     sanitize_trainee_text, start_session_message)

WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaClient:
    """Async client for one Rasa server; safe to share between many concurrent sessions."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        timeout: float = 10.0,
        transport: Optional[httpx.AsyncBaseTransport] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            transport=transport,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def __aenter__(self) -> "RasaClient":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, session_id: str, message: str, message_key: Optional[str] = None) -> DebtorReply:
        body: Dict[str, Any] = {"sender": session_id, "message": message}
        if message_key:
            body["metadata"] = {MESSAGE_KEY: message_key}
        try:
            response = await self._http.post(WEBHOOK_PATH, json=body, headers={CONVERSATION_HEADER: session_id})
            response.raise_for_status()
            messages = response.json()
        except httpx.HTTPStatusError as exc:
            raise SimulatorUnavailable(f"the Rasa server answered HTTP {exc.response.status_code}") from exc
        except (httpx.TransportError, ValueError) as exc:
            raise SimulatorUnavailable(f"the Rasa server at {self.base_url} is unreachable ({type(exc).__name__})") from exc
        if not isinstance(messages, list):
            raise SimulatorUnavailable("the Rasa server answered with something that is not a message list")
        return DebtorReply.from_messages(session_id, messages)

    async def start_session(self, session_id: str, scenario_id: str, lang: str, mode: str, trainee_id: str,
                            channel: str = "cli") -> DebtorReply:
        """`channel` ("cli", "telegram", …) is recorded with the session so reports can tell them apart."""
        return await self._post(session_id, start_session_message(scenario_id, lang, mode, trainee_id, channel))

    async def send(self, session_id: str, text: str, message_key: Optional[str] = None) -> DebtorReply:
        """`message_key` names this message for good: sent again with the same key (a retry after a
        timeout), the simulator answers with the turn it already played instead of playing it twice."""
        return await self._post(session_id, sanitize_trainee_text(text), message_key)

    async def end_session(self, session_id: str) -> DebtorReply:
        return await self._post(session_id, end_session_message())

    async def health(self) -> bool:
        """True when the Rasa server is up and has a model loaded."""
        try:
            response = await self._http.get("/status", params={"token": self._token} if self._token else None)
        except httpx.TransportError:
            return False
        if response.status_code == 200:
            return bool(response.json().get("model_file"))
        # /status needs the API enabled; a plain liveness answer on / is the next best thing.
        try:
            return (await self._http.get("/")).status_code == 200
        except httpx.TransportError:
            return False
