"""Trainer commands: assign scenarios (buttons or one line), list assignments, read transcripts, list trainees.

Leads may use all of them too; `requires("trainer")` admits any role at or above trainer.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import Services, services
from bot.conversation import scenario_title
from bot.errors import UsageError
from bot.handlers.targets import display_name, parse_due, resolve_user
from bot.i18n import t
from bot.messaging import optional_call, send_html
from bot.roles import Caller, caller_of, requires
from bot.views import send_transcript
from foundation.vocab import MODES

log = logging.getLogger(__name__)

ASSIGN_CALLBACK = "a:"
ASSIGN_STATE = "assign_draft"
DUE_CHOICES = (1, 3, 7, 14)
TRAINEES_PER_PAGE = 20


@requires("trainer")
async def assign(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/assign @user scenario-id YYYY-MM-DD [coach|exam]`, or with no arguments a button dialogue."""
    caller, svc = caller_of(context), services(context)
    args = context.args or []
    if not args:
        await _start_assign_dialogue(context, caller, svc)
        return
    if len(args) not in (3, 4):
        raise UsageError("usage.assign")
    trainee = resolve_user(svc.store, args[0])
    scenario_id = args[1]
    if scenario_id not in svc.scenarios:
        raise UsageError("error.unknown_scenario", scenario=scenario_id)
    due = parse_due(args[2], svc.store.today())
    mode = args[3].lower() if len(args) == 4 else "coach"
    if mode not in MODES:
        raise UsageError("usage.bad_mode", value=mode)
    await _create_assignments(context, caller, svc, [trainee], scenario_id, mode, due)


async def _start_assign_dialogue(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services) -> None:
    trainees = svc.store.users(role="trainee")
    if not trainees:
        await send_html(context.bot, caller.chat_id, t("assign.no_trainees", caller.lang))
        return
    context.user_data[ASSIGN_STATE] = {"trainees": [], "page": 0}
    await send_html(context.bot, caller.chat_id, t("assign.pick_trainees", caller.lang),
                    reply_markup=_trainee_keyboard(trainees, [], 0, caller.lang))


def _trainee_keyboard(trainees: List[dict], picked: List[str], page: int, lang: str) -> InlineKeyboardMarkup:
    """One page of trainees with check marks; Telegram refuses keyboards of more than 100 buttons."""
    # Callback data is capped at 64 bytes; longer ids can still be assigned with the one-line form.
    pickable = [u for u in trainees if len(f"{ASSIGN_CALLBACK}t:{u['id']}".encode()) <= 64]
    pages = max(1, -(-len(pickable) // TRAINEES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = []
    for trainee in pickable[page * TRAINEES_PER_PAGE:(page + 1) * TRAINEES_PER_PAGE]:
        mark = "☑️ " if trainee["id"] in picked else "⬜ "
        rows.append([InlineKeyboardButton(mark + display_name(trainee),
                                          callback_data=f"{ASSIGN_CALLBACK}t:{trainee['id']}")])
    if pages > 1:
        rows.append([InlineKeyboardButton("⬅️", callback_data=f"{ASSIGN_CALLBACK}p:{(page - 1) % pages}"),
                     InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=f"{ASSIGN_CALLBACK}p:{page}"),
                     InlineKeyboardButton("➡️", callback_data=f"{ASSIGN_CALLBACK}p:{(page + 1) % pages}")])
    rows.append([InlineKeyboardButton(t("assign.next", lang), callback_data=f"{ASSIGN_CALLBACK}n")])
    return InlineKeyboardMarkup(rows)


@requires("trainer")
async def assign_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One step of the /assign dialogue: toggle trainees → scenario → mode → due date."""
    query = update.callback_query
    caller, svc = caller_of(context), services(context)
    draft: Dict[str, Any] = context.user_data.get(ASSIGN_STATE)
    step, _, value = query.data[len(ASSIGN_CALLBACK):].partition(":")
    if draft is None:
        await query.answer(t("assign.expired", caller.lang), show_alert=True)
        return
    if step in ("t", "p"):
        picked = draft["trainees"]
        if step == "t":
            picked.remove(value) if value in picked else picked.append(value)
        elif value.isdigit():
            draft["page"] = int(value)
        await query.answer()
        await optional_call(query.edit_message_reply_markup(
            _trainee_keyboard(svc.store.users(role="trainee"), picked, draft["page"], caller.lang)),
            "editMessageReplyMarkup")
    elif step == "n":
        if not draft["trainees"]:
            await query.answer(t("assign.none_picked", caller.lang), show_alert=True)
            return
        await query.answer()
        rows = [[InlineKeyboardButton(svc.scenarios[sid].title(caller.lang), callback_data=f"{ASSIGN_CALLBACK}s:{sid}")]
                for sid in sorted(svc.scenarios)]
        await query.edit_message_text(t("assign.pick_scenario", caller.lang, count=len(draft["trainees"])),
                                      reply_markup=InlineKeyboardMarkup(rows))
    elif step == "s" and value in svc.scenarios:
        draft["scenario"] = value
        await query.answer()
        rows = [[InlineKeyboardButton(t(f"mode.{mode}", caller.lang), callback_data=f"{ASSIGN_CALLBACK}m:{mode}")]
                for mode in MODES]
        await query.edit_message_text(
            t("assign.pick_mode", caller.lang, title=render.esc(svc.scenarios[value].title(caller.lang))),
            reply_markup=InlineKeyboardMarkup(rows))
    elif step == "m" and value in MODES and "scenario" in draft:
        draft["mode"] = value
        await query.answer()
        rows = [[InlineKeyboardButton(t("assign.due_in", caller.lang, days=days),
                                      callback_data=f"{ASSIGN_CALLBACK}d:{days}")] for days in DUE_CHOICES]
        await query.edit_message_text(t("assign.pick_due", caller.lang), reply_markup=InlineKeyboardMarkup(rows))
    elif step == "d" and value.isdigit() and "mode" in draft:
        await query.answer()
        context.user_data.pop(ASSIGN_STATE, None)
        trainees = [svc.store.get_user(uid) for uid in draft["trainees"]]
        due = svc.store.today() + dt.timedelta(days=int(value))
        await optional_call(query.edit_message_reply_markup(None), "editMessageReplyMarkup")
        await _create_assignments(context, caller, svc, [u for u in trainees if u], draft["scenario"],
                                  draft["mode"], due)
    else:
        await query.answer(t("assign.expired", caller.lang), show_alert=True)


async def _create_assignments(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services,
                              trainees: List[dict], scenario_id: str, mode: str, due: dt.date) -> None:
    for trainee in trainees:
        svc.store.assign(caller.user_id, trainee["id"], scenario_id, mode, due)
    names = ", ".join(display_name(u) for u in trainees)
    await send_html(context.bot, caller.chat_id, t(
        "assign.done", caller.lang, title=render.esc(scenario_title(svc, scenario_id, caller.lang)),
        mode=t(f"mode_short.{mode}", caller.lang), due=due.isoformat(), trainees=render.esc(names)))
    for trainee in trainees:
        if trainee.get("telegram_id"):
            lang = trainee.get("lang") or "en"
            await optional_call(send_html(context.bot, trainee["telegram_id"], t(
                "assign.notify", lang, title=render.esc(scenario_title(svc, scenario_id, lang)),
                mode=t(f"mode_short.{mode}", lang), due=due.isoformat())), "sendMessage(assign.notify)")


@requires("trainer")
async def assignments(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A trainer sees the assignments they gave; a lead sees everyone's."""
    caller, svc = caller_of(context), services(context)
    rows = svc.store.assignments(trainer_id=None if caller.role == "lead" else caller.user_id)
    if not rows:
        await send_html(context.bot, caller.chat_id, t("assignments.none", caller.lang))
        return
    names = {u["id"]: display_name(u) for u in svc.store.users()}
    header = [t(f"assignments.col_{c}", caller.lang) for c in ("trainee", "scenario", "mode", "due", "status")]
    body = [[names.get(a["trainee_id"], a["trainee_id"]), a["scenario_id"], t(f"mode_short.{a['mode']}", caller.lang),
             a["due"], a.get("state") or a["status"]] for a in rows]
    await send_html(context.bot, caller.chat_id,
                    t("assignments.header", caller.lang) + "\n" + render.table(header, body, max_width=22))


@requires("trainer")
async def transcript(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/transcript SESSION_ID`: the session's turns and findings, if the caller may see it."""
    caller = caller_of(context)
    if len(context.args or []) != 1:
        raise UsageError("usage.transcript")
    await send_transcript(context, caller, context.args[0])


@requires("trainer")
async def trainees(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every trainee with sessions completed, average score and certification level."""
    caller, svc = caller_of(context), services(context)
    people = svc.store.users(role="trainee")
    if not people:
        await send_html(context.bot, caller.chat_id, t("trainees.none", caller.lang))
        return
    header = [t(f"trainees.col_{c}", caller.lang) for c in ("name", "sessions", "avg", "level")]
    body = []
    for person in people:
        done = [s for s in svc.store.sessions_for(person["id"], limit=1000) if s.get("status") == "completed"]
        scores = [s["overall"] for s in done if s.get("overall") is not None]
        body.append([display_name(person), len(done), sum(scores) / len(scores) if scores else "-",
                     svc.store.current_level(person["id"])])
    await send_html(context.bot, caller.chat_id, t("trainees.header", caller.lang) + "\n" + render.table(header, body))
