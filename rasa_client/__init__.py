"""The simulator's client: an edge package the terminal (`dojo practice`) and the Telegram bot both use.

It wraps `httpx.AsyncClient` around Rasa's REST channel. It is not in `foundation` because it pulls
in httpx and does I/O, and the ground floor stays light; it is not in `dojo` because nobody imports
the CLI. What it sends and parses (the message format) is `foundation.turn_message`.
"""
from rasa_client.client import WEBHOOK_PATH, RasaClient

__all__ = ["RasaClient", "WEBHOOK_PATH"]
