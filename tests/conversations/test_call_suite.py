"""The authors' call suite against the real model and action server, with its gates (call_suite.py).

Only aggregate figures of the blind part are printed; the visible part's misses are listed with
their transcripts so they can be traced turn by turn.
"""
from __future__ import annotations

import os

import pytest

from call_suite import (BAD_ENDINGS, GOOD_RATE, SUITE_DIR, load_suite, play_suite, rate, summary, table)
from dojo.paths import REPO_ROOT

pytestmark = pytest.mark.rasa

CALLS = load_suite()
REPORT = REPO_ROOT / "results" / "call_suite.md"


@pytest.fixture(scope="module")
def played(live_simulator):
    if not CALLS:
        pytest.fail(f"no calls in {SUITE_DIR}")
    live_simulator.ensure_running()
    return play_suite(live_simulator.rasa_url, CALLS)


def test_the_suite_is_complete():
    assert len(CALLS) >= 96
    assert len({c.id for c in CALLS}) == len(CALLS)


def test_call_suite_gates(played, record_figure):
    visible = [p for p in played if not p.call.blind]
    blind = [p for p in played if p.call.blind]
    # The per-cell table is for the visible part only: the blind part has about one call per cell,
    # so a whole-suite table would give its individual results away by subtraction.
    lines = ["## visible part (persona × language × style)", table(visible), "",
             summary(played, "whole suite"), summary(visible, "visible part"),
             summary(blind, "blind part (aggregates only)") if blind else ""]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))

    misses = [p for p in visible if p.meets_gate is False]
    detail = "\n".join(f"{p.call.file} {p.call.id} ({p.persona}, {p.call.lang}, {p.call.style}, expect "
                       f"{p.call.expect}) -> {p.outcome}, anger {p.anger_start} -> {p.anger_end}\n{p.transcript}"
                       for p in misses)
    failures = []
    for label, part in (("whole suite", played), ("blind part", blind)):
        good, good_n = rate(part, "good")
        bad, bad_n = rate(part, "bad")
        if good_n:
            record_figure(f"call suite, {label}: good calls reaching an agreement", f"{good}/{good_n}")
            if good < GOOD_RATE * good_n:
                failures.append(f"{label}: {good}/{good_n} good calls reach an agreement (< {GOOD_RATE:.0%})")
        if bad_n:
            record_figure(f"call suite, {label}: bad calls ending in {'/'.join(sorted(BAD_ENDINGS))}", f"{bad}/{bad_n}")
            if bad < bad_n:
                failures.append(f"{label}: only {bad}/{bad_n} bad calls end badly with anger risen")
    assert not failures, "\n".join(failures) + ("\n\nvisible misses:\n" + detail if detail else "")


@pytest.mark.skipif(not os.environ.get("DOJO_SUITE_LIST"), reason="set DOJO_SUITE_LIST=1 to list visible calls")
def test_list_visible_calls(played):
    """A debugging aid: every visible call's outcome (never the blind part's)."""
    for p in played:
        if not p.call.blind:
            print(f"{p.call.file} {p.call.id} {p.persona} {p.call.lang} {p.call.style} expect={p.call.expect} "
                  f"-> {p.outcome} ({p.anger_start}->{p.anger_end}) {'OK' if p.meets_gate is not False else 'MISS'}")
