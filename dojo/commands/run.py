"""`dojo run`: serve the simulator on loopback, and the Telegram bot when a token is configured."""
from __future__ import annotations

import contextlib
import signal
import threading

import typer

from bot.main import run_bot
from dojo.catalog_access import load_catalog_or_fail
from dojo.rulings import Rescorer
from dojo.servers import port_in_use, simulator_for
from foundation.errors import DojoError
from foundation.settings import Settings


def run_command() -> None:
    """Start the action server and the Rasa server on 127.0.0.1 (and the Telegram bot if TELEGRAM_BOT_TOKEN is set); Ctrl-C stops them."""
    load_catalog_or_fail()
    settings = Settings.from_env()
    for port in (settings.rasa_port, settings.actions_port):
        if port_in_use(port):
            raise DojoError(f"port {port} on 127.0.0.1 is already in use; set DOJO_RASA_PORT / DOJO_ACTIONS_PORT to free ones")
    simulator = simulator_for(settings, rasa_port=settings.rasa_port, actions_port=settings.actions_port)
    typer.echo("Starting the action server and the Rasa server (about 20 s)…")
    simulator.start()
    typer.echo(f"Simulator ready: Rasa on {simulator.rasa_url}, actions on 127.0.0.1:{settings.actions_port}")
    try:
        if settings.telegram_token:
            typer.echo("Starting the Telegram bot (Ctrl-C stops everything)…")
            run_bot(settings.with_(rasa_url=simulator.rasa_url), rescorer=Rescorer())
        else:
            typer.echo("No TELEGRAM_BOT_TOKEN set, so no Telegram bot. Practise from another terminal with:")
            typer.echo(f"  DOJO_RASA_URL={simulator.rasa_url} dojo practice")
            typer.echo("Ctrl-C stops the servers.")
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            # Ctrl-C is the normal way out; the finally below stops the servers.
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
    finally:
        typer.echo("Stopping the servers…")
        simulator.stop()


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
