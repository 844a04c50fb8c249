"""Disputes in Telegram, on the fake Bot API and real SQLite with real grading: a button under the
coach's tip, the reason, the trainer's queue and ruling, and the recomputed report card."""
from __future__ import annotations

import asyncio
import re

from bot_world import ALICE, TRAINER, XIAOMING, buttons, callback_data, run, start_practice
from fake_simulator import ScriptedSimulator
from shared_helpers import KIND, OPENING, RULE, SCENARIO, VISIT  # the store's dispute tests' own lines

from actions.turn_logic import session_report
from dojo.rulings import Rescorer
from foundation.turn_message import DebtorReply
from scoring import score_reply

REASON = "我说的是上门核实信息，不是威胁"


class GradingSimulator(ScriptedSimulator):
    """The scripted debtor, but each line graded by the real scorer and the call closed with the
    action server's own report card, so the findings are the ones a trainee would really see."""

    def __init__(self, store, scenarios) -> None:
        super().__init__(store)
        self.scenarios = scenarios

    async def send(self, session_id, text, message_key=None) -> DebtorReply:
        self.received.append((session_id, text))
        session = self.sessions[session_id]
        session.turn += 1
        findings = score_reply(text, session.lang).to_dict()
        reply = f"debtor line {session.turn}"
        self.store.record_turn(session_id, session.turn, text, "acknowledge_feelings", 0.9, reply,
                               {"anger": 0.5, "trust": 0.5, "willingness": 0.5, "stage": "negotiation"},
                               findings, None, message_key)
        tip = "别说上门。" if findings["violations"] else None
        return DebtorReply(session_id=session_id, text=reply, turn=session.turn, findings=findings, tip=tip)

    def _finish(self, session_id, outcome) -> dict:
        session = self.sessions.pop(session_id)
        stored = self.store.session(session_id)
        report = session_report(self.store.session_turns(session_id), self.scenarios[stored["scenario_id"]],
                                session.lang, outcome, None)
        self.store.finish_session(session_id, outcome, report)
        return report


async def notified(store, dispute_id: int, timeout: float = 5.0) -> bool:
    """The store marks a ruling told just after Telegram took the message."""
    for _ in range(int(timeout / 0.05)):
        if store.dispute(dispute_id)["notified_at"]:
            return True
        await asyncio.sleep(0.05)
    return False


async def play_call(api, store):
    mark = await start_practice(api, ALICE, SCENARIO, "zh", "coach")
    for line in (OPENING, KIND):
        mark = len(api.calls)
        await api.say(ALICE, line)
        await api.wait_text(ALICE.id, "debtor line", since=mark)
    mark = len(api.calls)
    await api.say(ALICE, VISIT)
    tip = await api.wait_for(lambda c: c.chat_id == ALICE.id and "💡" in c.text and bool(buttons(c)), since=mark)
    return store.active_session_for(f"tg:{ALICE.id}")["id"], tip[0]


def test_a_dispute_from_the_tip_through_the_ruling_to_the_recomputed_report_card(store, scenarios):
    async def body(world):
        api = world.api
        for user in (TRAINER, XIAOMING):
            await api.say(user, "/start")
        session_id, tip = await play_call(api, store)
        button = f"dq:{session_id}:3:{RULE}"
        assert button in callback_data(tip) and f"dq:{session_id}:3:deescalation" in callback_data(tip)
        mark = len(api.calls)
        await api.say(ALICE, "/end")
        card = (await api.wait_for(lambda c: c.chat_id == ALICE.id and "Report card" in c.text, since=mark))[0]
        before = int(re.search(r"Overall: <b>(\d+)</b>", card.text).group(1))
        assert button in callback_data(card) and f"dq:{session_id}:0:commitment" in callback_data(card)

        mark = len(api.calls)
        await api.tap(XIAOMING, button)  # not his session
        await api.wait_text(XIAOMING.id, "无权", since=mark)
        await api.tap(ALICE, button)
        await api.wait_text(ALICE.id, "Send your reason", since=mark)
        await api.say(ALICE, REASON)
        await api.wait_text(ALICE.id, "Dispute #1 filed", since=mark)
        assert (session_id, REASON) not in world.simulator.received  # the reason never reached the debtor
        mark = len(api.calls)
        await api.tap(ALICE, button)  # a second dispute on the same finding
        await api.wait_text(ALICE.id, "can no longer be disputed", since=mark)
        assert len(store.disputes()) == 1

        mark = len(api.calls)
        await api.say(ALICE, "/disputes")
        await api.wait_text(ALICE.id, "trainer", since=mark)  # a trainee has no queue
        await api.tap(ALICE, "dr:1:o")
        await api.say(TRAINER, "/disputes")
        queued = await api.wait_for(lambda c: c.chat_id == TRAINER.id and "Dispute #1" in c.text, since=mark)
        assert "<b>【会上门】</b>" in queued[0].params["text"] and REASON in queued[0].text
        assert "debtor line 2" in queued[0].text and "a rule's pattern" in queued[0].text
        assert callback_data(queued[0]) == ["dr:1:u", "dr:1:o"]
        assert store.dispute(1)["status"] == "open"
        mark = len(api.calls)
        await api.tap(TRAINER, "dr:1:o")
        await api.wait_text(TRAINER.id, "Send a note", since=mark)
        await api.say(TRAINER, "上门核实不是威胁，改判")
        await api.wait_text(TRAINER.id, "Dispute #1: overturned", since=mark)
        told = await api.wait_text(ALICE.id, "was overturned", since=mark)
        after = int(re.search(r"Overall: <b>(\d+)</b>", told.text).group(1))
        assert after > before and "上门核实不是威胁" in told.text
        assert store.session(session_id)["overall"] == after and await notified(store, 1)

        mark = len(api.calls)
        await api.tap(TRAINER, "dr:1:u")  # a ruling on a ruled dispute: a clear error, nothing changed
        await api.wait_text(TRAINER.id, "already ruled (overturned by tg:9002)", since=mark)
        assert store.dispute(1)["status"] == "overturned"
        mark = len(api.calls)
        await api.say(ALICE, "/progress")
        await api.wait_text(ALICE.id, "was overturned", since=mark)

    run(body, store, scenarios, simulator=GradingSimulator(store, scenarios))


def test_a_ruling_from_the_shell_reaches_the_trainee(store, scenarios):
    async def body(world):
        api = world.api
        session_id, _ = await play_call(api, store)
        mark = len(api.calls)
        await api.say(ALICE, "/end")
        await api.wait_text(ALICE.id, "Report card", since=mark)
        store.ensure_user("coach", "Coach", role="trainer")
        dispute = store.file_dispute(session_id, 3, RULE, REASON, by=f"tg:{ALICE.id}")
        store.rule_dispute(dispute["id"], "uphold", "coach", "上门一词本身就不合规", Rescorer())
        told = await api.wait_text(ALICE.id, "was upheld", since=mark)
        assert "上门一词本身就不合规" in told.text and await notified(store, dispute["id"])

    run(body, store, scenarios, simulator=GradingSimulator(store, scenarios))
