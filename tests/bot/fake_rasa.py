"""Rasa's REST channel on 127.0.0.1, played by ScriptedSimulator, so the real RasaClient is exercised.

It answers POST /webhooks/rest/webhook the way Rasa + the action server do (the debtor's text, then
a `custom` message carrying the `dojo` payload), and GET /status; `failing` makes it answer 500.
"""
from __future__ import annotations

import json
from typing import Optional

from aiohttp import web

from foundation.turn_message import DebtorReply
from rasa_client import WEBHOOK_PATH
from fake_simulator import ScriptedSimulator


def as_rasa_messages(sender: str, reply: DebtorReply) -> list:
    payload = {"session_id": reply.session_id, "turn": reply.turn, "intent": reply.intent,
               "confidence": reply.confidence, "state": dict(reply.state), "findings": reply.findings,
               "outcome": reply.outcome, "tip": reply.tip, "report": reply.report, "ended": reply.ended}
    if reply.error:
        payload["error"] = reply.error
    messages = [{"recipient_id": sender, "text": reply.text}] if reply.text else []
    return messages + [{"recipient_id": sender, "custom": {"dojo": payload}}]


class FakeRasaServer:
    """`async with FakeRasaServer(simulator) as rasa:` then `RasaClient(rasa.url)`."""

    def __init__(self, simulator: ScriptedSimulator) -> None:
        self.simulator = simulator
        self.failing = False
        self.url = ""
        self._runner: Optional[web.AppRunner] = None

    async def __aenter__(self) -> "FakeRasaServer":
        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, self._webhook)
        app.router.add_get("/status", self._status)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._runner.cleanup()

    async def _status(self, request: web.Request) -> web.Response:
        if self.failing:
            return web.Response(status=503)
        return web.json_response({"model_file": "models/fake.tar.gz"})

    async def _webhook(self, request: web.Request) -> web.Response:
        if self.failing:
            return web.json_response({"error": "action server unreachable"}, status=500)
        body = await request.json()
        sender, message = body["sender"], body["message"]
        if message.startswith("/start_session"):
            facts = json.loads(message[len("/start_session"):])
            reply = await self.simulator.start_session(sender, facts["scenario_id"], facts["lang"], facts["mode"],
                                                       facts["trainee_id"], channel=facts["channel"])
        elif message == "/end_session":
            reply = await self.simulator.end_session(sender)
        else:
            reply = await self.simulator.send(sender, message)
        return web.json_response(as_rasa_messages(sender, reply))
