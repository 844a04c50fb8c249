"""`dojo run`: serve the simulator on loopback, and the Telegram bot when a token is configured.

SIGTERM, SIGHUP and Ctrl-C are caught from the first moment (start-up included) and stop every
server it started within 15 s; a SIGKILL of `dojo run` takes its servers with it too, through the
parent-death signal each of them gets (dojo/supervision.py).
"""
from __future__ import annotations

import contextlib
import threading
from typing import Optional

import typer

from bot.main import run_bot
from dojo.catalog_access import load_catalog_or_fail
from dojo.rulings import Rescorer
from dojo.scale import scale_deployment_for
from dojo.servers import ensure_ports_free, simulator_for
from dojo.supervision import StopRequested, stop_on_signals
from foundation.settings import Settings


def run_command(
    replicas: Optional[int] = typer.Option(
        None, "--replicas", min=1, max=16,
        help="serve K Rasa replicas behind HAProxy on DOJO_RASA_PORT, with a PostgreSQL tracker store and a "
             "Redis lock store (DOJO_TRACKER_DB_URL, DOJO_REDIS_URL; local ones under var/ when unset); "
             "see docs/deploy.md"),
) -> None:
    """Start the action server and the Rasa server on 127.0.0.1 (and the Telegram bot if TELEGRAM_BOT_TOKEN is set); Ctrl-C stops them."""
    load_catalog_or_fail()
    settings = Settings.from_env()
    ensure_ports_free({"DOJO_RASA_PORT": settings.rasa_port, "DOJO_ACTIONS_PORT": settings.actions_port})
    if replicas is None:
        servers = simulator_for(settings, rasa_port=settings.rasa_port, actions_port=settings.actions_port)
        typer.echo("Starting the action server and the Rasa server (about 20 s)…")
    else:
        servers = scale_deployment_for(settings, replicas)
        typer.echo(f"Starting {servers.describe()} (about 20 s per replica)…")
    with stop_on_signals():
        try:
            servers.start()
            typer.echo(f"Simulator ready: Rasa on {servers.rasa_url}, actions on 127.0.0.1:{settings.actions_port}")
            if settings.telegram_token:
                typer.echo("Starting the Telegram bot (Ctrl-C stops everything)…")
                run_bot(settings.with_(rasa_url=servers.rasa_url), rescorer=Rescorer())
            else:
                typer.echo("No TELEGRAM_BOT_TOKEN set, so no Telegram bot. Practise from another terminal with:")
                typer.echo(f"  DOJO_RASA_URL={servers.rasa_url} dojo practice")
                typer.echo("Ctrl-C stops the servers.")
                threading.Event().wait()
        except (StopRequested, KeyboardInterrupt):
            pass  # the normal way out; the finally below stops the servers
        finally:
            typer.echo("Stopping the servers…")
            # A second Ctrl-C while they stop is not an error: stop_all SIGKILLs whatever is left.
            with contextlib.suppress(StopRequested, KeyboardInterrupt):
                servers.stop()


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
