"""The turn message format: what the action writes is what the client reads, field for field."""
import pytest

from foundation.errors import SimulatorUnavailable
from foundation.turn_message import (MESSAGE_KEY, PAYLOAD_FIELDS, PAYLOAD_KEY, DebtorReply, error_payload,
                                     turn_payload)


def _as_rasa_messages(text, payload):
    return [{"recipient_id": "s1", "text": text}, {"recipient_id": "s1", "custom": payload}]


def test_a_turn_written_by_the_action_is_read_back_by_the_client():
    state = {"anger": 0.4, "trust": 0.6, "willingness": 0.5, "stage": "negotiation"}
    findings = {"violations": [], "nvc": {}, "deescalation": {}, "overall": 80, "summary": "ok"}
    payload = turn_payload("s1", 3, "offer_plan", 0.97312, state, findings, None, "tip", None)
    assert set(payload[PAYLOAD_KEY]) <= set(PAYLOAD_FIELDS)
    reply = DebtorReply.from_messages("s1", _as_rasa_messages("嗯……", payload))
    assert (reply.turn, reply.intent, reply.confidence, reply.tip) == (3, "offer_plan", 0.973, "tip")
    assert reply.state == state and reply.findings == findings and not reply.ended and not reply.replayed


def test_a_replayed_turn_and_a_report_say_so():
    payload = turn_payload("s1", 2, None, None, {}, None, "refused", None, {"passed": False}, replayed=True)
    reply = DebtorReply.from_messages("s1", _as_rasa_messages("再见。", payload))
    assert reply.replayed and reply.ended and reply.report == {"passed": False} and reply.outcome == "refused"


def test_an_error_payload_names_the_reason():
    reply = DebtorReply.from_messages("s1", _as_rasa_messages("（…）", error_payload("s1", "unknown_scenario", known=["a"])))
    assert reply.error == "unknown_scenario"


def test_no_text_and_no_payload_means_no_action_server():
    with pytest.raises(SimulatorUnavailable):
        DebtorReply.from_messages("s1", [])


def test_the_message_key_is_the_rest_metadata_field():
    assert MESSAGE_KEY == "message_key" and PAYLOAD_KEY == "dojo"
