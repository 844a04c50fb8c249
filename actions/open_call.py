"""The call a message belongs to, read from the tracker's slots, shared by every in-call action."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from actions import process_resources
from actions.system_lines import utter_system
from simulator.engine import DebtorState


@dataclass(frozen=True)
class OpenCall:
    lang: str
    state: DebtorState
    scenario: Any
    persona: Any


def open_call(dispatcher, tracker) -> Optional[OpenCall]:
    """The open call, or None after telling the trainee that no session is open."""
    lang = tracker.get_slot("lang") or "zh"
    raw_state = tracker.get_slot("debtor_state")
    if not raw_state:
        utter_system(dispatcher, tracker.sender_id, "no_session", lang)
        return None
    catalog = process_resources.catalog()
    scenario = catalog.scenarios[tracker.get_slot("scenario_id")]
    return OpenCall(lang, DebtorState.from_dict(raw_state), scenario, catalog.personas[scenario.persona])
