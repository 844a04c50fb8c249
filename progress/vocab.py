"""The fixed vocabularies the store checks values against, shared with the rest of the project."""
from __future__ import annotations

from scoring.categories import CATEGORIES

ROLES = ("trainee", "trainer", "lead")
ROLE_RANK = {"trainee": 0, "trainer": 1, "lead": 2}
MODES = ("coach", "exam")
LANGUAGES = ("zh", "en")
PERSONAS = ("willing_but_broke", "able_but_unwilling", "hostile", "evasive")
OUTCOMES = ("promise_to_pay", "payment_plan", "refused", "hung_up", "complaint")
SCORE_DIMENSIONS = ("overall", "compliance", "nvc", "deescalation")
SESSION_STATUSES = ("active", "completed", "abandoned")
ASSIGNMENT_STATUSES = ("assigned", "completed", "cancelled")
# The fixed ids are scoring's; the store only files what the graders report.
VIOLATION_CATEGORIES = CATEGORIES
# Findings a session report adds that no single turn carries.
SESSION_LEVEL_CATEGORIES = ("missing_disclosure", "contact_frequency", "calling_hours")
