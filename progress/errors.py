"""Errors the progress package raises.

Every message is bilingual (English, then Chinese) because it reaches trainers through the CLI and
trainees through Telegram unchanged. The CLI turns them into one line and a non-zero exit.
"""
from __future__ import annotations

from typing import Iterable, Optional

from foundation.errors import DojoError


class StoreError(DojoError):
    """Base class: the progress store cannot do what was asked; nothing was written."""


class StoreLocked(StoreError):
    """Raised when another process holds the database's write lock longer than the busy timeout."""


class SchemaTooNew(StoreError):
    """Raised when the database was written by a newer CollectorDojo than this one."""


class NotAStore(StoreError):
    """Raised when the file is not an SQLite database at all."""


class UnknownRecord(StoreError):
    """Base class for ids that name nothing in the store; the message names the id and the kind."""

    kind_en = "record"
    kind_zh = "记录"

    def __init__(self, record_id: object, hint: Optional[str] = None):
        self.record_id = record_id
        message = f"unknown {self.kind_en} {record_id!r} / 未知{self.kind_zh} {record_id!r}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UnknownTrainee(UnknownRecord):
    """Raised when a user id is not in the store (or is not a trainee where one is needed)."""

    kind_en = "trainee"
    kind_zh = "学员"


class UnknownUser(UnknownRecord):
    """Raised when a user id (trainer, lead, actor) is not in the store."""

    kind_en = "user"
    kind_zh = "用户"


class UnknownScenario(UnknownRecord):
    """Raised when a scenario id has not been synced into the store."""

    kind_en = "scenario"
    kind_zh = "场景"


class UnknownSession(UnknownRecord):
    """Raised when a session id is not in the store."""

    kind_en = "session"
    kind_zh = "会话"


class UnknownAssignment(UnknownRecord):
    """Raised when an assignment id is not in the store."""

    kind_en = "assignment"
    kind_zh = "任务"


class InvalidInput(StoreError):
    """Raised for a value the store refuses: a due date in the past, an unknown role, mode or language."""


class PolicyError(DojoError):
    """Raised when the certification policy file is missing or malformed; names the file, line and field."""

    def __init__(self, path: object, problem: str, line: Optional[int] = None, field: Optional[str] = None):
        self.path, self.problem, self.line, self.field = str(path), problem, line, field
        where = self.path + (f":{line}" if line else "")
        what = f"{field}: " if field else ""
        super().__init__(f"{where}: {what}{problem} / 认证政策文件有误")


class AccessDenied(DojoError):
    """Raised when a user asks for something their role does not allow (e.g. a trainee certifying)."""

    def __init__(self, action: str, roles: Iterable[str] = ()):
        self.action = action
        allowed = ", ".join(roles)
        suffix = f" (allowed: {allowed})" if allowed else ""
        super().__init__(f"not allowed to {action}{suffix} / 无权执行此操作：{action}")


class UnknownDispute(UnknownRecord):
    """Raised when a dispute id is not in the store."""

    kind_en = "dispute"
    kind_zh = "申诉"


class DisputeConflict(StoreError):
    """Raised when a dispute cannot be filed or ruled as asked: the finding already has an open
    dispute, or the dispute was already ruled. Nothing was changed."""
