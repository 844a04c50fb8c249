"""A stand-in for the Rasa + action-server pair with RasaClient's interface, for tests without a model.

It does what the action server does to the store (start_session, record_turn, finish_session), so
the bot finds its active session in the store exactly as in production; its debtor follows a tiny
script: rude words are violations, a plan offer ends the call with `payment_plan`.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Dict, List, Optional

from foundation.errors import SimulatorUnavailable
from foundation.turn_message import DebtorReply

RUDE = ("idiot", "stupid", "笨蛋", "废物")
PLAN = ("plan", "instalment", "installment", "分期")
LINES = {
    "zh": {"open": "喂？哪位？", "reply": "嗯……你说吧，我在听。", "rude": "你怎么骂人呢？我要投诉你！",
           "plan": "分期的话……每个月五百我可以做到，就这么定吧。"},
    "en": {"open": "Hello? Who's this?", "reply": "Uh-huh. Go on, I'm listening.",
           "rude": "Don't you talk to me like that! I'm filing a complaint!",
           "plan": "A plan... okay, $200 a month I can do. Let's set that up."},
}
TIPS = {"zh": "换个说法：先说明身份与来意，再询问对方的困难。", "en": "Try instead: say who you are and why you call, then ask about their situation."}


@dataclass
class _Session:
    lang: str
    mode: str
    trainee_id: str
    turn: int = 0
    violations: int = 0


class ScriptedSimulator:
    """RasaClient's surface (start_session, send, end_session, health, aclose) over the real store."""

    def __init__(self, store) -> None:
        self.store = store
        self.available = True
        self.sessions: Dict[str, _Session] = {}
        self.received: List[tuple] = []
        self.keys: List[Optional[str]] = []
        self.delay = 0.0  # seconds the debtor "thinks" before each reply

    def _check(self) -> None:
        if not self.available:
            raise SimulatorUnavailable("the Rasa server at http://127.0.0.1:1 is unreachable (ConnectError)")

    async def start_session(self, session_id, scenario_id, lang, mode, trainee_id, channel="cli") -> DebtorReply:
        self._check()
        self.store.start_session(session_id, trainee_id, scenario_id, lang, mode, channel)
        self.sessions[session_id] = _Session(lang, mode, trainee_id)
        return DebtorReply(session_id=session_id, text=LINES[lang]["open"], turn=0)

    async def send(self, session_id, text, message_key=None) -> DebtorReply:
        self._check()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append((session_id, text))
        self.keys.append(message_key)
        session = self.sessions.get(session_id)
        if session is None:
            return DebtorReply(session_id=session_id, text="", error="no_session")
        played = self.store.turn_for_message(session_id, message_key)
        if played is not None:  # as the action server does: a line sent twice is played once
            return DebtorReply(session_id=session_id, text=played["debtor_reply"], turn=played["turn_no"])
        session.turn += 1
        lines = LINES[session.lang]
        violations, tip, outcome = [], None, None
        if any(word in text.lower() for word in RUDE):
            violations = [{"category": "abusive_language", "rule": "cn.cbirc.abuse", "severity": "critical",
                           "evidence": text, "citation": "《商业银行信用卡业务监督管理办法》第六十九条",
                           "advice": TIPS[session.lang]}]
            session.violations += 1
            tip, reply = TIPS[session.lang], lines["rude"]
        elif any(word in text.lower() for word in PLAN):
            outcome, reply = "payment_plan", lines["plan"]
        else:
            reply = lines["reply"]
        findings = {"violations": violations, "nvc": {}, "deescalation": {}, "overall": 30 if violations else 80,
                    "summary": ""}
        self.store.record_turn(session_id, session.turn, text, "offer_plan" if outcome else "greet", 0.9, reply,
                               {"anger": 0.3, "trust": 0.5, "willingness": 0.5, "stage": "negotiation"},
                               findings, outcome, message_key)
        report = self._finish(session_id, outcome) if outcome else None
        return DebtorReply(session_id=session_id, text=reply, turn=session.turn, intent="greet", confidence=0.9,
                           state={"anger": 0.3}, findings=findings, outcome=outcome, tip=tip, report=report,
                           ended=outcome is not None)

    def _finish(self, session_id: str, outcome) -> dict:
        session = self.sessions.pop(session_id)
        passed = session.violations == 0 and outcome is not None
        overall = 85.0 if passed else 40.0
        report = {"scores": {"overall": overall, "compliance": 100.0 if not session.violations else 20.0,
                             "nvc": 70.0, "deescalation": 75.0},
                  "violations": [{"category": "abusive_language", "severity": "critical", "turn": 1,
                                  "citation": "《商业银行信用卡业务监督管理办法》第六十九条", "evidence": "…"}]
                  * min(session.violations, 1),
                  "best_turn": {"turn": 1, "text": "…", "overall": overall}, "worst_turn": 1,
                  "passed": passed, "fail_reasons": [] if passed else ["abusive language"],
                  "summary": "scripted"}
        change = self.store.finish_session(session_id, outcome, report)
        return {**report, **(change or {})}

    async def end_session(self, session_id) -> DebtorReply:
        self._check()
        if session_id not in self.sessions:
            return DebtorReply(session_id=session_id, text="", error="no_session")
        return DebtorReply(session_id=session_id, text="", report=self._finish(session_id, None), ended=True)

    async def health(self) -> bool:
        return self.available

    async def aclose(self) -> None:
        return None
