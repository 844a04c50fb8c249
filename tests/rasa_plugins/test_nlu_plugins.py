"""The NLU's own components, on real Rasa Message objects (no trained model needed)."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.normalizer import TextNormalizer, TextRestorer, code_fingerprint
from rasa_plugins.terms_extractor import TermsEntityExtractor, find_terms


def _parse(text, entities=()):
    message = Message(data={"text": text})
    TextNormalizer().process([message])
    normalized = message.get("text")
    message.set("entities", [dict(e) for e in entities])
    TermsEntityExtractor().process([message])
    TextRestorer().process([message])
    return normalized, message


def test_traditional_and_full_width_text_reaches_the_tokenizer_simplified():
    normalized, message = _parse("妳這個月能先還１５００嗎？？")
    assert normalized == "妳这个月能先还1500吗？"
    assert message.get("text") == "妳這個月能先還１５００嗎？？"  # the transcript keeps what was typed


def test_entity_spans_point_into_the_typed_text_and_values_are_normalised():
    text = "禮拜五先還１５００蚊！！好唔好"
    _, message = _parse(text)
    spans = {(text[e["start"]:e["end"]], e["entity"], e["value"]) for e in message.get("entities")}
    assert ("１５００蚊", "amount", "1500蚊") in spans
    assert ("禮拜五", "date", "礼拜五") in spans


def test_training_entity_offsets_move_with_a_collapsed_run():
    message = Message(data={"text": "好的！！！那就周五还500元", "intent": "propose_payment",
                            "entities": [{"start": 7, "end": 9, "entity": "date", "value": "周五"},
                                         {"start": 10, "end": 14, "entity": "amount", "value": "500元"}]})
    TextNormalizer().process_training_data(TrainingData([message]))
    text = message.get("text")
    assert text == "好的！那就周五还500元"
    assert [text[e["start"]:e["end"]] for e in message.get("entities")] == ["周五", "500元"]


@pytest.mark.parametrize("text,expected", [
    ("你这个月能先还一万二吗", [("这个月", "date"), ("一万二", "amount")]),
    ("最低还款三百八一直没有还上", [("三百八", "amount")]),
    ("八千多块对您现在不是小数目", [("八千多块", "amount")]),
    ("comes to four thousand one hundred dollars", [("four thousand one hundred dollars", "amount")]),
    ("so there's twelve hundred outstanding", [("twelve hundred", "amount")]),
    ("a hundred people called", []),
    ("cool confirming 200 this friday", [("200", "amount"), ("this friday", "date")]),
    ("$40 every other Friday", [("$40", "amount"), ("every other Friday", "date")]),
    ("今天下午先还90块", [("今天下午", "date"), ("90块", "amount")]),
    ("每周五还40", [("每周五", "date"), ("40", "amount")]),
    ("要不本月底先还三千", [("本月底", "date"), ("三千", "amount")]),
    ("due on the 5th of May, then resume in April", [("the 5th of May", "date"), ("April", "date")]),
    ("you may pay £75", [("£75", "amount")]),
    ("Go take a payday loan", []),
    ("excuses under the sun", []),
    ("can u do $200 by fri", [("$200", "amount"), ("fri", "date")]),
    ("3月10日前还18,450元", [("3月10日", "date"), ("18,450元", "amount")]),
    ("我是工号1024的小王", []),
    ("您已经逾期47天", []),
    ("I'm calling today about your card", []),
])
def test_pattern_terms(text, expected):
    assert [(text[s:e], kind) for s, e, kind in find_terms(text)] == expected


def test_a_pattern_amount_replaces_a_model_amount_cut_short():
    text = "3月10日前还18,450元"
    start = text.index("450元")
    _, message = _parse(text, [{"start": start, "end": start + 4, "entity": "amount", "value": "450元"}])
    assert [(text[e["start"]:e["end"]], e["entity"]) for e in message.get("entities")] == [
        ("3月10日", "date"), ("18,450元", "amount")]


def test_a_pattern_date_that_holds_the_models_wins_and_today_said_of_the_call_is_dropped():
    text = "今天联系您是想问问您最近的情况怎么样。今天下午先还90块"
    first, second = text.index("今天"), text.index("今天下午")
    model = [{"start": first, "end": first + 2, "entity": "date", "value": "今天"},
             {"start": second, "end": second + 2, "entity": "date", "value": "今天"}]
    _, message = _parse(text, model)
    assert [(text[e["start"]:e["end"]], e["entity"]) for e in message.get("entities")] == [
        ("今天下午", "date"), ("90块", "amount")]


def test_the_fingerprint_covers_the_normaliser_code():
    assert TextNormalizer.fingerprint_addon({}) == TextRestorer.fingerprint_addon({}) == code_fingerprint()
    assert len(code_fingerprint()) == 64


def test_a_traditional_training_entity_gets_the_simplified_value_of_its_words():
    """Otherwise the synonym mapper learns that "下周三" means "下週三"."""
    message = Message(data={"text": "下週三還500", "intent": "propose_payment",
                            "entities": [{"start": 0, "end": 3, "entity": "date", "value": "下週三"},
                                         {"start": 4, "end": 7, "entity": "amount", "value": "five hundred"}]})
    TextNormalizer().process_training_data(TrainingData([message]))
    assert [e["value"] for e in message.get("entities")] == ["下周三", "five hundred"]
