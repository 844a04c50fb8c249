"""arc.yml may only name intents the Rasa bot can predict, or an arc step silently never counts."""
import pytest
import yaml

from foundation import paths
from scoring.session import ARC_STEPS, arc_cues

# Mirrors the `intents:` list of domain.yml (the trainee-side dialogue acts); keep the two in step.
DOMAIN_INTENTS = frozenset({
    "greet", "introduce_call", "verify_identity", "state_debt", "ask_reason", "ask_capacity",
    "acknowledge_feelings", "apologise", "explain_consequences", "offer_plan", "propose_payment",
    "ask_commitment", "confirm_agreement", "threaten", "insult", "pressure", "disclose_third_party",
    "argue", "close_call", "out_of_scope",
})


def _arc_intents():
    data = yaml.safe_load((paths.rules_dir() / "arc.yml").read_text(encoding="utf-8"))
    return data["intents"]


@pytest.mark.parametrize("step", ARC_STEPS)
def test_every_arc_intent_exists_in_the_domain(step):
    named = set(_arc_intents().get(step, []))
    assert named, f"arc step {step} names no intent"
    assert named <= DOMAIN_INTENTS, sorted(named - DOMAIN_INTENTS)


def test_arc_file_has_no_unknown_steps_and_loads():
    assert set(_arc_intents()) <= set(ARC_STEPS)
    cues = arc_cues()
    assert cues.intents["problem"] == {"state_debt"}
    assert {"ask_reason", "ask_capacity"} <= cues.intents["listen"]
    assert "propose_payment" in cues.intents["solve"] and "propose_payment" in cues.intents["invitation"]
