"""A small xAPI client on httpx: POST statements, GET one back. Errors become our own at this edge."""
from __future__ import annotations

import json
from typing import List, Optional, Sequence

import httpx

from foundation.errors import DojoError

XAPI_VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


class LrsError(DojoError):
    """Base class of the learning record store's errors."""


class LrsUnavailable(LrsError):
    """Raised when the store cannot be reached, times out, or answers 5xx or 429: try again later."""


class LrsRejected(LrsError):
    """Raised when the store refuses statements (4xx other than 409): retrying will not help."""


class LrsConflict(LrsError):
    """Raised on 409: a statement id in the batch is already stored (possibly with other content)."""


class LrsClient:
    """`url` is the xAPI endpoint (ending in /xAPI or similar); statements go to `{url}/statements`."""

    def __init__(self, url: str, user: str = "", password: str = "", timeout: float = 10.0,
                 transport: Optional[httpx.BaseTransport] = None):
        auth = (user, password) if user or password else None
        self.url = url.rstrip("/")
        self._http = httpx.Client(auth=auth, timeout=timeout, headers=XAPI_VERSION_HEADER, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "LrsClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = self._http.request(method, f"{self.url}{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise LrsUnavailable(f"learning record store {self.url} unreachable: {exc} / 无法连接学习记录系统") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise LrsUnavailable(f"learning record store answered {response.status_code}: {response.text[:200]}")
        if response.status_code == 409:
            raise LrsConflict(f"learning record store reports a conflict: {response.text[:200]}")
        if response.status_code >= 400:
            raise LrsRejected(f"learning record store refused the request ({response.status_code}): {response.text[:300]}")
        return response

    def post_statements(self, statements: Sequence[dict]) -> List[str]:
        """Store a batch; returns the ids the store reports (204 = already stored as they are)."""
        response = self._request("POST", "/statements", json=list(statements))
        if response.status_code == 204 or not response.content:
            return [s["id"] for s in statements]
        return list(response.json())

    def get_statement(self, statement_id: str) -> Optional[dict]:
        try:
            response = self._request("GET", "/statements", params={"statementId": statement_id})
        except LrsRejected:
            return None
        body = response.json()
        if isinstance(body, dict) and "statements" in body:  # some stores wrap a single result
            return body["statements"][0] if body["statements"] else None
        return body

    def statements(self, agent: Optional[dict] = None, limit: int = 500) -> List[dict]:
        """Statements the store holds (optionally for one agent), following `more` links."""
        params = {"limit": limit}
        if agent is not None:
            params["agent"] = json.dumps(agent)
        response = self._request("GET", "/statements", params=params)
        found: List[dict] = []
        while True:
            body = response.json()
            found.extend(body.get("statements", []))
            if not body.get("more"):
                return found
            response = self._follow(httpx.URL(self.url).join(body["more"]))

    def _follow(self, url: httpx.URL) -> httpx.Response:
        try:
            response = self._http.get(url)
        except httpx.HTTPError as exc:
            raise LrsUnavailable(f"learning record store {self.url} unreachable: {exc}") from exc
        if response.status_code >= 400:
            raise LrsUnavailable(f"learning record store answered {response.status_code} on {url}")
        return response
