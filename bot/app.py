"""All of the bot's wiring in one place: `build_application(settings, store, rasa_client)`.

Handlers run in groups: -3 drops duplicate updates, -2 refuses group chats, -1 identifies the
caller (registering them on first contact), 0 routes commands, buttons and messages. Every command
is registered from the `bot.commands` table, and its handler must carry the role the table says.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, Mapping, Optional

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import jobs
from bot.bot_data import SERVICES_KEY, Services
from bot.commands import COMMANDS
from bot.errors import NO_TOKEN, BotConfigError
from bot.handlers import common, disputes, drill, lead, trainee, trainer
from bot.i18n import t
from bot.messaging import optional_call
from bot.network import RetryingRateLimiter
from bot.redact import install_token_redaction
from foundation.settings import Settings
from simulator.catalog import load_scenarios, scenario_rows

# Seconds Telegram holds a getUpdates call open; the HTTP read timeout must outlast it.
POLL_TIMEOUT = 20
CONCURRENT_UPDATES = 64

HANDLERS: Dict[str, Callable] = {
    "start": common.start,
    "help": common.help_command,
    "language": common.language,
    "practice": trainee.practice,
    "drill": drill.drill,
    "end": trainee.end,
    "progress": trainee.progress,
    "history": trainee.history,
    "assign": trainer.assign,
    "assignments": trainer.assignments,
    "transcript": trainer.transcript,
    "trainees": trainer.trainees,
    "team": lead.team,
    "certify": lead.certify,
    "revoke": lead.revoke,
    "export": lead.export,
    "promote": lead.promote,
    "disputes": disputes.disputes,
}
CALLBACKS = (
    (trainee.PRACTICE_CALLBACK, trainee.practice_chosen),
    (trainee.HISTORY_CALLBACK, trainee.history_chosen),
    (trainer.ASSIGN_CALLBACK, trainer.assign_chosen),
    (common.LANGUAGE_CALLBACK, common.language_chosen),
    (disputes.DISPUTE_CALLBACK, disputes.dispute_chosen),
    (disputes.CANCEL_CALLBACK, disputes.cancel_draft),
    (disputes.RULE_CALLBACK, disputes.rule_chosen),
)


def file_url_for(base_url: str) -> str:
    """Bot API servers serve files under /file/bot<token>; derive that from the base URL."""
    if base_url.endswith("/bot"):
        return base_url[: -len("bot")] + "file/bot"
    raise BotConfigError(
        f"TELEGRAM_API_BASE_URL must end in /bot (the token is appended to it), got {base_url!r} "
        f"/ TELEGRAM_API_BASE_URL 必须以 /bot 结尾"
    )


def build_application(
    settings: Settings,
    store: Any,
    rasa_client: Any,
    *,
    scenarios: Optional[Mapping[str, Any]] = None,
    rate_limiter: Optional[RetryingRateLimiter] = None,
    replay_interval: dt.timedelta = jobs.REPLAY_INTERVAL,
    reminder_interval: dt.timedelta = jobs.REMINDER_INTERVAL,
    abandon_interval: dt.timedelta = jobs.ABANDON_INTERVAL,
    ruling_interval: dt.timedelta = jobs.RULING_INTERVAL,
    rescorer: Optional[Callable] = None,
) -> Application:
    """The whole bot: request settings, rate limiting and retries, handlers, jobs and services."""
    if not settings.telegram_token:
        raise BotConfigError(NO_TOKEN)
    install_token_redaction(settings.telegram_token)
    if scenarios is None:
        scenarios = load_scenarios()
    store.sync_scenarios(scenario_rows(scenarios))

    builder = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_url_for(settings.telegram_base_url))
        .request(HTTPXRequest(connection_pool_size=32, connect_timeout=5.0, read_timeout=15.0,
                              write_timeout=30.0, pool_timeout=5.0))
        .get_updates_request(HTTPXRequest(connect_timeout=5.0, read_timeout=POLL_TIMEOUT + 10.0))
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # One trainee waiting on the simulator must not hold up everyone else; per-session and
        # per-user locks keep each person's own messages in order.
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
        # Explicit, because PTB builds a JobQueue itself only when its [job-queue] extra is installed.
        .job_queue(JobQueue())
    )
    application = builder.build()
    application.bot_data[SERVICES_KEY] = Services(settings=settings, store=store, rasa=rasa_client,
                                                  scenarios=dict(scenarios), rescorer=rescorer)
    _add_handlers(application)
    application.job_queue.run_repeating(jobs.replay_pending, interval=replay_interval, first=replay_interval,
                                        name="replay_pending")
    application.job_queue.run_repeating(jobs.remind_due_assignments, interval=reminder_interval,
                                        first=min(reminder_interval, dt.timedelta(seconds=5)),
                                        name="remind_due_assignments")
    application.job_queue.run_repeating(jobs.remind_expiring_certifications, interval=reminder_interval,
                                        first=min(reminder_interval, dt.timedelta(seconds=5)),
                                        name="remind_expiring_certifications")
    if settings.lrs_url:
        application.job_queue.run_repeating(jobs.send_learning_records, interval=jobs.XAPI_INTERVAL,
                                            first=dt.timedelta(seconds=10), name="send_learning_records")
    application.job_queue.run_repeating(jobs.abandon_idle_sessions, interval=abandon_interval,
                                        first=min(abandon_interval, dt.timedelta(seconds=5)),
                                        name="abandon_idle_sessions")
    application.job_queue.run_repeating(disputes.notify_rulings, interval=ruling_interval,
                                        first=min(ruling_interval, dt.timedelta(seconds=5)), name="notify_rulings")
    return application


def _add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, common.drop_duplicates), group=-3)
    application.add_handler(TypeHandler(Update, common.private_only), group=-2)
    application.add_handler(TypeHandler(Update, common.identify), group=-1)
    for spec in COMMANDS:
        handler = HANDLERS[spec.name]
        if getattr(handler, "required_role", None) != spec.role:
            raise AssertionError(f"/{spec.name} must be guarded by requires({spec.role!r})")
        application.add_handler(CommandHandler(spec.name, handler, filters=filters.UpdateType.MESSAGE))
    for prefix, handler in CALLBACKS:
        application.add_handler(CallbackQueryHandler(handler, pattern=f"^{prefix}"))
    application.add_handler(CallbackQueryHandler(common.unknown_button))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, common.edited))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, common.unknown_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, trainee.on_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, common.non_text))
    application.add_error_handler(common.on_error)


async def _post_init(application: Application) -> None:
    """The default command menu is a trainee's, in English and (for zh clients) in Chinese."""
    trainee_commands = [spec for spec in COMMANDS if spec.role == "trainee"]
    for language_code, lang in (("", "en"), ("zh", "zh")):
        menu = [(spec.name, t(spec.description_key, lang)) for spec in trainee_commands]
        await optional_call(application.bot.set_my_commands(menu, language_code=language_code or None),
                            f"setMyCommands({lang})")
