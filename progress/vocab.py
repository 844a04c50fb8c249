"""The vocabularies the store checks values against: the project's shared ids (`foundation.vocab`),
plus the store's own (roles, assignment states)."""
from __future__ import annotations

from foundation.vocab import DIMENSIONS, LANGUAGES, MODES, OUTCOMES, PERSONAS

__all__ = ["ROLES", "ROLE_RANK", "MODES", "LANGUAGES", "PERSONAS", "OUTCOMES", "SCORE_DIMENSIONS",
           "ASSIGNMENT_STATUSES"]

ROLES = ("trainee", "trainer", "lead")
ROLE_RANK = {"trainee": 0, "trainer": 1, "lead": 2}
SCORE_DIMENSIONS = DIMENSIONS
ASSIGNMENT_STATUSES = ("assigned", "completed", "cancelled")
