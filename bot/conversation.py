"""The call itself: opening it, passing the trainee's lines to the debtor, showing replies and the report.

The active session lives in the store (the action server writes it), never in handler memory, so a
bot restart in the middle of a call continues where it stopped. Every trainee line is held in the
store (`Services.pending`) until the debtor's reply arrives, so lines typed while the simulator is
down are replayed, in order, when it is back, even if the bot was restarted meanwhile.
"""
from __future__ import annotations

import logging
import secrets
from typing import Any, Mapping, Optional

from telegram import Update
from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import Services, services
from bot.handlers.disputes import report_keyboard, turn_keyboard
from bot.i18n import t
from bot.messaging import optional_call, send_html, typing
from bot.roles import Caller
from foundation.errors import SimulatorUnavailable

log = logging.getLogger(__name__)
# Simulator answers that mean "this line was not played": keep it pending and try again later.
RETRYABLE_ERRORS = {"store_unavailable"}
# What the store records as the session's channel, so reports tell Telegram sessions from terminal ones.
CHANNEL = "telegram"


def new_session_id(caller: Caller) -> str:
    """Unique per session, and readable in transcripts: which Telegram user, plus randomness."""
    return f"tg{caller.telegram_id}-{secrets.token_hex(4)}"


def debtor_name(svc: Services, scenario_id: str, lang: str) -> str:
    """The name the scenario gives the debtor, or a generic label for a scenario no longer in the catalogue."""
    scenario = svc.scenarios.get(scenario_id)
    if scenario is None:
        return t("session.debtor_name", lang)
    return scenario.card(lang).get("debtor_name") or t("session.debtor_name", lang)


def scenario_title(svc: Services, scenario_id: str, lang: str) -> str:
    """Old sessions may name a scenario that was removed; show its id rather than fail."""
    scenario = svc.scenarios.get(scenario_id)
    return scenario.title(lang) if scenario is not None else scenario_id


async def open_call(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services,
                    scenario: Any, lang: str, mode: str) -> None:
    """Card first, so the trainee knows who picks up before the debtor speaks."""
    starting = t("practice.starting", caller.lang, title=render.esc(scenario.title(caller.lang)),
                 language=t(f"lang.{lang}", caller.lang), mode=t(f"mode_short.{mode}", caller.lang))
    if update.callback_query is not None:
        await optional_call(update.callback_query.edit_message_text(starting), "editMessageText")
    await send_html(context.bot, caller.chat_id, render.scenario_card(scenario.card(lang), lang))
    session_id = new_session_id(caller)
    try:
        async with typing(context.bot, caller.chat_id):
            reply = await svc.rasa.start_session(session_id, scenario.id, lang, mode, caller.user_id,
                                                 channel=CHANNEL)
    except SimulatorUnavailable as exc:
        log.warning("session %s could not start: %s", session_id, exc)
        await send_html(context.bot, caller.chat_id, t("session.unavailable_start", caller.lang))
        return
    if reply.error:
        log.warning("session %s refused by the simulator: %s", session_id, reply.error)
        key = "practice.unknown_scenario" if reply.error == "unknown_scenario" else "session.unavailable_start"
        await send_html(context.bot, caller.chat_id, t(key, caller.lang))
        return
    if reply.text:
        await send_debtor_line(context.bot, svc, caller.chat_id, scenario.id, lang, reply.text)
    await send_html(context.bot, caller.chat_id, t("practice.first_line", caller.lang))


async def send_debtor_line(bot: Any, svc: Services, chat_id: int, scenario_id: str, lang: str, text: str) -> None:
    """The debtor speaks under their name from the scenario card, in the session language."""
    name = debtor_name(svc, scenario_id, lang)
    await send_html(bot, chat_id, t("session.debtor", lang, name=render.esc(name), text=render.esc(text)))


async def deliver_pending(context: ContextTypes.DEFAULT_TYPE, session: Mapping[str, Any], chat_id: int,
                          ui_lang: str, *, replay: bool = False) -> bool:
    """Send the session's waiting lines to the simulator in order; stop at the first outage.

    Returns True when the queue is empty afterwards. One lock per session keeps a replay job and a
    new message from interleaving lines. A `replay` (the retry job) does not repeat the outage notice.
    """
    svc = services(context)
    session_id = session["id"]
    async with svc.pending.lock(session_id):
        announced = False
        while True:
            waiting = svc.pending.peek(session_id)
            if not waiting:
                return True
            message = waiting[0]
            if (replay or len(waiting) > 1) and not announced:
                await send_html(context.bot, chat_id, t("session.back", ui_lang))
                announced = True
            try:
                async with typing(context.bot, chat_id):
                    reply = await svc.rasa.send(session_id, message.text, message.message_key)
            except SimulatorUnavailable as exc:
                log.warning("simulator unavailable for %s (%d waiting): %s", session_id, len(waiting), exc)
                svc.pending.failed(session_id)
                if not replay:
                    await send_html(context.bot, chat_id, t("session.unavailable", ui_lang))
                return False
            if reply.error in RETRYABLE_ERRORS:
                svc.pending.failed(session_id)
                if not replay:
                    await send_html(context.bot, chat_id, t("session.unavailable", ui_lang))
                return False
            svc.pending.answered(message)
            svc.pending.succeeded(session_id)
            if reply.error == "no_session":
                svc.pending.drop(session_id)
                await send_html(context.bot, chat_id, t("session.lost", ui_lang))
                return True
            ended = await show_reply(context, session, chat_id, ui_lang, reply)
            if ended:
                svc.pending.drop(session_id)
                return True


async def show_reply(context: ContextTypes.DEFAULT_TYPE, session: Mapping[str, Any], chat_id: int,
                     ui_lang: str, reply: Any) -> bool:
    """Debtor's words, then the coach's tip (coach mode only), then the report card if the call ended."""
    svc = services(context)
    if reply.text:
        await send_debtor_line(context.bot, svc, chat_id, session["scenario_id"], session["lang"], reply.text)
    if session["mode"] == "coach":
        tip = render.coach_tip(reply.tip, reply.findings, session["lang"])
        if tip:
            keyboard = turn_keyboard(svc, session["id"], reply.turn, session["lang"]) if reply.turn else None
            await send_html(context.bot, chat_id, tip, reply_markup=keyboard)
    if not (reply.ended or reply.outcome):
        return False
    report = reply.report
    if report is None:
        try:
            report = (await svc.rasa.end_session(session["id"])).report
        except SimulatorUnavailable:
            report = None
    await send_report(context, chat_id, ui_lang, report, reply.outcome, session["id"])
    return True


async def send_report(context: ContextTypes.DEFAULT_TYPE, chat_id: int, ui_lang: str,
                      report: Optional[Mapping[str, Any]], outcome: Optional[str], session_id: str) -> None:
    """The report card with a dispute button per finding, or a note that it is not available (it
    stays reachable through /history)."""
    if not report:
        await send_html(context.bot, chat_id, t("report.unavailable", ui_lang))
        return
    await send_html(context.bot, chat_id, render.report_card(report, ui_lang, outcome or report.get("outcome")),
                    reply_markup=report_keyboard(services(context), session_id, ui_lang))


async def end_call(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services) -> None:
    """Ask the simulator for the report card; held lines are dropped, as the trainee chose to stop."""
    session = svc.store.active_session_for(caller.user_id)
    if session is None:
        await send_html(context.bot, caller.chat_id, t("session.none", caller.lang))
        return
    async with svc.pending.lock(session["id"]):
        try:
            async with typing(context.bot, caller.chat_id):
                reply = await svc.rasa.end_session(session["id"])
        except SimulatorUnavailable as exc:
            log.warning("could not end %s: %s", session["id"], exc)
            await send_html(context.bot, caller.chat_id, t("session.unavailable_end", caller.lang))
            return
        svc.pending.drop(session["id"])
    if reply.error == "no_session":
        await send_html(context.bot, caller.chat_id, t("session.lost", caller.lang))
        return
    await send_html(context.bot, caller.chat_id, t("session.ended_by_trainee", caller.lang))
    await send_report(context, caller.chat_id, caller.lang, reply.report, reply.outcome, session["id"])
