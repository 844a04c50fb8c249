"""Reading amounts and dates the way collectors say them, in both languages."""
import pytest

from simulator.terms import find_amount, find_date, format_money, parse_amount, spoken_date


@pytest.mark.parametrize("text,expected", [
    ("1,500", 1500.0), ("$1500", 1500.0), ("¥2,000.50", 2000.5), ("1.2万", 12000.0), ("3k", 3000.0),
    ("五百元", 500.0), ("两千块", 2000.0), ("一千五百", 1500.0), ("三万", 30000.0), ("800 dollars", 800.0),
    ("我周五还500元", 500.0), ("no number here", None), ("", None), (None, None),
])
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text,lang,expected", [
    ("I can pay 300 by Friday", "en", "Friday"),
    ("let's say the 15th", "en", "the 15th"),
    ("$3,100 by the 20th", "en", "the 20th"),
    ("by the end of the month", "en", "the end of the month"),
    ("next Wednesday works", "en", "next Wednesday"),
    ("二十号前还一万二", "zh", "二十号"),
    ("这个月十五号", "zh", "这个月十五号"),
    ("下周三之前还一千元", "zh", "下周三"),
    ("by 3/15", "en", "3/15"),
    ("tomorrow works", "en", "tomorrow"),
    ("next week, maybe", "en", None),
    ("soon", "en", None),
    ("本周五还五百", "zh", "本周五"),
    ("3月15号之前", "zh", "3月15号"),
    ("明天吧", "zh", "明天"),
    ("下周吧", "zh", None),
    ("过几天", "zh", None),
])
def test_find_date_accepts_only_precise_dates(text, lang, expected):
    assert find_date(text, lang) == expected


@pytest.mark.parametrize("text,expected", [
    ("could you do $1,500 by Friday", "$1,500"),
    ("a 12-month payment plan at about $190 a month", "$190"),
    ("分十二期，每期七百元左右", "七百元"),
    ("分12期，每期700", "700"),
    ("your account is 35 days past due", None),
    ("pay 300 by the 15th", "300"),
    ("没有数字", None),
])
def test_find_amount_skips_counts_and_prefers_money(text, expected):
    assert find_amount(text) == expected


@pytest.mark.parametrize("value,currency,lang,expected", [
    (1500, "CNY", "zh", "1,500元"), (1500, "CNY", "en", "¥1,500"), (99.5, "USD", "en", "$99.50"),
    (250, "USD", "zh", "250美元"),
])
def test_format_money(value, currency, lang, expected):
    assert format_money(value, currency, lang) == expected


@pytest.mark.parametrize("date,lang,expected", [
    ("2026-11-27T00:00:00.000+08:00", "zh", "11月27日"), ("2026-11-27", "en", "November 27"),
    ("Friday", "en", "Friday"), ("本周五", "zh", "本周五"), ("2026-13-40", "en", "2026-13-40"),
])
def test_spoken_date(date, lang, expected):
    assert spoken_date(date, lang) == expected
