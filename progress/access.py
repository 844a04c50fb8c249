"""Who may see and do what. The Telegram bot and the CLI ask these before acting.

Trainees see only their own sessions; trainers see the sessions of trainees they have assigned work
to; leads see everything. Only leads certify, revoke, change roles, export or delete a trainee's data.
Each `can_*` answers a question; `require` turns a "no" into AccessDenied.
"""
from __future__ import annotations

from typing import Iterable, Optional

from progress.errors import AccessDenied

LEAD_ONLY_ACTIONS = ("certify", "revoke", "promote", "export", "delete")


def _role(viewer: Optional[dict]) -> Optional[str]:
    return (viewer or {}).get("role")


def can_view_session(viewer: Optional[dict], session: dict) -> bool:
    """`session` as returned by Store.session(), which lists the trainee's trainers in "trainers"."""
    role = _role(viewer)
    if role == "lead":
        return True
    if role == "trainer":
        return viewer["id"] == session["trainee_id"] or viewer["id"] in (session.get("trainers") or ())
    if role == "trainee":
        return viewer["id"] == session["trainee_id"]
    return False


def can_view_trainee(viewer: Optional[dict], trainee_id: str, trainers: Iterable[str]) -> bool:
    """`trainers` from Store.trainers_of(trainee_id)."""
    role = _role(viewer)
    if role == "lead":
        return True
    if role == "trainer":
        return viewer["id"] == trainee_id or viewer["id"] in set(trainers)
    return role == "trainee" and viewer["id"] == trainee_id


def can_view_team(viewer: Optional[dict]) -> bool:
    return _role(viewer) in ("trainer", "lead")


def can_assign(viewer: Optional[dict]) -> bool:
    return _role(viewer) in ("trainer", "lead")


def can(viewer: Optional[dict], action: str) -> bool:
    """The lead-only actions: certify, revoke, promote, export, delete."""
    if action not in LEAD_ONLY_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return _role(viewer) == "lead"


def require(allowed: bool, action: str, roles: Iterable[str] = ()) -> None:
    if not allowed:
        raise AccessDenied(action, roles)
