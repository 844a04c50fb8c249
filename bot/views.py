"""Read-only views several roles share: a trainee's progress text and a session's transcript."""
from __future__ import annotations

from typing import Optional

from telegram.ext import ContextTypes

from bot import render
from bot.bot_data import Services, services
from bot.conversation import debtor_name, scenario_title
from bot.handlers.disputes import report_keyboard
from bot.i18n import t
from bot.messaging import send_html
from bot.roles import Caller, may_view_session
from foundation.labels import label
from foundation.vocab import DIMENSIONS


def _average(rows, key: str) -> Optional[float]:
    values = [row[key] for row in rows if row.get(key) is not None]
    return sum(values) / len(values) if values else None


LIFT_ROWS = 5


def _glance_lines(svc: Services, trainee_id: str, lang: str) -> list:
    """Proficiency (time-weighted, from 3 sessions) and first → best per scenario, from the shared SQL."""
    lines = []
    proficiency = next(iter(svc.store.proficiency(trainee_id)), None)
    if proficiency is not None:
        lines.append("")
        if proficiency["overall"] is None:
            lines.append(t("progress.proficiency_wait", lang, count=proficiency["sessions"]))
        else:
            values = " · ".join(f"{label('dimensions', d, lang)} <b>{proficiency[d]:.0f}</b>" for d in DIMENSIONS
                                if proficiency[d] is not None)
            lines.append(t("progress.proficiency", lang, values=values))
    lift = sorted(svc.store.scenario_lift(trainee_id), key=lambda row: -row["attempts"])[:LIFT_ROWS]
    if lift:
        lines.append(f"<b>{t('progress.lift_header', lang)}</b>")
        for row in lift:
            title = render.esc(scenario_title(svc, row["scenario"], lang))
            lines.append(t("progress.lift_row", lang, title=title, first=f"{row['first']:.0f}", best=f"{row['best']:.0f}",
                           latest=f"{row['latest']:.0f}", lift=f"{row['lift']:+.0f}", attempts=row["attempts"]))
    return lines


def progress_text(svc: Services, trainee_id: str, name: str, lang: str) -> str:
    """The /progress text for one trainee, whether they or their trainer asks."""
    sessions = svc.store.sessions_for(trainee_id, limit=1000)
    completed = [s for s in sessions if s.get("status") == "completed"]
    status = svc.store.certification_status(trainee_id)
    rows = [t("progress.header", lang, name=render.esc(name))]
    rows.append(t("progress.sessions", lang, count=len(completed),
                  exams=sum(1 for s in completed if s.get("mode") == "exam")))
    held = next((lvl for lvl in status.levels if lvl.level == status.held_level), None)
    level_name = (held.name_zh if lang == "zh" else held.name_en) if held else t("progress.level_none", lang)
    rows.append(t("progress.level", lang, level=render.esc(level_name)))
    expires_at = svc.store.level_expires_at(trainee_id, status.held_level) if held else None
    if expires_at:
        expiring = any(row["level"] == status.held_level and not row["expired"]
                       for row in svc.store.certification_expiry(trainee_id))
        rows.append(t("progress.expiring" if expiring else "progress.valid_until", lang, date=expires_at[:10]))
    averages = [(d, _average(completed, d)) for d in DIMENSIONS]
    if any(value is not None for _, value in averages):
        rows.append("")
        rows.append(f"<b>{t('progress.averages', lang)}</b>")
        rows += [f"{label('dimensions', d, lang)}: <b>{value:.0f}</b>" for d, value in averages if value is not None]
    rows += _glance_lines(svc, trainee_id, lang)
    rows.append("")
    if status.next_level is None:
        rows.append(t("progress.top", lang))
    else:
        next_name = status.next_level.name_zh if lang == "zh" else status.next_level.name_en
        rows.append(f"<b>{t('progress.next', lang, level=render.esc(next_name))}</b>")
        rows += [f"• {render.esc(item)}" for item in status.what_is_left(lang)]
    if not completed:
        rows.append("")
        rows.append(t("progress.no_sessions", lang))
    rows += _dispute_lines(svc, trainee_id, lang)
    return "\n".join(rows)


def _dispute_lines(svc: Services, trainee_id: str, lang: str, shown: int = 5) -> list:
    """Open disputes and the latest rulings with the trainer's note."""
    mine = svc.store.disputes(trainee_id=trainee_id)
    if not mine:
        return []
    rows = ["", t("progress.disputes", lang, open=sum(1 for d in mine if d["status"] == "open"))]
    ruled = sorted((d for d in mine if d["status"] != "open"), key=lambda d: d["ruled_at"], reverse=True)
    for dispute in ruled[:shown]:
        rows.append(t(f"dispute.ruled.{dispute['status']}", lang, id=dispute["id"],
                      finding=render.esc(render.finding_label(dispute, lang)), note=render.esc(dispute.get("note") or "")))
    return rows


async def send_transcript(context: ContextTypes.DEFAULT_TYPE, caller: Caller, session_id: str) -> None:
    """Shared by /history (trainees) and /transcript (trainers, leads): access is checked here."""
    svc = services(context)
    session = svc.store.session(session_id)
    if session is None:
        await send_html(context.bot, caller.chat_id,
                        t("error.unknown_session", caller.lang, session=render.esc(session_id)))
        return
    if not may_view_session(svc.store, caller, session):
        await send_html(context.bot, caller.chat_id, t("refused.view", caller.lang))
        return
    text = render.transcript(session, svc.store.session_turns(session_id),
                             scenario_title(svc, session["scenario_id"], caller.lang), caller.lang,
                             debtor_name(svc, session["scenario_id"], session["lang"]))
    # The trainee may dispute from here too (an exam shows no tips, so this is where its findings are).
    keyboard = report_keyboard(svc, session_id, caller.lang) if session["trainee_id"] == caller.user_id else None
    await send_html(context.bot, caller.chat_id, text, reply_markup=keyboard)
