"""CollectorDojo's graders: compliance (cn and us rule packs), NVC and de-escalation, per reply and per session.

Pure Python and deterministic; the action server calls score_reply on every trainee turn.
"""
from scoring.coach import coach_tip
from scoring.errors import ScoringError, ScoringInputError
from scoring.reply import score_reply
from scoring.results import (
    DeescalationResult,
    NvcResult,
    ReplyScore,
    SessionContext,
    SessionReport,
    SessionTurn,
    Violation,
)
from scoring.session import score_session

__all__ = [
    "score_reply",
    "score_session",
    "coach_tip",
    "ReplyScore",
    "SessionReport",
    "SessionTurn",
    "SessionContext",
    "Violation",
    "NvcResult",
    "DeescalationResult",
    "ScoringError",
    "ScoringInputError",
]
