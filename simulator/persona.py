"""A debtor archetype as data: where its feelings start, how each trainee act and each scorer
signal moves them, and the thresholds at which the call ends one way or another."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Tuple

from foundation.labels import label
from foundation.vocab import PERSONAS
from simulator.acts import INTENTS
from simulator.fields import FieldReader
from simulator.lines import LineBank, load_line_bank
from simulator.state import FLAGS
from simulator.yaml_source import load_yaml

LEVELS = ("anger", "trust", "willingness")
THRESHOLDS = ("hang_up", "complaint", "promise", "plan", "dodge_below")
ESCALATION_OUTCOMES = ("complaint", "hung_up")
# Scorer- and text-driven effects every persona must define, applied on top of intent effects.
SIGNAL_EFFECTS = (
    "violation",       # any violation category in the scorer's signal
    "critical",        # extra, when one of them is critical
    "positive_tone",   # polarity +1
    "negative_tone",   # polarity −1
    "bluff",           # extra, a false legal threat to a persona that calls bluffs
    "repeat_demand",   # the second and later demand in a row without listening in between
    "repeat_ask",      # the debtor had to ask the caller to repeat
    "rambling",        # the caller talked far too long
    "concrete_terms",  # the first time an exact amount and date are put on the table
    "full_amount",     # asked for more than the debtor can pay now
    "pinned_down",     # exact terms put again after the debtor's vague promise, trust risen, nothing wrong
)


@dataclass(frozen=True)
class Levels:
    """A point or a change in the debtor's three feelings."""

    anger: float = 0.0
    trust: float = 0.0
    willingness: float = 0.0


@dataclass(frozen=True)
class Thresholds:
    hang_up: float
    complaint: float
    promise: float
    plan: float
    dodge_below: float


@dataclass(frozen=True)
class Persona:
    id: str
    description: Mapping[str, str]
    initial: Levels
    thresholds: Thresholds
    escalation_order: Tuple[str, ...]
    commitment_requires: Tuple[str, ...]
    complaint_triggers: Tuple[str, ...]
    calls_bluffs: bool
    false_promises: bool
    signal_effects: Mapping[str, Levels]
    intent_effects: Mapping[str, Levels]
    angry_intent_effects: Mapping[str, Levels]
    lines: LineBank
    source: str = ""

    def name(self, lang: str) -> str:
        """The persona's label (data/i18n/labels.yml)."""
        return label("personas", self.id, lang)

    def effect_of(self, intent: str, angry: bool) -> Levels:
        """While angry, a persona may react to an act differently (the hostile debtor hears a
        plain statement of the debt as provocation); otherwise the base effect applies."""
        if angry and intent in self.angry_intent_effects:
            return self.angry_intent_effects[intent]
        return self.intent_effects.get(intent, Levels())


def _levels(reader: FieldReader, field_path, signed: bool) -> Levels:
    reader.mapping(field_path, allowed=LEVELS)
    low = -1.0 if signed else 0.0
    return Levels(**{name: reader.number(tuple(field_path) + (name,), low, 1.0, default=0.0)
                     for name in LEVELS})


def _effects(reader: FieldReader, field_path, known, required=False) -> Dict[str, Levels]:
    table = reader.mapping(field_path, allowed=known, required=required)
    if required:
        for name in known:
            if name not in table:
                raise reader.error(tuple(field_path) + (name,), "missing required field")
    return {name: _levels(reader, tuple(field_path) + (name,), signed=True) for name in table}


def _names(reader: FieldReader, field_path, known, what) -> Tuple[str, ...]:
    items = reader.sequence(field_path)
    return tuple(reader.choice(tuple(field_path) + (index,), known, what) for index in range(len(items)))


def load_persona(path: Path, lines_dir: Path) -> Persona:
    source = load_yaml(path)
    reader = FieldReader(source)
    if reader.has(("name",)):
        raise reader.error(("name",), "persona names live in data/i18n/labels.yml (personas), the one source of labels")
    reader.mapping((), allowed=("id", "description", "initial", "thresholds",
                                "escalation_order", "commitment_requires", "complaint_triggers",
                                "calls_bluffs", "false_promises", "signal_effects", "intents", "angry_intents"))
    persona_id = reader.text(("id",))
    if persona_id not in PERSONAS:
        raise reader.error(("id",), f"unknown persona id {persona_id!r} (the fixed ids: {', '.join(PERSONAS)})")
    if persona_id != path.stem:
        raise reader.error(("id",), f"id {persona_id!r} must match the file name {path.stem!r}")
    reader.mapping(("thresholds",), allowed=THRESHOLDS)
    thresholds = Thresholds(**{name: reader.number(("thresholds", name), 0.0, 1.0) for name in THRESHOLDS})
    order = _names(reader, ("escalation_order",), ESCALATION_OUTCOMES, "outcome")
    if sorted(order) != sorted(ESCALATION_OUTCOMES):
        raise reader.error(("escalation_order",), f"must list each of {', '.join(ESCALATION_OUTCOMES)} once")
    lines_path = lines_dir / f"{persona_id}.yml"
    if not lines_path.exists():
        raise reader.error(("id",), f"no lines file {lines_path.name} in {lines_dir}")
    return Persona(
        id=persona_id,
        description=reader.bilingual(("description",)),
        initial=_levels(reader, ("initial",), signed=False),
        thresholds=thresholds,
        escalation_order=order,
        commitment_requires=_names(reader, ("commitment_requires",), FLAGS, "flag"),
        complaint_triggers=_names(reader, ("complaint_triggers",), INTENTS, "intent"),
        calls_bluffs=reader.boolean(("calls_bluffs",)),
        false_promises=reader.boolean(("false_promises",)),
        signal_effects=_effects(reader, ("signal_effects",), SIGNAL_EFFECTS, required=True),
        intent_effects=_effects(reader, ("intents",), INTENTS),
        angry_intent_effects=_effects(reader, ("angry_intents",), INTENTS),
        lines=load_line_bank(lines_path, persona_id),
        source=str(path),
    )
