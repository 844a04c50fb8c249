"""Which five items a drill set holds, from a trainee's ranked weak points.

- No weak point with a drill (a new trainee): a balanced set, one item from each of five topics,
  spread over the kinds (violations, NVC parts, tone, disclosure).
- One weak point: all five items on it.
- Several: the three worst share the five items in proportion to their scores, each at least one
  (largest remainder decides the rest), so the worst gets most and ties split evenly.
Within a topic, items the trainee has never drilled come first, then those drilled longest ago;
the rest of the order is a shuffle seeded by the set id, so two trainees with the same history
still see different items and a set can be rebuilt exactly.
"""
from __future__ import annotations

import math
import random
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from drills.bank import DrillBank, DrillItem, DrillTopic
from drills.errors import NoDrills

SET_SIZE = 5
TOP_WEAK_POINTS = 3
# Weak points drilled with another topic's items: securing a commitment is asking for one.
TOPIC_FOR_WEAK_POINT = {"commitment": "nvc.request"}
KIND_ORDER = ("violation", "nvc", "tone", "disclosure")


def drill_topics(bank: DrillBank, weak_points: Iterable[Tuple[str, float]]) -> List[Tuple[str, float]]:
    """Weak points as bank topics with their scores, worst first; those without drills are left out."""
    scores: Dict[str, float] = {}
    for weak_point, score in weak_points:
        topic = TOPIC_FOR_WEAK_POINT.get(weak_point, weak_point)
        if topic in bank.topics and score and score > 0:
            scores[topic] = scores.get(topic, 0.0) + float(score)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def allocate(ranked: Sequence[Tuple[str, float]], size: int, rng: random.Random) -> List[Tuple[str, int]]:
    """Share `size` items among the top weak points (see the module docstring)."""
    if not ranked:
        return []
    cutoff = ranked[min(TOP_WEAK_POINTS, len(ranked)) - 1][1]
    better = [pair for pair in ranked if pair[1] > cutoff]
    tied = [pair for pair in ranked if pair[1] == cutoff]
    rng.shuffle(tied)  # equal scores at the cut: which one makes the set is a fair draw
    top = (better + tied)[:TOP_WEAK_POINTS]
    if len(top) == 1:
        return [(top[0][0], size)]
    total = sum(score for _, score in top)
    shares = [(topic, score * size / total) for topic, score in top]
    quota = {topic: max(1, math.floor(share)) for topic, share in shares}
    while sum(quota.values()) > size:
        largest = max(quota, key=lambda t: (quota[t], t))
        quota[largest] -= 1
    order = sorted(shares, key=lambda pair: (-(pair[1] - math.floor(pair[1])), -pair[1], rng.random()))
    index = 0
    while sum(quota.values()) < size:
        quota[order[index % len(order)][0]] += 1
        index += 1
    return [(topic, quota[topic]) for topic, _ in top]


def balanced_topics(bank: DrillBank, size: int, rng: random.Random) -> List[Tuple[str, int]]:
    """One item from each of `size` topics, taking the kinds in turn so every kind is represented."""
    by_kind: Dict[str, List[str]] = {}
    for topic in bank.topics.values():
        by_kind.setdefault(topic.kind, []).append(topic.id)
    for topics in by_kind.values():
        rng.shuffle(topics)
    chosen: List[str] = []
    while len(chosen) < size and any(by_kind.values()):
        for kind in KIND_ORDER:
            if by_kind.get(kind) and len(chosen) < size:
                chosen.append(by_kind[kind].pop())
    return [(topic, 1) for topic in chosen]


def pick_items(topic: DrillTopic, count: int, last_drilled: Mapping[str, str], rng: random.Random) -> List[DrillItem]:
    shuffled = list(topic.items)
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda item: last_drilled.get(item.id, ""))  # never drilled ("") first; stable
    return shuffled[:count]


def choose_set(bank: DrillBank, weak_points: Iterable[Tuple[str, float]], seed: str,
               last_drilled: Optional[Mapping[str, str]] = None, focus: Optional[str] = None,
               size: int = SET_SIZE) -> List[DrillItem]:
    """The items of one drill set, interleaved by topic (worst topic first)."""
    rng = random.Random(seed)
    last_drilled = last_drilled or {}
    if focus is not None and focus != "auto":
        topic_id = TOPIC_FOR_WEAK_POINT.get(focus, focus)
        if topic_id not in bank.topics:
            raise NoDrills(f"no drills on {focus!r}; topics: {', '.join(sorted(bank.topics))} / 没有该主题的练习")
        plan = [(topic_id, size)]
    else:
        plan = allocate(drill_topics(bank, weak_points), size, rng) or balanced_topics(bank, size, rng)
    if not plan:
        raise NoDrills("the drill bank is empty / 练习题库为空")
    groups = [pick_items(bank.topics[topic], count, last_drilled, rng) for topic, count in plan]
    interleaved: List[DrillItem] = []
    for round_no in range(max(len(group) for group in groups)):
        interleaved.extend(group[round_no] for group in groups if round_no < len(group))
    return interleaved
