"""`dojo bot`: only the Telegram bot, talking to a Rasa server that is already running."""
from __future__ import annotations

import typer

from bot.errors import BotConfigError
from bot.main import run_bot
from dojo.rulings import Rescorer
from foundation.settings import Settings


def register(app: typer.Typer) -> None:
    @app.command("bot")
    def bot_command(
        webhook_listen: str = typer.Option("0.0.0.0", help="address to listen on in webhook mode"),
        webhook_port: int = typer.Option(8443, help="port to listen on in webhook mode"),
    ) -> None:
        """Run the Telegram bot against DOJO_RASA_URL (long polling; webhook mode when TELEGRAM_WEBHOOK_URL is set)."""
        settings = Settings.from_env()
        if not settings.rasa_url:
            raise BotConfigError("DOJO_RASA_URL is not set: `dojo bot` needs a running Rasa server "
                                 "(or use `dojo run`, which starts one) / 未设置 DOJO_RASA_URL：`dojo bot` "
                                 "需要一个已在运行的 Rasa 服务（或改用 `dojo run`）")
        run_bot(settings, webhook_listen=webhook_listen, webhook_port=webhook_port, rescorer=Rescorer())
