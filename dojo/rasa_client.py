"""The one way the terminal and the Telegram bot talk to the simulator: Rasa's REST channel.

Every debtor reply arrives as Rasa messages: the debtor's words as `text`, and the turn's
machine-readable facts (state, findings, outcome, report) as a `custom` payload under `"dojo"`.
This module folds them into one `DebtorReply`, and turns every transport failure into
`SimulatorUnavailable` so callers handle one error, not httpx's dozen.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

import httpx

from dojo.errors import SimulatorUnavailable

WEBHOOK_PATH = "/webhooks/rest/webhook"


@dataclass(frozen=True)
class DebtorReply:
    """What the debtor said after one trainee message, and what the simulator made of the message."""

    session_id: str
    text: str
    turn: int = 0
    intent: Optional[str] = None
    confidence: Optional[float] = None
    state: Mapping[str, Any] = field(default_factory=dict)
    findings: Optional[Mapping[str, Any]] = None
    outcome: Optional[str] = None
    tip: Optional[str] = None
    report: Optional[Mapping[str, Any]] = None
    ended: bool = False
    # "no_session", "unknown_scenario" or "store_unavailable" when the simulator could not play the turn.
    error: Optional[str] = None
    # True when the message was sent before under the same key: this is the turn played then, again.
    replayed: bool = False
    raw: tuple = ()

    @classmethod
    def from_messages(cls, session_id: str, messages: List[Mapping[str, Any]]) -> "DebtorReply":
        texts = [m["text"] for m in messages if m.get("text")]
        payload: Dict[str, Any] = {}
        for message in messages:
            custom = message.get("custom")
            if isinstance(custom, Mapping) and isinstance(custom.get("dojo"), Mapping):
                payload.update(custom["dojo"])
        if not payload and not texts:
            raise SimulatorUnavailable(
                "the simulator answered without a debtor reply (is the action server running?)"
            )
        return cls(
            session_id=session_id,
            text="\n".join(texts),
            turn=int(payload.get("turn") or 0),
            intent=payload.get("intent"),
            confidence=payload.get("confidence"),
            state=payload.get("state") or {},
            findings=payload.get("findings"),
            outcome=payload.get("outcome"),
            tip=payload.get("tip"),
            report=payload.get("report"),
            ended=bool(payload.get("ended")),
            error=payload.get("error"),
            replayed=bool(payload.get("replayed")),
            raw=tuple(messages),
        )

    def to_json_line(self, trainee_text: str) -> Dict[str, Any]:
        """The per-turn object `dojo practice --json` prints (the design's stable interface)."""
        line = {
            "turn": self.turn,
            "trainee": trainee_text,
            "intent": self.intent,
            "debtor": self.text,
            "state": dict(self.state),
            "findings": self.findings,
            "outcome": self.outcome,
        }
        if self.tip:
            line["tip"] = self.tip
        if self.report is not None:
            line["report"] = self.report
        return line


def start_session_message(scenario_id: str, lang: str, mode: str, trainee_id: str, channel: str = "cli") -> str:
    """Rasa's `/intent{json}` shortcut: the session's facts go straight into slots, no NLU guess."""
    entities = {"scenario_id": scenario_id, "lang": lang, "mode": mode, "trainee_id": trainee_id, "channel": channel}
    return "/start_session" + json.dumps(entities, ensure_ascii=False)


# The REST metadata field that carries a client's id for one trainee message (read by the actions).
MESSAGE_KEY = "message_key"

# Rasa predicts no action at all for an empty message, so silence is sent as an ellipsis: the
# debtor hears a pause and asks whether anyone is there.
SILENCE = "…"


def sanitize_trainee_text(text: str) -> str:
    """A trainee line must never be read as Rasa's `/intent` shortcut, or a trainee could forge a session start."""
    stripped = text.lstrip()
    if stripped.startswith("/"):
        text = stripped.lstrip("/")
    return text if text.strip() else SILENCE


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
            response = await self._http.post(WEBHOOK_PATH, json=body)
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
        return await self._post(session_id, "/end_session")

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
