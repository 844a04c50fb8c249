"""Team-lead commands: team overview and funnel chart, certify, revoke, export CSV, promote.

The store enforces the same rules again (only a lead certifies, revokes or promotes), so a bug in
role routing here could not grant what the store refuses.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import services
from bot.errors import UsageError
from bot.handlers.common import set_menu_for
from bot.handlers.targets import display_name, resolve_user
from bot.i18n import normalise_lang, t
from bot.messaging import optional_call, send_html
from bot.roles import Caller, caller_of, requires
from progress.charts import team_funnel_png, team_heatmap_png, time_to_certify_png
from progress.reports import as_csv, team_report

log = logging.getLogger(__name__)
PROMOTABLE = ("trainee", "trainer", "lead")
# Columns of the team report shown in Telegram (the CSV export carries every column).
TEAM_COLUMNS = ("name", "completed", "exams_passed", "avg_overall", "violations", "critical", "level")
TEAM_HEADERS = {
    "zh": ("姓名", "完成", "考试通过", "平均分", "违规", "严重", "认证"),
    "en": ("name", "done", "exams ok", "avg", "viol.", "crit.", "level"),
}

FUNNEL_HEADERS = {"zh": ("阶段", "人数"), "en": ("stage", "trainees")}


@requires("lead")
async def team(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Overview table of every trainee, then the certification funnel chart."""
    caller, svc = caller_of(context), services(context)
    report = team_report(svc.store)
    rows = [[row.get(c) for c in TEAM_COLUMNS] for row in report["trainees"]]
    text = t("team.header", caller.lang) + "\n" + render.table(TEAM_HEADERS[caller.lang], rows)
    funnel = [[row["stage_zh"] if caller.lang == "zh" else row["stage"], row["trainees"]] for row in report["funnel"]]
    if funnel:
        text += "\n" + render.table(FUNNEL_HEADERS[caller.lang], funnel)
    await send_html(context.bot, caller.chat_id, text)
    await optional_call(context.bot.send_photo(caller.chat_id, photo=team_funnel_png(svc.store, caller.lang),
                                               caption=t("team.chart_caption", caller.lang)), "sendPhoto(team)")
    await optional_call(context.bot.send_photo(caller.chat_id, photo=team_heatmap_png(svc.store, caller.lang),
                                               caption=t("team.heatmap_caption", caller.lang)), "sendPhoto(heatmap)")
    await optional_call(context.bot.send_photo(caller.chat_id, photo=time_to_certify_png(svc.store, caller.lang),
                                               caption=t("team.certify_caption", caller.lang)), "sendPhoto(cohorts)")


@requires("lead")
async def certify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/certify @user LEVEL [reason]`: confirm a policy grant or grant the level outright."""
    caller, svc = caller_of(context), services(context)
    args = context.args or []
    if len(args) < 2 or not args[1].isdigit():
        raise UsageError("usage.certify")
    trainee = resolve_user(svc.store, args[0])
    level = int(args[1])
    reason = " ".join(args[2:]) or "confirmed in Telegram / 在 Telegram 中确认"
    svc.store.certify(trainee["id"], level, by=caller.user_id, reason=reason)
    await send_html(context.bot, caller.chat_id,
                    t("certify.done", caller.lang, user=render.esc(display_name(trainee)), level=level))
    await _notify(context, trainee, "certify.notify", level=level, by=render.esc(caller.name))


@requires("lead")
async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/revoke @user REASON`: withdraw the level held, with the reason kept in the history."""
    caller, svc = caller_of(context), services(context)
    args = context.args or []
    if len(args) < 2:
        raise UsageError("usage.revoke")
    trainee = resolve_user(svc.store, args[0])
    reason = " ".join(args[1:])
    svc.store.revoke(trainee["id"], by=caller.user_id, reason=reason)
    await send_html(context.bot, caller.chat_id, t("revoke.done", caller.lang, user=render.esc(display_name(trainee)),
                                                   reason=render.esc(reason)))
    await _notify(context, trainee, "revoke.notify", reason=render.esc(reason))


@requires("lead")
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The team report as a CSV document."""
    caller, svc = caller_of(context), services(context)
    # UTF-8 with a BOM, so spreadsheet programs open the Chinese names correctly.
    data = as_csv(team_report(svc.store), "trainees").encode("utf-8-sig")
    filename = f"collectordojo-team-{svc.store.today().isoformat()}.csv"
    await context.bot.send_document(caller.chat_id, document=InputFile(data, filename=filename),
                                    caption=t("export.caption", caller.lang))


@requires("lead")
async def promote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/promote @user trainer|lead` (or `trainee` to step someone back down)."""
    caller, svc = caller_of(context), services(context)
    args = context.args or []
    if len(args) != 2 or args[1].lower() not in PROMOTABLE:
        raise UsageError("usage.promote")
    target = resolve_user(svc.store, args[0])
    role = args[1].lower()
    svc.store.set_role(target["id"], role, by=caller.user_id)
    await send_html(context.bot, caller.chat_id, t("promote.done", caller.lang, user=render.esc(display_name(target)),
                                                   role=t(f"role.{role}", caller.lang)))
    if target.get("telegram_id"):
        lang = normalise_lang(target.get("lang"))
        await _notify(context, target, "promote.notify", role=t(f"role.{role}", lang))
        promoted = Caller(user_id=target["id"], telegram_id=target["telegram_id"], chat_id=target["telegram_id"],
                          role=role, lang=lang, name=target.get("name") or target["id"])
        await set_menu_for(context, promoted)


async def _notify(context: ContextTypes.DEFAULT_TYPE, user: Mapping[str, Any], key: str, **params: Any) -> None:
    if not user.get("telegram_id"):
        return
    lang = normalise_lang(user.get("lang"))
    await optional_call(send_html(context.bot, user["telegram_id"], t(key, lang, **params)), f"sendMessage({key})")
