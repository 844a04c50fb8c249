"""The one text normalisation the scorer and the NLU share."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from foundation.normalize import normalize, normalize_text


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("我會打電話給你老闆，讓他知道你欠錢不還", "我会打电话给你老板，让他知道你欠钱不还"),
        ("你嘅卡數已經逾期咗三十日啦", "你嘅卡数已经逾期咗三十日啦"),  # Cantonese particles stay, the script changes
        ("帳單金額１，５００元", "帐单金额1，500元"),
        ("ＯＫ，明天還款", "OK，明天还款"),
        ("真的嗎？？？", "真的吗？"),
        ("pay now!!!", "pay now!"),
        ("我不知道……", "我不知道…"),
        ("well...", "well…"),
        ("Could you do it Monday?", "Could you do it Monday?"),
        ("我们希望您15号前还1500元", "我们希望您15号前还1500元"),
        ("", ""),
    ],
)
def test_normalises_script_width_and_punctuation(typed, expected):
    assert normalize_text(typed) == expected


def test_chinese_punctuation_stays_full_width():
    assert normalize_text("好的，谢谢！可以吗？（先还一部分）；：") == "好的，谢谢！可以吗？（先还一部分）；："


def test_spans_point_into_what_was_typed():
    typed = "好！！！我會打電話給你老闆"
    normalized = normalize(typed)
    start = normalized.text.index("老板")
    assert normalized.original_text(start, start + 2) == "老闆"
    assert normalized.original_text(1, 2) == "！！！"


@given(st.text(alphabet="a。.！!？?，,我會電話老闆ＡＢ１ 　", max_size=40))
def test_every_span_maps_back_inside_the_original(typed):
    normalized = normalize(typed)
    assert len(normalized.text) <= len(typed)
    for start in range(len(normalized.text) + 1):
        begin, end = normalized.original_span(start, len(normalized.text))
        assert 0 <= begin <= end <= len(typed)
    assert normalized.original_text(0, len(normalized.text)) == typed
