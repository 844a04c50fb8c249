"""The debtor's state between turns: a frozen value that round-trips through JSON, because the
action server keeps it in one Rasa slot and every turn rebuilds it from there."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Dict, Mapping, Optional, Tuple

from foundation.vocab import OUTCOMES, STAGES
MOODS = ("calm", "wary", "angry")
FLAGS = ("identified", "verified", "reason_heard", "offered_plan", "consequences_explained",
         "empathised", "terms_heard", "identity_asked", "vague_promised", "reassured")

# Mood boundaries shared by all personas: the persona decides how fast anger moves, the mood
# only names where it currently is, so lines stay comparable across personas.
ANGRY_AT = 0.6
CALM_BELOW = 0.3
CALM_TRUST_AT = 0.35
RECENT_LINES_KEPT = 4


def _unit(value: float) -> float:
    return round(min(1.0, max(0.0, float(value))), 2)


@dataclass(frozen=True)
class DebtorState:
    """Everything the debtor remembers; numbers are 0–1 rounded to 2 dp so logs stay readable."""

    anger: float
    trust: float
    willingness: float
    stage: str = "opening"
    turn: int = 0
    outcome: Optional[str] = None
    flags: Tuple[str, ...] = ()
    recent_lines: Tuple[str, ...] = ()
    commitment: Optional[Dict[str, Any]] = None
    pending: Optional[Dict[str, Any]] = None
    demand_streak: int = 0
    repeat_asks: int = 0
    seed: str = ""
    findings_heard: int = 0  # turns with a violation the debtor heard, let pass or not
    offered: Dict[str, str] = field(default_factory=dict)  # the last amount and date put to the debtor

    def __post_init__(self):
        for name in ("anger", "trust", "willingness"):
            object.__setattr__(self, name, _unit(getattr(self, name)))
        if self.stage not in STAGES:
            raise ValueError(f"unknown stage {self.stage!r} (known: {', '.join(STAGES)})")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r} (known: {', '.join(OUTCOMES)})")
        object.__setattr__(self, "flags", tuple(sorted(set(self.flags))))
        object.__setattr__(self, "recent_lines", tuple(self.recent_lines)[-RECENT_LINES_KEPT:])

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def with_flags(self, *names: str) -> "DebtorState":
        return replace(self, flags=tuple(set(self.flags) | set(names)))

    def moved(self, anger: float = 0.0, trust: float = 0.0, willingness: float = 0.0) -> "DebtorState":
        return replace(self, anger=self.anger + anger, trust=self.trust + trust,
                       willingness=self.willingness + willingness)

    def public(self) -> Dict[str, Any]:
        """The four values users see in the transcript and the custom JSON."""
        return {"anger": self.anger, "trust": self.trust, "willingness": self.willingness,
                "stage": self.stage}

    def to_dict(self) -> Dict[str, Any]:
        return {
            "anger": self.anger, "trust": self.trust, "willingness": self.willingness,
            "stage": self.stage, "turn": self.turn, "outcome": self.outcome,
            "flags": list(self.flags), "recent_lines": list(self.recent_lines),
            "commitment": dict(self.commitment) if self.commitment else None,
            "pending": dict(self.pending) if self.pending else None,
            "demand_streak": self.demand_streak, "repeat_asks": self.repeat_asks, "seed": self.seed,
            "findings_heard": self.findings_heard, "offered": dict(self.offered),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DebtorState":
        """Rebuilds a state from `to_dict()` output; unknown keys are ignored so older slots load."""
        return cls(
            anger=data["anger"], trust=data["trust"], willingness=data["willingness"],
            stage=data.get("stage", "opening"), turn=int(data.get("turn", 0)),
            outcome=data.get("outcome"), flags=tuple(data.get("flags") or ()),
            recent_lines=tuple(data.get("recent_lines") or ()),
            commitment=dict(data["commitment"]) if data.get("commitment") else None,
            pending=dict(data["pending"]) if data.get("pending") else None,
            demand_streak=int(data.get("demand_streak", 0)),
            repeat_asks=int(data.get("repeat_asks", 0)), seed=str(data.get("seed", "")),
            findings_heard=int(data.get("findings_heard", 0)),
            offered={str(k): str(v) for k, v in (data.get("offered") or {}).items()},
        )


def mood(state: DebtorState) -> str:
    """"calm" / "wary" / "angry": which register of lines the debtor speaks in."""
    if state.anger >= ANGRY_AT:
        return "angry"
    if state.anger < CALM_BELOW and state.trust >= CALM_TRUST_AT:
        return "calm"
    return "wary"
