"""Running the bot as a process: long polling by default, webhook mode when TELEGRAM_WEBHOOK_URL is set.

Webhook mode serves Telegram's POSTs with aiohttp (installed with Rasa) instead of PTB's tornado
extra, and checks Telegram's secret-token header so nobody else can inject updates.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from typing import Any, Callable, Optional
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.errors import NO_TOKEN, BotConfigError
from bot.redact import install_token_redaction
from foundation.settings import Settings
from progress.store import Store
from rasa_client import RasaClient

# How long the bot waits for the debtor before telling the trainee the simulator is unavailable and
# holding the line for a replay. A line Rasa did play before the timeout is not played twice: it goes
# again under the same message key, and the simulator answers with the turn it already logged. The
# worst reply under paced load is far below this (docs/benchmarks.md).
SIMULATOR_TIMEOUT_S = 20.0

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def rasa_url_of(settings: Settings) -> str:
    return settings.rasa_url or f"http://127.0.0.1:{settings.rasa_port}"


def run_bot(settings: Settings, *, webhook_listen: str = "0.0.0.0", webhook_port: int = 8443,
            rescorer: Optional[Callable] = None) -> None:
    """Run until interrupted; used by `dojo bot` and by `dojo run` when a token is set."""
    if not settings.telegram_token:
        raise BotConfigError(NO_TOKEN)
    install_token_redaction(settings.telegram_token)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = Store.open(settings.db_path)
    rasa = RasaClient(rasa_url_of(settings), token=settings.rasa_token, timeout=SIMULATOR_TIMEOUT_S)
    application = build_application(settings, store, rasa, rescorer=rescorer)

    async def close_services(_: Application) -> None:
        await rasa.aclose()
        store.close()

    application.post_shutdown = close_services
    if settings.telegram_webhook_url:
        asyncio.run(serve_webhook(application, settings.telegram_webhook_url, webhook_listen, webhook_port))
    else:
        log.info("Telegram bot polling %s (Rasa at %s)", urlparse(settings.telegram_base_url).netloc, rasa.base_url)
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def webhook_app(application: Application, path: str, secret: str) -> web.Application:
    """An aiohttp app that accepts Telegram's POSTs on `path` and queues them for the Application."""

    async def receive(request: web.Request) -> web.Response:
        if not secrets.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(path, receive)
    return app


async def serve_webhook(application: Application, url: str, listen: str, port: int, *,
                        stop: Any = None) -> None:
    """Register the webhook with Telegram and serve it until SIGINT/SIGTERM (or `stop` is set)."""
    path = urlparse(url).path or "/"
    secret = secrets.token_urlsafe(32)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not every event loop supports signal handlers (Windows, a loop in a worker thread); there
        # `stop` is still honoured, so the handler is a convenience, not a requirement.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        runner = web.AppRunner(webhook_app(application, path, secret))
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        log.info("Telegram webhook listening on %s:%d%s", listen, port, path)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await application.stop()
    if application.post_shutdown:
        await application.post_shutdown(application)
