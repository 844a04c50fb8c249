"""What the dispute tests share: a session graded by the real scorer on a real scenario, finished
with the action server's own report card, in a store with a one-level certification policy."""
from __future__ import annotations

from actions.turn_logic import session_report
from progress.certification import load_policy
from progress.store import Store
from scoring import score_reply
from simulator.catalog import load_scenarios, scenario_rows

# The session's lines live in shared_helpers, so the bot's dispute test uses the very same ones.
from shared_helpers import KIND, OPENING, RULE, SCENARIO, VISIT  # noqa: F401  (imported from here by the store tests)

POLICY = """levels:
  - level: 1
    window_days: 30
    mode: exam
    personas: [hostile]
    min_scores: {{overall: {overall}}}
    max_critical_violations: 0
"""


def open_store(tmp_path, clock, overall: float) -> Store:
    tmp_path.mkdir(parents=True, exist_ok=True)
    policy_file = tmp_path / "certification.yml"
    policy_file.write_text(POLICY.format(overall=overall), encoding="utf-8")
    store = Store.open(tmp_path / "dojo.db", clock=clock, policy=load_policy(policy_file), busy_timeout=2.0)
    store.sync_scenarios(scenario_rows(load_scenarios()))
    store.ensure_user("li", "李雷")
    store.ensure_user("wang", "王芳")
    store.ensure_user("coach", "Coach", role="trainer")
    store.ensure_user("boss", "Boss", role="lead")
    return store


def play(store, clock, scenarios, session_id="s1", trainee="li", lines=(OPENING, KIND, VISIT), mode="exam"):
    """A whole session graded by the real scorer, finished with the action server's report card."""
    store.start_session(session_id, trainee, SCENARIO, "zh", mode, "cli")
    debtor = "你们又打来干什么？"
    for number, text in enumerate(lines, start=1):
        clock.advance(seconds=30)
        findings = score_reply(text, "zh", debtor_said=debtor).to_dict()
        store.record_turn(session_id, number, text, "acknowledge_feelings", 0.9, f"debtor line {number}",
                          {"anger": 0.6 - number * 0.1, "trust": 0.4, "willingness": 0.4, "stage": "negotiation"},
                          findings, None)
        debtor = f"debtor line {number}"
    clock.advance(seconds=30)
    report = session_report(store.session_turns(session_id), scenarios[SCENARIO], "zh", "refused", None)
    store.finish_session(session_id, "refused", report)
    return store.session(session_id)
