"""Work the bot does on a timer (PTB's job queue): assignment reminders, replaying held messages and
closing sessions nobody is in any more. What a job has done is kept in the store, never in memory,
so a restarted bot neither repeats a reminder nor forgets a held line."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import services
from bot.conversation import deliver_pending, scenario_title
from bot.i18n import normalise_lang, t
from bot.messaging import optional_call, send_html
from lrs_client import sync_xapi
from progress.store import ABANDONED_AFTER_MINUTES

log = logging.getLogger(__name__)
REMINDER_INTERVAL = dt.timedelta(minutes=30)
REPLAY_INTERVAL = dt.timedelta(seconds=20)
ABANDON_INTERVAL = dt.timedelta(minutes=10)
XAPI_INTERVAL = dt.timedelta(minutes=5)
# Each run queues statements for what finished in this many days (ids are stable, so re-queueing is a no-op).
XAPI_DAYS = 30
# Rulings made from the shell reach a Telegram trainee within this long.
RULING_INTERVAL = dt.timedelta(minutes=1)
# A Telegram session with no turn (and no held line) for this long is over: the trainee closed the
# chat or walked away. The store's own default, so the bot and the `dojo` commands agree.
ABANDON_AFTER_MINUTES = ABANDONED_AFTER_MINUTES


async def remind_due_assignments(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind each trainee once of every open assignment due within the next 24 hours."""
    svc = services(context)
    today = svc.store.today()
    horizon = (today + dt.timedelta(days=1)).isoformat()
    for assignment in svc.store.assignments(status="assigned"):
        if assignment.get("reminded_at") or not today.isoformat() <= assignment["due"] <= horizon:
            continue
        trainee = svc.store.get_user(assignment["trainee_id"])
        if not trainee or not trainee.get("telegram_id"):
            continue
        lang = normalise_lang(trainee.get("lang"))
        if assignment.get("drill"):
            title = t("reminder.drill_title", lang, topic=assignment["drill"])
        else:
            title = scenario_title(svc, assignment["scenario_id"], lang)
        text = t("reminder.due", lang, title=render.esc(title),
                 mode=t(f"mode_short.{assignment['mode']}", lang), due=assignment["due"])
        if await optional_call(send_html(context.bot, trainee["telegram_id"], text), "sendMessage(reminder)"):
            svc.store.mark_reminded(assignment["id"])


async def remind_expiring_certifications(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell each holder once, 14 days ahead, that a level lapses, and which scenarios would renew it
    (an exam on one not yet played at that level)."""
    svc = services(context)
    for row in svc.store.certification_expiry():
        if row["expired"] or row["expiry_reminded_at"]:
            continue
        trainee = svc.store.get_user(row["trainee_id"])
        if not trainee or not trainee.get("telegram_id"):
            continue
        lang = normalise_lang(trainee.get("lang"))
        played = set(svc.store.scenarios_played_at_level(row["trainee_id"], row["level"]))
        fresh = [scenario_title(svc, sid, lang) for sid in sorted(svc.scenarios) if sid not in played][:3]
        text = t("reminder.expiring", lang, level=row["level"], date=row["expires_at"][:10],
                 scenarios=render.esc(", ".join(fresh) or "—"))
        if await optional_call(send_html(context.bot, trainee["telegram_id"], text), "sendMessage(expiry reminder)"):
            svc.store.mark_expiry_reminded(row["id"])


async def send_learning_records(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue the last XAPI_DAYS of xAPI statements and send what the learning record store has not
    acknowledged yet (only with DOJO_LRS_URL). Runs in a thread: the LRS client is synchronous."""
    svc = services(context)
    since = (svc.store.today() - dt.timedelta(days=XAPI_DAYS)).isoformat()
    result = await asyncio.to_thread(sync_xapi, svc.store, svc.settings, since)
    if result.error:
        log.warning("learning record store: %d statement(s) still pending: %s", result.pending, result.error)
    elif result.sent:
        log.info("learning record store: sent %d statement(s)", result.sent)


async def abandon_idle_sessions(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Close sessions left active with no turn for ABANDON_AFTER_MINUTES, so /practice can start anew
    and reports show them as abandoned; their turns stay."""
    count = services(context).store.mark_abandoned(older_than_minutes=ABANDON_AFTER_MINUTES)
    if count:
        log.info("marked %d idle session(s) abandoned", count)


async def replay_pending(context: ContextTypes.DEFAULT_TYPE) -> None:
    """When the simulator is back, deliver the lines trainees sent during the outage (each session
    backing off exponentially, since a failed attempt may still reach Rasa when only actions are down)."""
    svc = services(context)
    session_ids = svc.pending.to_replay()
    if not session_ids or not await svc.rasa.health():
        return
    for session_id in session_ids:
        session = svc.store.session(session_id)
        waiting = svc.pending.peek(session_id)
        if session is None or session.get("status") != "active" or not waiting:
            svc.pending.drop(session_id)
            continue
        trainee = svc.store.get_user(session["trainee_id"]) or {}
        await deliver_pending(context, session, waiting[0].chat_id, normalise_lang(trainee.get("lang")), replay=True)
