"""Emptying the xAPI outbox into the learning record store: in order, in batches, with retries.

A statement is marked sent only after the store acknowledged it. If the store goes down mid-run,
what it did not acknowledge stays queued (attempt and error recorded) for the next run. If it had
stored a batch but the answer was lost, sending it again is harmless: the ids are the same, the
store answers 204 or 409, and a 409 is settled statement by statement by reading each one back.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

from lrs_client.client import LrsClient, LrsConflict, LrsRejected, LrsUnavailable

log = logging.getLogger(__name__)
BATCH_SIZE = 25
RETRY_DELAYS = (0.5, 1.0, 2.0)


@dataclass(frozen=True)
class SendResult:
    sent: int
    rejected: int
    pending: int
    error: Optional[str] = None

    def to_dict(self) -> dict:
        return {"sent": self.sent, "rejected": self.rejected, "pending": self.pending, "error": self.error}


def _post_with_retries(client: LrsClient, batch: List[dict], sleep: Callable[[float], None]) -> None:
    for attempt, delay in enumerate((*RETRY_DELAYS, None)):
        try:
            client.post_statements(batch)
            return
        except LrsUnavailable:
            if delay is None:
                raise
            log.info("learning record store unavailable (attempt %d); retrying in %.1f s", attempt + 1, delay)
            sleep(delay)


def _settle_conflict(store, client: LrsClient, batch: List[dict]) -> tuple:
    """One by one: stored already with the same id counts as sent; a real refusal is recorded."""
    sent, rejected = [], 0
    for statement in batch:
        try:
            client.post_statements([statement])
            sent.append(statement["id"])
        except LrsConflict as exc:
            if client.get_statement(statement["id"]) is not None:
                sent.append(statement["id"])
            else:
                store.xapi_mark_failed([statement["id"]], str(exc))
                rejected += 1
        except LrsRejected as exc:
            store.xapi_mark_failed([statement["id"]], str(exc))
            rejected += 1
    store.xapi_mark_sent(sent)
    return len(sent), rejected


def send_pending(store, client: LrsClient, batch_size: int = BATCH_SIZE, max_batches: Optional[int] = None,
                 sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """Send queued statements oldest first until none is left, the store stays down, or `max_batches`."""
    sent = rejected = batches = 0
    refused = set()
    error = None
    while max_batches is None or batches < max_batches:
        batch = [s for s in store.xapi_pending(batch_size + len(refused)) if s["id"] not in refused][:batch_size]
        if not batch:
            break
        batches += 1
        ids = [s["id"] for s in batch]
        try:
            _post_with_retries(client, batch, sleep)
            store.xapi_mark_sent(ids)
            sent += len(batch)
        except LrsUnavailable as exc:
            store.xapi_mark_failed(ids, str(exc))
            error = str(exc)
            break
        except (LrsConflict, LrsRejected):
            ok, bad = _settle_conflict(store, client, batch)
            sent += ok
            rejected += bad
            refused.update(s["id"] for s in batch if store.xapi_outbox_row(s["id"])["sent_at"] is None)
    pending = store.xapi_outbox_counts()["pending"]
    return SendResult(sent, rejected, pending, error)


def sync_xapi(store, settings, since: str, client: Optional[LrsClient] = None, **send_options) -> SendResult:
    """Queue every statement since `since`, then send what is pending (the periodic job's one call)."""
    store.queue_xapi(store.xapi_statements(since, settings.xapi_home_page, settings.xapi_names))
    own = client is None
    client = client or LrsClient(settings.lrs_url, settings.lrs_user, settings.lrs_password)
    try:
        return send_pending(store, client, **send_options)
    finally:
        if own:
            client.close()
