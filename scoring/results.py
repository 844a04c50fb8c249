"""The graders' outputs and session inputs: frozen dataclasses whose to_dict() is the design JSON."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple


@dataclass(frozen=True)
class Violation:
    """One finding: which rule, the words that triggered it, where, and what to say instead."""

    category: str
    rule: str
    severity: str
    evidence: str
    span: Tuple[int, int]
    source: str  # "rule" (a pattern matched) or "model" (the statistical classifier)
    citation: str
    advice: str
    explanation: str
    turn: Optional[int] = None  # set in session reports

    def to_dict(self) -> Dict[str, Any]:
        out = {
            "category": self.category,
            "rule": self.rule,
            "severity": self.severity,
            "evidence": self.evidence,
            "span": [self.span[0], self.span[1]],
            "source": self.source,
            "citation": self.citation,
            "advice": self.advice,
            "explanation": self.explanation,
        }
        if self.turn is not None:
            out["turn"] = self.turn
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Violation":
        """Rebuild a finding from `to_dict()` output (as stored with each turn)."""
        span = data.get("span") or (0, 0)
        return cls(
            category=data["category"], rule=data.get("rule") or "", severity=data["severity"],
            evidence=data.get("evidence") or "", span=(int(span[0]), int(span[1])),
            source=data.get("source") or "rule", citation=data.get("citation") or "",
            advice=data.get("advice") or "", explanation=data.get("explanation") or "", turn=data.get("turn"),
        )


@dataclass(frozen=True)
class NvcResult:
    observation: bool
    feeling: bool
    need: bool
    request: bool
    score: int
    evaluations: Tuple[str, ...] = ()

    @property
    def missing(self) -> Tuple[str, ...]:
        return tuple(name for name in ("observation", "feeling", "need", "request") if not getattr(self, name))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "NvcResult":
        return cls(observation=bool(data.get("observation")), feeling=bool(data.get("feeling")),
                   need=bool(data.get("need")), request=bool(data.get("request")), score=int(data.get("score") or 0),
                   evaluations=tuple(data.get("evaluations") or ()))

    def to_dict(self) -> Dict[str, Any]:
        return {
            "observation": self.observation,
            "feeling": self.feeling,
            "need": self.need,
            "request": self.request,
            "score": self.score,
            "evaluations": list(self.evaluations),
        }


@dataclass(frozen=True)
class DeescalationResult:
    polarity: int
    score: int
    markers: Tuple[str, ...]
    escalators: Tuple[str, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "DeescalationResult":
        return cls(polarity=int(data.get("polarity") or 0), score=int(data.get("score") or 0),
                   markers=tuple(data.get("markers") or ()), escalators=tuple(data.get("escalators") or ()))

    def to_dict(self) -> Dict[str, Any]:
        return {"polarity": self.polarity, "score": self.score, "markers": list(self.markers), "escalators": list(self.escalators)}


@dataclass(frozen=True)
class ReplyScore:
    text: str
    lang: str
    regime: str
    violations: Tuple[Violation, ...]
    nvc: NvcResult
    deescalation: DeescalationResult
    compliance: int
    overall: int
    summary: str

    def to_dict(self) -> Dict[str, Any]:
        return {
            "violations": [violation.to_dict() for violation in self.violations],
            "nvc": self.nvc.to_dict(),
            "deescalation": self.deescalation.to_dict(),
            "compliance": self.compliance,
            "overall": self.overall,
            "summary": self.summary,
            "lang": self.lang,
            "regime": self.regime,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], text: str) -> "ReplyScore":
        """Rebuild a reply's grade from `to_dict()` output (the findings stored with each turn), so a
        session report reuses the grade the trainee saw instead of grading the reply again."""
        return cls(
            text=text, lang=data.get("lang") or "", regime=data.get("regime") or "",
            violations=tuple(Violation.from_dict(v) for v in data.get("violations") or ()),
            nvc=NvcResult.from_dict(data.get("nvc") or {}),
            deescalation=DeescalationResult.from_dict(data.get("deescalation") or {}),
            compliance=int(data.get("compliance") or 0), overall=int(data.get("overall") or 0),
            summary=data.get("summary") or "",
        )


@dataclass(frozen=True)
class SessionTurn:
    """One trainee turn as the action server saw it."""

    text: str
    lang: str
    score: ReplyScore
    intent: Optional[str] = None
    debtor_said: Optional[str] = None
    anger_before: Optional[float] = None
    anger_after: Optional[float] = None


@dataclass(frozen=True)
class SessionContext:
    """What the scenario and the call log say about the session being graded."""

    lang: str
    regime: str
    local_time: Optional[str] = None  # "HH:MM" local time of the call
    contacts_today: int = 0  # contacts already made today, before this call
    contacts_last_7_days: int = 0  # contacts already made in the last 7 days, before this call
    pass_criteria: Optional[Mapping[str, Any]] = None
    outcome: Optional[str] = None
    commitment: Optional[Mapping[str, Any]] = None
    # Session checks a trainer overturned on dispute (a session rule's id, "commitment", "arc"):
    # they are taken as met, so the report card is recomputed without them.
    overturned: frozenset = frozenset()


@dataclass(frozen=True)
class SessionReport:
    lang: str
    regime: str
    scores: Mapping[str, int]
    violations: Tuple[Violation, ...]
    best_turn: Optional[Mapping[str, Any]]
    worst_turn: Optional[Mapping[str, Any]]
    arc: Mapping[str, Any]
    commitment_secured: bool
    anger_fell: Optional[bool]
    passed: bool
    fail_reasons: Tuple[str, ...]
    summary: str
    turns: int = 0
    disclosure: Mapping[str, bool] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "scores": dict(self.scores),
            "violations": [violation.to_dict() for violation in self.violations],
            "best_turn": dict(self.best_turn) if self.best_turn else None,
            "worst_turn": dict(self.worst_turn) if self.worst_turn else None,
            "arc": _plain(self.arc),
            "commitment_secured": self.commitment_secured,
            "anger_fell": self.anger_fell,
            "passed": self.passed,
            "fail_reasons": list(self.fail_reasons),
            "summary": self.summary,
            "lang": self.lang,
            "regime": self.regime,
            "turns": self.turns,
            "disclosure": dict(self.disclosure),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


ViolationList = List[Violation]
