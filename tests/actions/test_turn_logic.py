"""The plain functions behind the debtor's actions: text cleaning, the debtor's signal, coach-tip choice."""
import pytest

from actions.turn_logic import choose_tip, clean_text, first_entity, previous_tip, signal_from_score
from scoring import score_reply


@pytest.mark.parametrize("raw, cleaned", [
    ("\x00hello\x07", "hello"), ("  你好\u202e ", "你好"), (None, ""), ("a\nb", "a\nb"), ("\u200f\u200e", ""),
])
def test_clean_text_drops_control_and_bidi_characters(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_a_violation_moves_the_debtor_and_is_always_tipped():
    score = score_reply("If you don't pay today, the police will come and arrest you.", lang="en")
    signal = signal_from_score(score)
    assert "false_legal_threat" in signal.violations and signal.critical and signal.polarity == -1
    tip = choose_tip(score, "en", "threaten", previous_tip=None)
    assert tip and "1692e" in tip
    assert choose_tip(score, "en", "threaten", previous_tip=tip) == tip


@pytest.mark.parametrize("text, intent", [
    ("Hello, this is Sam from Harbor Bank card services, and this call is recorded.", "introduce_call"),
    ("Could you confirm your date of birth for me?", "verify_identity"),
    ("Thanks for your time today, goodbye.", "close_call"),
])
def test_routine_acts_get_no_nvc_nagging(text, intent):
    assert choose_tip(score_reply(text, lang="en"), "en", intent, previous_tip=None) is None


def test_the_same_nvc_hint_is_not_repeated_on_consecutive_turns():
    # A plain reply whose one tip is an NVC hint. (A bare "Why haven't you paid?" sits on the tone
    # threshold since stop 22, read as blame by several authors, and a tone tip is always shown.)
    score = score_reply("Okay. Let me pull up the account.", lang="en")
    first = choose_tip(score, "en", "ask_reason", previous_tip=None)
    assert first is not None
    assert choose_tip(score, "en", "ask_reason", previous_tip=first) is None


def test_previous_tip_reads_the_last_debtor_message():
    events = [{"event": "bot", "data": {"custom": {"dojo": {"tip": "old"}}}}, {"event": "user", "text": "x"},
              {"event": "bot", "data": {"custom": {"dojo": {"tip": "new"}}}}]
    assert previous_tip(events) == "new"
    assert previous_tip([]) is None


def test_first_entity_skips_empty_values():
    entities = [{"entity": "amount", "value": ""}, {"entity": "amount", "value": "500"}, {"entity": "date", "value": "Friday"}]
    assert first_entity(entities, "amount") == "500"
    assert first_entity(entities, "date") == "Friday"
    assert first_entity(None, "amount") is None
