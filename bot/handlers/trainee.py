"""Trainee commands: pick a scenario, talk to the debtor, end with a report card, look back at progress."""
from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import services
from bot.conversation import deliver_pending, end_call, open_call, scenario_title
from bot.handlers import drill as drills_handler
from bot.handlers.disputes import take_draft_text
from bot.handlers.targets import display_name, resolve_user
from bot.i18n import t
from bot.messaging import optional_call, send_html
from bot.pending import telegram_message_key
from bot.roles import caller_of, requires
from bot.views import progress_text, send_transcript
from foundation.vocab import MODES
from progress.access import can_view_trainee
from progress.charts import trainee_scores_png

PRACTICE_CALLBACK = "p:"
HISTORY_CALLBACK = "h:"
HISTORY_LIMIT = 10


@requires("trainee")
async def practice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer assigned scenarios first (with due dates), then every scenario for free practice."""
    caller, svc = caller_of(context), services(context)
    active = svc.store.active_session_for(caller.user_id)
    if active is not None:
        title = render.esc(scenario_title(svc, active["scenario_id"], caller.lang))
        await send_html(context.bot, caller.chat_id, t("practice.active_exists", caller.lang, title=title))
        return
    rows, offered = [], set()
    for assignment in svc.store.assignments(trainee_id=caller.user_id, status="assigned"):
        scenario = svc.scenarios.get(assignment["scenario_id"])
        if scenario is None or scenario.id in offered:
            continue
        offered.add(scenario.id)
        label = t("practice.assigned", caller.lang, title=scenario.title(caller.lang),
                  mode=t(f"mode_short.{assignment['mode']}", caller.lang), due=assignment["due"])
        rows.append([InlineKeyboardButton(label, callback_data=f"{PRACTICE_CALLBACK}s:{scenario.id}")])
    for scenario_id in sorted(svc.scenarios, key=lambda sid: (svc.scenarios[sid].difficulty, sid)):
        if scenario_id not in offered:
            title = t("practice.free", caller.lang, title=svc.scenarios[scenario_id].title(caller.lang))
            rows.append([InlineKeyboardButton(title, callback_data=f"{PRACTICE_CALLBACK}s:{scenario_id}")])
    if not rows:
        await send_html(context.bot, caller.chat_id, t("practice.no_scenarios", caller.lang))
        return
    await send_html(context.bot, caller.chat_id, t("practice.header", caller.lang),
                    reply_markup=InlineKeyboardMarkup(rows))


@requires("trainee")
async def practice_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Walk the keyboard: scenario → language → mode, then start the session."""
    query = update.callback_query
    caller, svc = caller_of(context), services(context)
    await query.answer()
    parts = query.data[len(PRACTICE_CALLBACK):].split(":")
    step, scenario = parts[0], svc.scenarios.get(parts[1]) if len(parts) > 1 else None
    if scenario is None:
        await send_html(context.bot, caller.chat_id, t("practice.unknown_scenario", caller.lang))
        return
    title = render.esc(scenario.title(caller.lang))
    if step == "s":
        buttons = [[InlineKeyboardButton(t(f"lang.{lang}", caller.lang),
                                         callback_data=f"{PRACTICE_CALLBACK}l:{scenario.id}:{lang}")]
                   for lang in scenario.languages]
        await query.edit_message_text(t("practice.choose_lang", caller.lang, title=title),
                                      reply_markup=InlineKeyboardMarkup(buttons))
    elif step == "l" and len(parts) == 3 and parts[2] in scenario.languages:
        lang = parts[2]
        buttons = [[InlineKeyboardButton(t(f"mode.{mode}", caller.lang),
                                         callback_data=f"{PRACTICE_CALLBACK}m:{scenario.id}:{lang}:{mode}")]
                   for mode in MODES]
        await query.edit_message_text(
            t("practice.choose_mode", caller.lang, title=title, language=t(f"lang.{lang}", caller.lang)),
            reply_markup=InlineKeyboardMarkup(buttons))
    elif step == "m" and len(parts) == 4 and parts[2] in scenario.languages and parts[3] in MODES:
        await begin_session(update, context, scenario, parts[2], parts[3])


async def begin_session(update: Update, context: ContextTypes.DEFAULT_TYPE, scenario: Any, lang: str,
                        mode: str) -> None:
    """Show the scenario card, then let the debtor pick up the phone."""
    caller, svc = caller_of(context), services(context)
    async with svc.user_lock(caller.user_id):
        active = svc.store.active_session_for(caller.user_id)
        if active is not None:
            title = render.esc(scenario_title(svc, active["scenario_id"], caller.lang))
            await send_html(context.bot, caller.chat_id, t("practice.active_exists", caller.lang, title=title))
            return
        await open_call(update, context, caller, svc, scenario, lang, mode)


@requires("trainee")
async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The trainee's line goes to the debtor; the answer (and in coach mode a tip) comes back."""
    caller, svc = caller_of(context), services(context)
    async with svc.user_lock(caller.user_id):
        if await take_draft_text(update, context):  # a dispute's reason or a ruling's note, not a line
            return
        session = svc.store.active_session_for(caller.user_id)
        if session is None:
            drill_set_id = svc.store.active_drill_set(caller.user_id)
            if drill_set_id is not None:
                await drills_handler.answer(context, caller, svc, drill_set_id, update.message.text)
                return
            await send_html(context.bot, caller.chat_id, t("session.none", caller.lang))
            return
        svc.pending.add(session["id"], caller.chat_id, update.message.text, telegram_message_key(update.message))
        await deliver_pending(context, session, caller.chat_id, caller.lang)


@requires("trainee")
async def end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """End the session now and show the report card (there is no outcome unless the debtor gave one)."""
    caller, svc = caller_of(context), services(context)
    async with svc.user_lock(caller.user_id):
        drill_set_id = svc.store.active_drill_set(caller.user_id)
        if drill_set_id is not None and svc.store.active_session_for(caller.user_id) is None:
            await drills_handler.end_drill(context, caller, svc, drill_set_id)
            return
        await end_call(context, caller, svc)


@requires("trainee")
async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Scores, certification held, what is left for the next level, and the score chart.

    Trainers and leads may add a user (`/progress @alice`) to see a trainee they are responsible for.
    """
    caller, svc = caller_of(context), services(context)
    trainee_id, name = caller.user_id, caller.name
    if context.args and caller.at_least("trainer"):
        target = resolve_user(svc.store, context.args[0])
        if not can_view_trainee(svc.store.get_user(caller.user_id), target["id"], svc.store.trainers_of(target["id"])):
            await send_html(context.bot, caller.chat_id, t("refused.view", caller.lang))
            return
        trainee_id, name = target["id"], display_name(target)
    await send_html(context.bot, caller.chat_id, progress_text(svc, trainee_id, name, caller.lang))
    if any(s.get("overall") is not None for s in svc.store.sessions_for(trainee_id, limit=1000)):
        await optional_call(
            context.bot.send_photo(caller.chat_id, photo=trainee_scores_png(svc.store, trainee_id, caller.lang),
                                   caption=t("progress.chart_caption", caller.lang)),
            "sendPhoto(progress)")


@requires("trainee")
async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Recent sessions as buttons; tapping one shows its transcript."""
    caller, svc = caller_of(context), services(context)
    sessions = svc.store.sessions_for(caller.user_id, limit=HISTORY_LIMIT)
    if not sessions:
        await send_html(context.bot, caller.chat_id, t("history.none", caller.lang))
        return
    rows = [[InlineKeyboardButton(
        render.history_label(s, scenario_title(svc, s["scenario_id"], caller.lang), caller.lang),
        callback_data=f"{HISTORY_CALLBACK}{s['id']}")] for s in sessions]
    await send_html(context.bot, caller.chat_id, t("history.header", caller.lang),
                    reply_markup=InlineKeyboardMarkup(rows))


@requires("trainee")
async def history_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the transcript of the tapped session, if the caller may see it."""
    query = update.callback_query
    await query.answer()
    await send_transcript(context, caller_of(context), query.data[len(HISTORY_CALLBACK):])


