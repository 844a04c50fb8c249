"""The grader's side of a ruling: what the store calls to recompute a session after an overturn.

The store owns SQL and the graders own grading; this joins them with the scenario the session was
played on (pass criteria, call log), so a recomputed report card applies the same criteria as the
one the trainee first saw. The CLI passes it to `Store.rule_dispute`, and `dojo bot` / `dojo run`
hand it to the bot, which may not import the graders itself (docs/architecture.md, floors).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from scoring.results import SessionContext
from scoring.rulings import rescore_session
from simulator.catalog import load_scenarios

# A report card that said "commitment secured" is recomputed as such: the amount and date live in
# the finished conversation's tracker, not in the store, and a ruling does not reopen the call.
_SECURED = {"amount": "secured", "date": "secured"}


def session_context(session: Mapping[str, Any], scenario: Any) -> SessionContext:
    """The context the session was first graded in, rebuilt from its scenario and stored report."""
    report = session.get("report") or {}
    commitment = _SECURED if report.get("commitment_secured") else None
    if scenario is None:  # a scenario since removed from the catalogue: its regime, no pass criteria
        return SessionContext(lang=session["lang"], regime=report.get("regime") or "cn",
                              outcome=session.get("outcome"), commitment=commitment)
    call = scenario.call
    return SessionContext(lang=session["lang"], regime=scenario.regime, local_time=call.local_time,
                          contacts_today=call.contacts_today, contacts_last_7_days=call.contacts_last_7_days,
                          pass_criteria=dict(scenario.pass_criteria), outcome=session.get("outcome"),
                          commitment=commitment)


class Rescorer:
    """Callable the store runs inside a ruling's transaction (progress.store_disputes.Rescorer)."""

    def __init__(self, scenarios: Optional[Mapping[str, Any]] = None):
        self._scenarios = scenarios

    @property
    def scenarios(self) -> Mapping[str, Any]:
        if self._scenarios is None:
            self._scenarios = load_scenarios()
        return self._scenarios

    def __call__(self, session: dict, turn_rows: List[dict],
                 overturned: Dict[int, Set[str]]) -> Tuple[Dict[int, dict], Optional[dict]]:
        finished = session.get("status") == "completed" and session.get("report")
        context = session_context(session, self.scenarios.get(session["scenario_id"])) if finished else None
        return rescore_session(turn_rows, context, overturned)
