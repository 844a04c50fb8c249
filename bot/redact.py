"""Keep the bot token out of every log line and traceback.

httpx logs each request URL at INFO, and Bot API URLs contain the token; exceptions can quote URLs
too. A log-record factory rewrites messages, arguments and formatted tracebacks at creation time,
so the redaction holds for every handler (files, stderr, pytest's caplog) without configuring each.
"""
from __future__ import annotations

import logging
import threading
from typing import Set

MASK = "<redacted-token>"
_secrets: Set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    for secret in _secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


def _redact_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    cleaned = redact(message)
    if cleaned != message or record.args:
        record.msg, record.args = cleaned, None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_token_redaction(token: str) -> None:
    """Register `token` as a secret and silence httpx's per-request INFO lines (idempotent)."""
    global _installed
    if len(token) < 8:
        # Too short to be a real token and too likely to match ordinary text.
        return
    with _lock:
        _secrets.add(token)
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args, **kwargs):
                record = previous(*args, **kwargs)
                if _secrets:
                    _redact_record(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = True
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
