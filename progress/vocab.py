"""The vocabularies the store checks values against: the project's shared ids (`foundation.vocab`),
plus the store's own (roles, statuses)."""
from __future__ import annotations

from foundation.vocab import CATEGORIES, DIMENSIONS, LANGUAGES, MODES, OUTCOMES, PERSONAS, SESSION_CATEGORIES

__all__ = ["ROLES", "ROLE_RANK", "MODES", "LANGUAGES", "PERSONAS", "OUTCOMES", "SCORE_DIMENSIONS",
           "SESSION_STATUSES", "ASSIGNMENT_STATUSES", "VIOLATION_CATEGORIES", "SESSION_LEVEL_CATEGORIES"]

ROLES = ("trainee", "trainer", "lead")
ROLE_RANK = {"trainee": 0, "trainer": 1, "lead": 2}
SCORE_DIMENSIONS = DIMENSIONS
SESSION_STATUSES = ("active", "completed", "abandoned")
ASSIGNMENT_STATUSES = ("assigned", "completed", "cancelled")
# The store only files what the graders report.
VIOLATION_CATEGORIES = CATEGORIES
# Findings a session report adds that no single turn carries.
SESSION_LEVEL_CATEGORIES = SESSION_CATEGORIES
