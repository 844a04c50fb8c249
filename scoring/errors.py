"""Every error the scoring package raises, in one place, so callers catch one family."""
from __future__ import annotations


class ScoringError(Exception):
    """Base class of everything the graders raise on purpose."""


class ScoringInputError(ScoringError, ValueError):
    """Raised when a reply cannot be scored: empty, longer than the limit, or an unknown language or regime."""


class RulePackError(ScoringError):
    """Raised when a rule pack or cue file is malformed; the message names the file, line and field."""
