"""Rasa's Redis lock store, configured by one URL (`DOJO_REDIS_URL`) like the tracker store.

Rasa's own `type: redis` takes host, port, db and password as separate settings; every dojo process
reads one `redis://[:password@]host:port/db` instead, so the replicas, `dojo run` and the compose file
share one setting. Everything else is Rasa's `RedisLockStore` unchanged.

endpoints.yml: `lock_store: {type: rasa_plugins.lock_store.RedisUrlLockStore, url: ${DOJO_REDIS_URL},
key_prefix: dojo}`.
"""
from __future__ import annotations

from typing import Any, Dict
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig


def redis_settings(url: str) -> Dict[str, Any]:
    """The RedisLockStore settings a `redis://` or `rediss://` URL stands for."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"endpoints.yml: lock_store.url must look like redis://host:port/db, got {url!r}")
    path = parts.path.strip("/")
    settings: Dict[str, Any] = {"host": parts.hostname, "port": parts.port or 6379, "db": int(path) if path else 0,
                                "use_ssl": parts.scheme == "rediss"}
    if parts.username:
        settings["username"] = unquote(parts.username)
    if parts.password:
        settings["password"] = unquote(parts.password)
    return settings


class RedisUrlLockStore(RedisLockStore):
    """RedisLockStore from `url:` (plus Rasa's other settings, e.g. `key_prefix`, `socket_timeout`)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(**redis_settings(endpoint_config.url or ""), **endpoint_config.kwargs)
