"""The turn message format: what a client sends the simulator, and what every debtor reply carries.

The action server writes it (`turn_payload`, `error_payload`), the Rasa client parses it
(`DebtorReply.from_messages`), and both sides read their field names from here, so they cannot
drift apart. docs/architecture.md shows the same schema.

A client sends REST bodies `{"sender": session id, "message": text, "metadata": {MESSAGE_KEY: key}}`.
Each reply is Rasa messages: the debtor's words as `text`, and one `custom` message
`{PAYLOAD_KEY: {...}}` whose fields are `PAYLOAD_FIELDS`:

    session_id  the session (= Rasa sender id)
    turn        the trainee turn just played (0: the debtor's opening)
    intent      the trainee dialogue act the NLU read, or null
    confidence  its confidence, 3 decimals, or null
    state       {"anger", "trust", "willingness" (0–1), "stage"}
    findings    scoring.score_reply(...).to_dict() of the trainee line, or null
    outcome     null until the call ends, then one of foundation.vocab.OUTCOMES
    tip         the coach's tip (coach mode), or null
    report      the session report once the call ended, else null
    ended       true when `report` is set
    replayed    (only when true) the same message key was played before; this is that turn again
    error       (instead of a turn) "no_session", "unknown_scenario" or "store_unavailable"
    known       (with "unknown_scenario") the scenario ids that exist
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from foundation.errors import SimulatorUnavailable

# The REST metadata field that carries a client's id for one trainee message (read by the actions).
MESSAGE_KEY = "message_key"
# The HTTP header naming the conversation (the session id) on every request a dojo client sends: the
# balancer in front of several Rasa replicas hashes it, so one conversation always reaches one replica.
CONVERSATION_HEADER = "X-Dojo-Conversation"
# The key of the custom payload in a debtor reply.
PAYLOAD_KEY = "dojo"
PAYLOAD_FIELDS = ("session_id", "turn", "intent", "confidence", "state", "findings", "outcome", "tip", "report",
                  "ended", "replayed", "error", "known")
SYSTEM_ERRORS = ("no_session", "unknown_scenario", "store_unavailable")

START_SESSION = "start_session"
END_SESSION = "end_session"
# Rasa predicts no action at all for an empty message, so silence is sent as an ellipsis: the
# debtor hears a pause and asks whether anyone is there.
SILENCE = "…"


def start_session_message(scenario_id: str, lang: str, mode: str, trainee_id: str, channel: str = "cli") -> str:
    """Rasa's `/intent{json}` shortcut: the session's facts go straight into slots, no NLU guess."""
    entities = {"scenario_id": scenario_id, "lang": lang, "mode": mode, "trainee_id": trainee_id, "channel": channel}
    return f"/{START_SESSION}" + json.dumps(entities, ensure_ascii=False)


def end_session_message() -> str:
    return f"/{END_SESSION}"


def sanitize_trainee_text(text: str) -> str:
    """A trainee line must never be read as Rasa's `/intent` shortcut, or a trainee could forge a session start."""
    stripped = text.lstrip()
    if stripped.startswith("/"):
        text = stripped.lstrip("/")
    return text if text.strip() else SILENCE


def turn_payload(session_id: str, turn_no: int, intent: Optional[str], confidence: Optional[float],
                 public_state: Mapping[str, Any], findings: Optional[Mapping[str, Any]],
                 outcome: Optional[str], tip: Optional[str], report: Optional[Mapping[str, Any]] = None,
                 replayed: bool = False) -> Dict[str, Any]:
    """The custom JSON a debtor reply carries (`dispatcher.utter_message(json_message=...)`)."""
    payload = {
        "session_id": session_id,
        "turn": turn_no,
        "intent": intent,
        "confidence": None if confidence is None else round(float(confidence), 3),
        "state": dict(public_state),
        "findings": findings,
        "outcome": outcome,
        "tip": tip,
        "report": report,
        "ended": report is not None,
    }
    if replayed:
        payload["replayed"] = True
    return {PAYLOAD_KEY: payload}


def error_payload(session_id: str, error: str, **extra: Any) -> Dict[str, Any]:
    """The custom JSON of a turn the simulator could not play; `error` is one of SYSTEM_ERRORS."""
    if error not in SYSTEM_ERRORS:
        raise ValueError(f"unknown system error {error!r} (known: {', '.join(SYSTEM_ERRORS)})")
    return {PAYLOAD_KEY: {"session_id": session_id, "error": error, **extra}}


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
        """Fold Rasa's messages into one reply; no text and no payload means no action server answered."""
        texts = [m["text"] for m in messages if m.get("text")]
        payload: Dict[str, Any] = {}
        for message in messages:
            custom = message.get("custom")
            if isinstance(custom, Mapping) and isinstance(custom.get(PAYLOAD_KEY), Mapping):
                payload.update(custom[PAYLOAD_KEY])
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
