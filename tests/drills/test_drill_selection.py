"""Weak points ranked from generated histories, and the drill sets chosen from them."""
from __future__ import annotations

import random
import collections

import pytest

from drill_world import findings, play, violation
from drills import choose_set
from drills.select import allocate, drill_topics


def topics_of(items):
    return collections.Counter(item.topic for item in items)


def ranked(store, trainee):
    return [(row["weak_point"], row["score"]) for row in store.weak_points(trainee)]


def test_a_trainee_with_only_one_weakness_gets_every_drill_on_it(store, clock, bank):
    for n in range(4):
        play(store, clock, f"s{n}", "wang", turns=[findings([violation("false_legal_threat")]), findings()], days_later=2)
    assert [wp for wp, _ in ranked(store, "wang")] == ["false_legal_threat"]
    items = choose_set(bank, ranked(store, "wang"), seed="set-1")
    assert topics_of(items) == {"false_legal_threat": 5}
    assert len({item.id for item in items}) == 5


def test_tied_weaknesses_share_the_set(store, clock, bank):
    play(store, clock, "s1", "li", turns=[findings([violation("harassment"), violation("abusive_language")])])
    scores = dict(ranked(store, "li"))
    assert scores["harassment"] == scores["abusive_language"]
    for seed in ("a", "b", "c", "d"):
        counts = topics_of(choose_set(bank, ranked(store, "li"), seed=seed))
        assert set(counts) == {"harassment", "abusive_language"} and sorted(counts.values()) == [2, 3]


def test_three_tied_weaknesses_split_two_two_one_and_a_fourth_waits():
    rng = random.Random("x")
    plan = dict(allocate([("a", 1.0), ("b", 1.0), ("c", 1.0)], 5, rng))
    assert sorted(plan.values()) == [1, 2, 2]
    plan = dict(allocate([("a", 4.0), ("b", 1.0), ("c", 1.0), ("d", 0.5)], 5, rng))
    assert plan == {"a": 3, "b": 1, "c": 1}


def test_a_trainee_with_no_history_gets_a_balanced_set(store, bank):
    store.ensure_user("new")
    assert store.weak_points("new") == []
    items = choose_set(bank, ranked(store, "new"), seed="fresh")
    assert len(items) == 5 and len(topics_of(items)) == 5
    assert {bank.topics[item.topic].kind for item in items} == {"violation", "nvc", "tone", "disclosure"}


def test_recent_sessions_and_severe_findings_weigh_more(store, clock):
    play(store, clock, "old", "zhao", turns=[findings([violation("harassment")])])
    play(store, clock, "new", "zhao", turns=[findings([violation("privacy_violation")])], days_later=60)
    scores = dict(ranked(store, "zhao"))
    # 60 days is two half-lives: the old finding weighs a quarter of the new one.
    assert scores["privacy_violation"] == pytest.approx(4 * scores["harassment"], rel=0.01)
    play(store, clock, "crit", "sun", turns=[findings([violation("threat_of_violence", "critical"),
                                                      violation("harassment", "minor")])])
    scores = dict(ranked(store, "sun"))
    assert scores["threat_of_violence"] == pytest.approx(3 * scores["harassment"])


def test_missing_nvc_parts_escalating_tone_and_no_commitment_are_weak_points(store, clock, bank):
    no_request = {"observation": True, "feeling": True, "need": True, "request": False}
    play(store, clock, "s1", "zhou", turns=[findings(nvc=no_request, polarity=-1), findings(nvc=no_request)],
         commitment=False)
    scores = dict(ranked(store, "zhou"))
    assert scores == {"nvc.request": 1.0, "deescalation": 1.0, "commitment": 1.0}
    # commitment is drilled with nvc.request items, so their scores add up.
    assert drill_topics(bank, ranked(store, "zhou"))[0] == ("nvc.request", 2.0)


def test_items_not_drilled_lately_come_first(bank):
    topic = bank.topics["harassment"]
    seen = {item.id: "2026-05-01 10:00:00" for item in topic.items[:5]}
    items = choose_set(bank, [("harassment", 1.0)], seed="again", last_drilled=seen)
    assert not {item.id for item in items} & set(seen)


def test_a_chosen_topic_overrides_the_history_and_unknown_topics_are_refused(bank):
    assert topics_of(choose_set(bank, [("harassment", 3.0)], seed="s", focus="commitment")) == {"nvc.request": 5}
    with pytest.raises(Exception, match="no drills on 'calling_hours'"):
        choose_set(bank, [], seed="s", focus="calling_hours")
