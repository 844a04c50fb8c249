"""The bot token never reaches a log line or a logged traceback."""
from __future__ import annotations

import logging

from bot.redact import MASK, install_token_redaction

TOKEN = "987654:SECRET-token-for-redaction"


def test_token_is_redacted_from_messages_args_and_tracebacks(caplog):
    install_token_redaction(TOKEN)
    log = logging.getLogger("tests.redact")
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
        log.info("plain %s", "https://api.telegram.org/bot" + TOKEN + "/sendMessage")
        try:
            raise RuntimeError(f"connect to https://api.telegram.org/bot{TOKEN}/getUpdates failed")
        except RuntimeError:
            log.exception("boom")
    assert TOKEN not in caplog.text
    assert caplog.text.count(MASK) >= 3


def test_httpx_info_lines_are_silenced():
    install_token_redaction(TOKEN)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
