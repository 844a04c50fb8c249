"""Retries for Bot API calls: flood control (429 RetryAfter) and transient network errors, with back-off.

PTB's AIORateLimiter throttles and retries RetryAfter; a 502 from Telegram or a dropped connection
is a NetworkError it passes straight up. This limiter adds exponential back-off for those, except
BadRequest (a NetworkError subclass in PTB that retrying can never fix).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Coroutine, Dict, Optional

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter plus `network_retries` back-off retries of transient network failures."""

    def __init__(self, *, network_retries: int = 3, backoff: float = 0.5, max_retries: int = 3, **kwargs: Any):
        super().__init__(max_retries=max_retries, **kwargs)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: Dict[str, Any],
        endpoint: str,
        data: Dict[str, Any],
        rate_limit_args: Optional[int],
    ) -> Any:
        delay, attempt = self.backoff, 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as exc:
                attempt += 1
                if attempt > self.network_retries:
                    raise
                log.warning("Bot API %s failed (%s); retry %d in %.1fs", endpoint, exc, attempt, delay)
                await asyncio.sleep(delay)
                delay *= 2
