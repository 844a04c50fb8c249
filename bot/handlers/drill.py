"""`/drill`: five one-turn exercises on the trainee's weak spots, graded the moment a rewrite arrives.

While a drill set is open, the trainee's text goes to it rather than to the simulator (a drill set
cannot start during a session). The set lives in the store, so a restarted bot resumes it. At the
end, a button offers a full scenario that exercises the same weak spot (the /practice flow).
"""
from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import Services, services
from bot.i18n import t
from bot.messaging import send_html
from bot.roles import Caller, caller_of, requires
from drills import DrillRun, NoDrills, load_bank, resume_drill_set, start_drill_set, topic_label

# The /practice keyboard's own prefix: the offered scenario continues in the practice flow.
PRACTICE_SCENARIO_CALLBACK = "p:s:"


def drill_bank(svc: Services) -> Any:
    if svc.drill_bank is None:
        svc.drill_bank = load_bank()
    return svc.drill_bank


def _open_assignment(svc: Services, trainee_id: str):
    for assignment in svc.store.assignments(trainee_id=trainee_id, status="assigned"):
        if assignment.get("drill"):
            return assignment
    return None


async def _send_item(context: ContextTypes.DEFAULT_TYPE, caller: Caller, run: DrillRun) -> None:
    position = run.next_position()
    item = run.item_at(position).in_lang(run.lang)
    await send_html(context.bot, caller.chat_id, t(
        "drill.item", caller.lang, number=position, count=len(run.items),
        topic=render.esc(topic_label(run.item_at(position).topic, caller.lang)),
        debtor=render.esc(item.debtor), collector=render.esc(item.collector)))


@requires("trainee")
async def drill(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start (or resume) a drill set: an assigned one first, else the caller's own weak spots, or `/drill TOPIC`."""
    caller, svc = caller_of(context), services(context)
    async with svc.user_lock(caller.user_id):
        if svc.store.active_session_for(caller.user_id) is not None:
            await send_html(context.bot, caller.chat_id, t("drill.session_active", caller.lang))
            return
        bank = drill_bank(svc)
        active = svc.store.active_drill_set(caller.user_id)
        if active is not None:
            run = resume_drill_set(svc.store, bank, active)
        else:
            assignment = _open_assignment(svc, caller.user_id)
            topic = context.args[0] if context.args else (assignment["drill"] if assignment else None)
            try:
                run = start_drill_set(svc.store, bank, caller.user_id, caller.lang, "telegram", focus=topic,
                                      assignment_id=assignment["id"] if assignment and not context.args else None)
            except NoDrills:
                await send_html(context.bot, caller.chat_id, t(
                    "drill.unknown_topic", caller.lang, topic=render.esc(topic or ""),
                    topics=", ".join(sorted(bank.topics) + ["commitment"])))
                return
        focus = ("、" if caller.lang == "zh" else ", ").join(topic_label(topic, caller.lang) for topic in run.focus)
        await send_html(context.bot, caller.chat_id,
                        t("drill.intro", caller.lang, count=len(run.items), focus=render.esc(focus)))
        await _send_item(context, caller, run)


async def answer(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services, drill_set_id: str, text: str) -> None:
    """Grade one rewrite (recorded before the grade is shown), then the next item or the end of the set."""
    run = resume_drill_set(svc.store, drill_bank(svc), drill_set_id)
    position = run.next_position()
    if position is None:
        await finish(context, caller, svc, run)
        return
    grade = run.answer(position, text)
    verdict = "drill.passed" if grade.passed else "drill.failed"
    await send_html(context.bot, caller.chat_id, "\n".join((
        t(verdict, caller.lang, summary=render.esc(grade.summary)),
        t("drill.better", caller.lang, better=render.esc(grade.better)))))
    if run.next_position() is None:
        await finish(context, caller, svc, run)
    else:
        await _send_item(context, caller, run)


async def finish(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services, run: DrillRun,
                 ended_early: bool = False) -> None:
    """Close the set; offer a full scenario on the same weak spot as a /practice button."""
    scenarios = [{"id": s.id, "persona": s.persona, "languages": s.languages, "difficulty": s.difficulty}
                 for s in svc.scenarios.values()]
    result = run.finish(scenarios)
    key = "drill.ended" if ended_early else "drill.done"
    await send_html(context.bot, caller.chat_id, t(key, caller.lang, passed=result["passed"], count=result["items"]))
    suggested = svc.scenarios.get(result["suggested_scenario"]) if result["suggested_scenario"] else None
    if suggested is not None and not ended_early:
        button = InlineKeyboardButton(t("drill.suggest_button", caller.lang, title=suggested.title(caller.lang)),
                                      callback_data=f"{PRACTICE_SCENARIO_CALLBACK}{suggested.id}")
        await send_html(context.bot, caller.chat_id, t("drill.suggest", caller.lang),
                        reply_markup=InlineKeyboardMarkup([[button]]))


async def end_drill(context: ContextTypes.DEFAULT_TYPE, caller: Caller, svc: Services, drill_set_id: str) -> None:
    await finish(context, caller, svc, resume_drill_set(svc.store, drill_bank(svc), drill_set_id), ended_early=True)
