"""The fixed ids the whole project shares. Other tools store, chart and script against them
(docs/architecture.md, design card), so they are defined here once and never renamed.

Their labels (what a person reads) live in data/i18n/labels.yml; `foundation.labels` checks at load
time that the file names exactly these ids.
"""
from __future__ import annotations

LANGUAGES = ("zh", "en")
REGIMES = ("cn", "us")
MODES = ("coach", "exam")

# Violation categories a single reply can carry, then those only a whole session can.
REPLY_CATEGORIES = (
    "threat_of_violence",
    "abusive_language",
    "false_legal_threat",
    "impersonation",
    "third_party_disclosure",
    "harassment",
    "unfair_practice",
    "privacy_violation",
)
SESSION_CATEGORIES = ("missing_disclosure", "contact_frequency", "calling_hours")
CATEGORIES = REPLY_CATEGORIES + SESSION_CATEGORIES
SEVERITIES = ("critical", "major", "minor")
SEVERITY_RANK = {"critical": 3, "major": 2, "minor": 1}

# How a call ends (null until it does).
OUTCOMES = ("promise_to_pay", "payment_plan", "refused", "hung_up", "complaint")
PERSONAS = ("willing_but_broke", "able_but_unwilling", "hostile", "evasive")
# The debtor's stage in the call, and the three feelings the simulator tracks (0–1).
STAGES = ("opening", "verification", "negotiation", "commitment", "closed")
FEELINGS = ("anger", "trust", "willingness")
# The four parts of nonviolent communication the scorer looks for in every reply.
NVC_PARTS = ("observation", "feeling", "need", "request")
# Weak points besides the violation categories: a missing NVC part, escalating tone, and the
# session check that a concrete commitment (amount and date) was secured. Drills aim at these too.
WEAK_POINTS = tuple(f"nvc.{part}" for part in NVC_PARTS) + ("deescalation", "commitment")
# The four scores every turn and session carries.
DIMENSIONS = ("overall", "compliance", "nvc", "deescalation")
