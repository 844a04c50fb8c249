"""What every role shares: de-duplication, private-chat guard, identifying the caller, /start, /help,
/language, non-text and edited messages, and the one error handler."""
from __future__ import annotations

import logging

from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.bot_data import services
from bot.commands import commands_for
from bot.errors import BotError
from bot.i18n import LANGUAGES, lang_from_telegram, normalise_lang, t
from bot.messaging import optional_call, send_html
from bot.render import esc
from bot.roles import CALLER_KEY, Caller, caller_of, configured_role, requires, store_user_id
from foundation.errors import DojoError
from progress.vocab import ROLE_RANK

log = logging.getLogger(__name__)
LANGUAGE_CALLBACK = "lang:"


async def drop_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update Telegram delivered twice before any handler sees it again."""
    if not services(context).recent_updates.first_time(update.update_id):
        log.info("duplicate update %s ignored", update.update_id)
        raise ApplicationHandlerStop


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group politely (commands and buttons only, so a busy group is not spammed) and stop."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    lang = lang_from_telegram(update.effective_user.language_code if update.effective_user else None)
    if update.callback_query is not None:
        await update.callback_query.answer(t("refused.group", lang), show_alert=True)
    elif update.message is not None and update.message.text and update.message.text.startswith("/"):
        await update.message.reply_text(t("refused.group", lang))
    elif _added_to(update):
        # Someone added the bot to a group: explain once and leave, so it never reads team chatter.
        await optional_call(context.bot.send_message(chat.id, t("refused.group", lang)), "sendMessage(group)")
        await optional_call(context.bot.leave_chat(chat.id), "leaveChat")
    raise ApplicationHandlerStop


def _added_to(update: Update) -> bool:
    change = update.my_chat_member
    return change is not None and change.new_chat_member.status in ("member", "administrator") \
        and change.old_chat_member.status in ("left", "kicked")


async def identify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register the sender on first contact and load their role and language for the handlers."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or context.user_data is None:
        raise ApplicationHandlerStop
    svc = services(context)
    user_id = store_user_id(user.id)
    granted = configured_role(user.id, svc.settings.lead_ids, svc.settings.trainer_ids)
    row = svc.store.get_user(user_id)
    if row is None:
        row = svc.store.ensure_user(
            user_id,
            name=user.username or user.full_name,
            role=granted or "trainee",
            telegram_id=user.id,
            lang=lang_from_telegram(user.language_code),
        )
    elif granted and ROLE_RANK[row["role"]] < ROLE_RANK[granted]:
        svc.store.set_role(user_id, granted, by="config")
        row = svc.store.get_user(user_id)
    context.user_data[CALLER_KEY] = Caller(
        user_id=user_id,
        telegram_id=user.id,
        chat_id=chat.id,
        role=row["role"],
        lang=normalise_lang(row.get("lang") or lang_from_telegram(user.language_code)),
        name=row.get("name") or user.full_name,
    )


async def set_menu_for(context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> None:
    """Trainers and leads get their longer command menu in their own chat (the default menu is a trainee's);
    a trainee's chat falls back to the default menu."""
    scope = BotCommandScopeChat(caller.chat_id)
    if caller.role == "trainee":
        await optional_call(context.bot.delete_my_commands(scope=scope), "deleteMyCommands(chat)")
        return
    commands = [(spec.name, t(spec.description_key, caller.lang)) for spec in commands_for(caller.role)]
    await optional_call(
        context.bot.set_my_commands(commands, scope=scope),
        "setMyCommands(chat)",
    )


@requires("trainee")
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what the bot is, in the caller's language, and show their role."""
    caller = caller_of(context)
    text = t("start.welcome", caller.lang, name=esc(caller.name))
    text += "\n\n" + t("start.role_note", caller.lang, role=t(f"role.{caller.role}", caller.lang))
    await send_html(context.bot, caller.chat_id, text)
    if caller.role != "trainee":
        await set_menu_for(context, caller)


@requires("trainee")
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands the caller's role may use."""
    caller = caller_of(context)
    rows = [t("help.header", caller.lang)]
    rows += [f"/{spec.name} — {t(spec.description_key, caller.lang)}" for spec in commands_for(caller.role)]
    await send_html(context.bot, caller.chat_id, "\n".join(rows))


@requires("trainee")
async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer zh / en as buttons; `/language zh` switches directly."""
    caller = caller_of(context)
    if context.args and context.args[0].lower() in LANGUAGES:
        await _switch_language(context, caller, context.args[0].lower())
        return
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(f"lang.{lang}", lang), callback_data=LANGUAGE_CALLBACK + lang)] for lang in LANGUAGES]
    )
    await send_html(context.bot, caller.chat_id, t("language.prompt", caller.lang), reply_markup=keyboard)


@requires("trainee")
async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the language picked on the /language keyboard."""
    query = update.callback_query
    await query.answer()
    lang = query.data[len(LANGUAGE_CALLBACK):]
    if lang in LANGUAGES:
        await _switch_language(context, caller_of(context), lang)


async def _switch_language(context: ContextTypes.DEFAULT_TYPE, caller: Caller, lang: str) -> None:
    svc = services(context)
    svc.store.ensure_user(caller.user_id, lang=lang)
    updated = Caller(**{**caller.__dict__, "lang": lang})
    context.user_data[CALLER_KEY] = updated
    await send_html(context.bot, caller.chat_id, t("language.set", lang))
    if updated.role != "trainee":
        await set_menu_for(context, updated)


@requires("trainee")
async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, files: ask for text; nothing reaches the simulator or the transcript."""
    caller = caller_of(context)
    active = services(context).store.active_session_for(caller.user_id)
    key = "nontext.in_session" if active else "nontext.idle"
    await update.effective_message.reply_text(t(key, caller.lang))


@requires("trainee")
async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit cannot change what the debtor already heard; say so instead of scoring it twice."""
    caller = caller_of(context)
    await context.bot.send_message(caller.chat_id, t("edited.ignored", caller.lang))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback (the token is redacted by bot.redact) and answer the user neutrally."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    caller = context.user_data.get(CALLER_KEY) if isinstance(context.user_data, dict) else None
    lang = caller.lang if caller else "en"
    if isinstance(error, BotError):
        text = t(error.key, lang, **{k: esc(v) for k, v in error.params.items()})
    elif isinstance(error, DojoError):
        log.info("refused: %s", error)
        text = t("error.store", lang, detail=esc(error))
    else:
        log.error("error while handling an update", exc_info=error)
        text = t("error.generic", lang)
    if chat is not None and chat.type == ChatType.PRIVATE:
        await optional_call(context.bot.send_message(chat.id, text), "sendMessage(error)")
    if isinstance(update, Update) and update.callback_query is not None:
        await optional_call(update.callback_query.answer(), "answerCallbackQuery(error)")


@requires("trainee")
async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: point at /help rather than staying silent."""
    caller = caller_of(context)
    await send_html(context.bot, caller.chat_id, t("unknown.command", caller.lang))


@requires("trainee")
async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an older version of the bot: answer it, or the client shows a spinner forever."""
    await update.callback_query.answer(t("button.stale", caller_of(context).lang), show_alert=True)
