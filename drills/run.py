"""One drill set from start to finish, the same for the terminal (`dojo drill`) and Telegram (`/drill`).

`start_drill_set` ranks the trainee's weak points (progress SQL), chooses five items and records the
set; `DrillRun.answer` grades a rewrite and records it before the grade is shown; `finish` closes
the set and suggests a full scenario that exercises the same weak point.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from drills.bank import DrillBank, DrillItem
from drills.check import DrillGrade, grade_rewrite
from drills.errors import DrillError
from drills.select import TOPIC_FOR_WEAK_POINT, choose_set
from foundation import vocab
from foundation.labels import label


def topic_label(topic: str, lang: str) -> str:
    """A weak point or drill topic as a person reads it (categories and weak points in labels.yml)."""
    kind = "categories" if topic in vocab.CATEGORIES else "weak_points"
    return label(kind, topic, lang)


@dataclass
class DrillRun:
    """A recorded drill set: its items in order, and which have been answered."""

    store: object
    bank: DrillBank
    drill_set_id: str
    trainee_id: str
    lang: str
    items: List[DrillItem]
    answered: Dict[int, DrillGrade] = field(default_factory=dict)

    @property
    def focus(self) -> List[str]:
        return list(dict.fromkeys(item.topic for item in self.items))

    def next_position(self) -> Optional[int]:
        for position in range(1, len(self.items) + 1):
            if position not in self.answered:
                return position
        return None

    def item_at(self, position: int) -> DrillItem:
        return self.items[position - 1]

    def answer(self, position: int, rewrite: str) -> DrillGrade:
        """Grade and record the rewrite of one item; an empty rewrite is refused, never recorded."""
        if not rewrite or not rewrite.strip():
            raise DrillError("write your own version of the collector's line / 请写出你改写后的说法")
        grade = grade_rewrite(self.item_at(position), self.lang, rewrite.strip())
        self.store.record_drill_attempt(self.drill_set_id, position, grade.rewrite, grade.passed, grade.flaw_fixed,
                                        grade.overall, grade.findings)
        self.answered[position] = grade
        return grade

    def finish(self, scenarios: Sequence[dict] = ()) -> dict:
        """Close the set; returns the stored set plus `suggested_scenario` (an id or None)."""
        result = self.store.finish_drill_set(self.drill_set_id)
        result["suggested_scenario"] = suggest_scenario(self.bank, self.focus, self.lang, scenarios,
                                                        self.store.scenario_lift(self.trainee_id))
        return result


def start_drill_set(store, bank: DrillBank, trainee_id: str, lang: str, channel: str,
                    focus: Optional[str] = None, assignment_id: Optional[int] = None,
                    drill_set_id: Optional[str] = None) -> DrillRun:
    """Choose five items from the trainee's weak points (or all from `focus`) and record the set."""
    drill_set_id = drill_set_id or f"drill-{uuid.uuid4().hex[:12]}"
    weak_points = [(row["weak_point"], row["score"]) for row in store.weak_points(trainee_id)]
    items = choose_set(bank, weak_points, seed=drill_set_id, last_drilled=store.drilled_items(trainee_id), focus=focus)
    source = "assignment" if assignment_id is not None else ("topic" if focus and focus != "auto" else "auto")
    store.start_drill_set(drill_set_id, trainee_id, lang, channel, source,
                          [{"item_id": item.id, "topic": item.topic} for item in items], assignment_id=assignment_id)
    return DrillRun(store, bank, drill_set_id, trainee_id, lang, items)


def resume_drill_set(store, bank: DrillBank, drill_set_id: str) -> DrillRun:
    """Rebuild a recorded set (a restarted bot, a trainee coming back) with what was already answered."""
    stored = store.drill_set(drill_set_id)
    items = [bank.item(attempt["item_id"]) for attempt in stored["attempts"]]
    run = DrillRun(store, bank, drill_set_id, stored["trainee_id"], stored["lang"], items)
    for attempt in stored["attempts"]:
        if attempt["rewrite"] is not None:
            run.answered[attempt["position"]] = grade_rewrite(run.item_at(attempt["position"]), run.lang,
                                                              attempt["rewrite"])
    return run


def suggest_scenario(bank: DrillBank, focus: Sequence[str], lang: str, scenarios: Sequence[dict],
                     lift_rows: Sequence[dict]) -> Optional[str]:
    """A scenario whose persona exercises the set's main weak point, in the set's language: the
    topic's personas in order, the scenario the trainee has played least, then the easiest."""
    if not focus:
        return None
    topic = bank.topics.get(TOPIC_FOR_WEAK_POINT.get(focus[0], focus[0]))
    if topic is None:
        return None
    played = {row["scenario"]: row["attempts"] for row in lift_rows}
    candidates = [s for s in scenarios if s.get("persona") in topic.personas and lang in (s.get("languages") or ())]
    if not candidates:
        return None
    best = min(candidates, key=lambda s: (topic.personas.index(s["persona"]), played.get(s["id"], 0),
                                          float(s.get("difficulty") or 0), s["id"]))
    return best["id"]
