"""Disputes in Telegram: a button under each finding, the trainee's reason, the trainer's queue and
ruling, and the trainee told of the ruling with the recomputed report card.

A reason or a note is the next text message after the button: the draft waits in the user's
`user_data` (not in the store: a draft lost to a bot restart costs one tap, a stored half-dispute
would sit in the trainer's queue with no reason).
"""
from __future__ import annotations

import logging
from typing import Any, List, Mapping, Optional

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import Services, services
from bot.i18n import normalise_lang, t
from bot.messaging import optional_call, send_html
from bot.roles import Caller, caller_of, requires
from progress.errors import InvalidInput

log = logging.getLogger(__name__)
DISPUTE_CALLBACK = "dq:"  # dq:<session>:<turn>:<finding, or #index when the id is too long>
CANCEL_CALLBACK = "dx"
RULE_CALLBACK = "dr:"  # dr:<dispute id>:<u|o>
DRAFT_KEY = "dispute_draft"
CALLBACK_LIMIT = 64  # bytes Telegram allows in callback_data
QUEUE_SHOWN = 5
BUTTONS_PER_CARD = 16
VERDICT_CODES = {"u": "uphold", "o": "overturn"}


def _callback(session_id: str, turn_no: int, finding: str, index: int) -> str:
    data = f"{DISPUTE_CALLBACK}{session_id}:{turn_no}:{finding}"
    return data if len(data.encode()) <= CALLBACK_LIMIT else f"{DISPUTE_CALLBACK}{session_id}:{turn_no}:#{index}"


def dispute_keyboard(findings: List[Mapping[str, Any]], session_id: str, lang: str) -> Optional[InlineKeyboardMarkup]:
    """One button per finding (two a row), or None when there is nothing left to dispute."""
    buttons = []
    per_turn: dict = {}
    for finding in findings:
        if finding.get("open_dispute"):
            continue
        index = per_turn.setdefault(finding["turn_no"], [])
        label = render.finding_label(finding, lang)
        if finding["turn_no"]:
            label = f"{label} · {t('dispute.turn', lang, turn=finding['turn_no'])}"
        buttons.append(InlineKeyboardButton(t("dispute.button", lang, finding=label),
                                            callback_data=_callback(session_id, finding["turn_no"], finding["finding"],
                                                                    len(index))))
        index.append(finding)
        if len(buttons) == BUTTONS_PER_CARD:
            break
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def _ordered(findings: List[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """Violations and session checks first (they decide pass or fail), then tone, then NVC parts."""
    rank = {"violation": 0, "session": 1, "polarity": 2, "nvc": 3}
    return sorted(findings, key=lambda f: (rank.get(f.get("kind"), 4), f["turn_no"] or 10**6))


def turn_keyboard(svc: Services, session_id: str, turn_no: int, lang: str) -> Optional[InlineKeyboardMarkup]:
    """The buttons under a coach tip: that turn's findings."""
    findings = [f for f in svc.store.disputable_findings(session_id) if f["turn_no"] == turn_no]
    return dispute_keyboard(_ordered(findings), session_id, lang)


def report_keyboard(svc: Services, session_id: str, lang: str) -> Optional[InlineKeyboardMarkup]:
    """The buttons under a report card: the session's findings, the ones that decide pass or fail first."""
    return dispute_keyboard(_ordered(svc.store.disputable_findings(session_id)), session_id, lang)


def _resolve(svc: Services, data: str) -> Optional[Mapping[str, Any]]:
    session_id, _, rest = data[len(DISPUTE_CALLBACK):].partition(":")
    turn_text, _, finding = rest.partition(":")
    if not turn_text.isdigit():
        return None
    turn_no = int(turn_text)
    candidates = [f for f in svc.store.disputable_findings(session_id) if f["turn_no"] == turn_no] \
        if svc.store.session(session_id) else []
    if finding.startswith("#") and finding[1:].isdigit():
        index = int(finding[1:])
        return {**candidates[index], "session_id": session_id} if index < len(candidates) else None
    chosen = next((f for f in candidates if f["finding"] == finding), None)
    return {**chosen, "session_id": session_id} if chosen else None


@requires("trainee")
async def dispute_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A finding's button: ask for the reason (the next text message)."""
    query = update.callback_query
    caller, svc = caller_of(context), services(context)
    await query.answer()
    finding = _resolve(svc, query.data)
    session = svc.store.session(finding["session_id"]) if finding else None
    if finding is None or finding.get("open_dispute"):
        await send_html(context.bot, caller.chat_id, t("dispute.gone", caller.lang))
        return
    if session["trainee_id"] != caller.user_id:
        await send_html(context.bot, caller.chat_id, t("refused.view", caller.lang))
        return
    context.user_data[DRAFT_KEY] = {"kind": "dispute", "session_id": finding["session_id"],
                                    "turn_no": finding["turn_no"], "finding": finding["finding"]}
    where = t("dispute.turn", caller.lang, turn=finding["turn_no"]) if finding["turn_no"] \
        else t("dispute.session_check", caller.lang)
    await send_html(context.bot, caller.chat_id,
                    t("dispute.ask_reason", caller.lang, finding=render.esc(render.finding_label(finding, caller.lang)),
                      where=where), reply_markup=_cancel_keyboard(caller.lang))


def _cancel_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("dispute.cancel", lang), callback_data=CANCEL_CALLBACK)]])


@requires("trainee")
async def cancel_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = caller_of(context)
    context.user_data.pop(DRAFT_KEY, None)
    await update.callback_query.answer()
    await send_html(context.bot, caller.chat_id, t("dispute.cancelled", caller.lang))


async def take_draft_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """If a reason or a note is awaited, this text message is it: file or rule, and say so.
    Returns False when no draft waits, so the line goes to the debtor as usual."""
    draft = context.user_data.get(DRAFT_KEY) if context.user_data is not None else None
    if not draft:
        return False
    caller, svc = caller_of(context), services(context)
    text = update.message.text or ""
    try:
        if draft["kind"] == "dispute":
            dispute = svc.store.file_dispute(draft["session_id"], draft["turn_no"], draft["finding"], text,
                                             by=caller.user_id)
            context.user_data.pop(DRAFT_KEY, None)
            await send_html(context.bot, caller.chat_id,
                            t("dispute.filed", caller.lang, id=dispute["id"],
                              finding=render.esc(render.finding_label(dispute, caller.lang))))
        else:
            await _rule(context, caller, svc, draft["id"], draft["verdict"], text)
    except InvalidInput as exc:
        if "reason" in str(exc) or "note" in str(exc):  # too long or empty: the draft waits for another try
            await send_html(context.bot, caller.chat_id, t("dispute.try_again", caller.lang, detail=render.esc(exc)),
                            reply_markup=_cancel_keyboard(caller.lang))
            return True
        context.user_data.pop(DRAFT_KEY, None)
        raise
    except Exception:
        context.user_data.pop(DRAFT_KEY, None)
        raise
    return True


# -- the trainer's side ----------------------------------------------------------------------------

@requires("trainer")
async def disputes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The open queue, oldest first: one card per dispute with Uphold and Overturn buttons."""
    caller, svc = caller_of(context), services(context)
    waiting = svc.store.disputes(status="open")
    if not waiting:
        await send_html(context.bot, caller.chat_id, t("dispute.queue.empty", caller.lang))
        return
    await send_html(context.bot, caller.chat_id, t("dispute.queue.header", caller.lang, count=len(waiting)))
    for dispute in waiting[:QUEUE_SHOWN]:
        trainee = svc.store.get_user(dispute["trainee_id"]) or {}
        card = render.dispute_card({**dispute, "trainee_name": trainee.get("name")}, caller.lang)
        keyboard = InlineKeyboardMarkup([[
            InlineKeyboardButton(t("dispute.uphold", caller.lang), callback_data=f"{RULE_CALLBACK}{dispute['id']}:u"),
            InlineKeyboardButton(t("dispute.overturn", caller.lang), callback_data=f"{RULE_CALLBACK}{dispute['id']}:o"),
        ]])
        await send_html(context.bot, caller.chat_id, card, reply_markup=keyboard)
    if len(waiting) > QUEUE_SHOWN:
        await send_html(context.bot, caller.chat_id, t("dispute.queue.more", caller.lang, count=len(waiting) - QUEUE_SHOWN))


@requires("trainer")
async def rule_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Uphold or Overturn tapped: ask for the note (the next text message)."""
    query = update.callback_query
    caller = caller_of(context)
    await query.answer()
    dispute_text, _, code = query.data[len(RULE_CALLBACK):].partition(":")
    if not dispute_text.isdigit() or code not in VERDICT_CODES:
        return
    dispute = services(context).store.dispute(int(dispute_text))
    if dispute["status"] != "open":
        await send_html(context.bot, caller.chat_id,
                        t("dispute.already_ruled", caller.lang, id=dispute_text, by=render.esc(dispute["ruled_by"]),
                          verdict=t(f"dispute.verdict.{dispute['status']}", caller.lang)))
        return
    verdict = VERDICT_CODES[code]
    context.user_data[DRAFT_KEY] = {"kind": "ruling", "id": int(dispute_text), "verdict": verdict}
    await send_html(context.bot, caller.chat_id,
                    t("dispute.ask_note", caller.lang, id=dispute_text,
                      verdict=t("dispute.uphold" if verdict == "uphold" else "dispute.overturn", caller.lang)),
                    reply_markup=_cancel_keyboard(caller.lang))


async def _rule(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services, dispute_id: int, verdict: str,
                note: str) -> None:
    if svc.rescorer is None:
        context.user_data.pop(DRAFT_KEY, None)
        await send_html(context.bot, caller.chat_id, t("dispute.no_rescorer", caller.lang))
        return
    ruled = svc.store.rule_dispute(dispute_id, verdict, caller.user_id, note, svc.rescorer)
    context.user_data.pop(DRAFT_KEY, None)
    await send_html(context.bot, caller.chat_id,
                    t("dispute.ruled_by_you", caller.lang, id=dispute_id,
                      verdict=t(f"dispute.verdict.{ruled['status']}", caller.lang)))
    await notify_ruling(context, svc, svc.store.rulings_to_notify(dispute_id))


async def notify_ruling(context: ContextTypes.DEFAULT_TYPE, svc: Services, rulings: List[Mapping[str, Any]]) -> None:
    """Tell each trainee of a ruling, with the recomputed report card after an overturn; marked as
    told only once Telegram took the message, so a failed send is tried again by the job."""
    for dispute in rulings:
        lang = normalise_lang(dispute.get("user_lang"))
        text = t(f"dispute.ruled.{dispute['status']}", lang, id=dispute["id"],
                 finding=render.esc(render.finding_label(dispute, lang)), note=render.esc(dispute.get("note") or ""))
        session = svc.store.session(dispute["session_id"]) or {}
        if dispute["status"] == "overturned" and session.get("status") == "completed" and session.get("report"):
            text += "\n\n" + render.report_card(session["report"], lang, session.get("outcome"))
        if await optional_call(send_html(context.bot, dispute["telegram_id"], text), "sendMessage(ruling)"):
            svc.store.mark_dispute_notified(dispute["id"])


async def notify_rulings(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: rulings made elsewhere (`dojo disputes rule`) reach the trainee in Telegram too."""
    svc = services(context)
    await notify_ruling(context, svc, svc.store.rulings_to_notify())
