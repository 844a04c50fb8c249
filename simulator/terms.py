"""Payment terms in a trainee's words: the amount and the date.

The NLU normally hands both over as entities; when it misses one, the text is searched here so a
clearly stated "500 by Friday" still counts as a concrete proposal. Vague dates ("next week",
"下周", "soon") are deliberately not dates: the evasive debtor lives in that gap.
"""
from __future__ import annotations

import re
from typing import Optional

from foundation.normalize import normalize

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}

_AMOUNT_PATTERN = re.compile(
    r"(?:[$¥￥]\s*)?(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万|千|k\b|K\b)?\s*"
    r"(?P<currency>元|块|美元|美金|dollars?|bucks|yuan|rmb|RMB)?"
    r"|(?P<zh>[零〇一二两三四五六七八九十百千万]+)\s*(?:元|块)"
)
_DATE_PATTERNS = {
    "en": re.compile(
        r"\b(?:tomorrow|tonight|today|(?:this|next|on)?\s*(?:monday|tuesday|wednesday|thursday|friday|"
        r"saturday|sunday)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
        r"|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b(?:\s+of\s+\w+)?|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{4}-\d{2}-\d{2}"
        r"|(?:the\s+)?end of (?:the\s+)?(?:month|day)|this\s+(?:morning|afternoon|evening)|payday)\b",
        re.IGNORECASE),
    "zh": re.compile(
        r"(?:今天|明天|后天|今晚|(?:本|这|下)?(?:周|星期|礼拜)[一二三四五六日天]|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
        r"|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}[日号]|(?:这个月|下个月|本月|下月)?\d{1,2}\s*[号日]"
        r"|(?:这个月|下个月|本月|下月)?(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[号日]"
        r"|月底|发工资那天|\d{4}-\d{2}-\d{2})"),
}


def parse_amount(text: Optional[str]) -> Optional[float]:
    """A number from "1,500", "$1500", "1.2万", "五百元" or "3k"; None when there is none."""
    if not text:
        return None
    text = normalize(str(text)).text  # "一千塊" and "１５００" as the trainee may have typed them
    match = _AMOUNT_PATTERN.search(text)
    if not match:
        return _zh_number(text.strip())
    if match.group("zh"):
        return _zh_number(match.group("zh"))
    value = float(match.group("number").replace(",", ""))
    unit = match.group("unit")
    if unit == "万":
        value *= 10000
    elif unit in ("千", "k", "K"):
        value *= 1000
    return value


def _zh_number(text: str) -> Optional[float]:
    if not text or any(char not in _ZH_DIGITS and char not in _ZH_UNITS for char in text):
        return None
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
        else:
            section += (digit or 1) * _ZH_UNITS[char]
            digit = 0
    value = total + section + digit
    return float(value) if value else None


# A number followed by one of these counts something else: "12-month plan", "分12期", "30 days".
_NOT_MONEY_AFTER = re.compile(r"^\s*-?\s*(?:months?|days?|weeks?|years?|%|percent|个月|期|天|号|日|年|周|次|st\b|nd\b|rd\b|th\b)",
                              re.IGNORECASE)
_MONEY_MARKS = re.compile(r"[$¥￥]|元|块|美元|美金|dollar|bucks|yuan|rmb", re.IGNORECASE)


def find_amount(text: str) -> Optional[str]:
    """The amount-looking phrase in free text, as written: one with a currency mark if there is
    one, else the first number that is not a count of months, days or instalments. Like dates, it
    is read on the normalised text ("一千塊" is "一千块")."""
    normalized = normalize(text or "")
    read = normalized.text
    candidates = []
    for match in _AMOUNT_PATTERN.finditer(read):
        phrase = match.group(0).strip()
        if not phrase or _NOT_MONEY_AFTER.match(read[match.end():]) and not _MONEY_MARKS.search(phrase):
            continue
        candidates.append((phrase, normalized.original_text(match.start(), match.end()).strip()))
    marked = [written for phrase, written in candidates if _MONEY_MARKS.search(phrase)]
    return (marked or [written for _, written in candidates] or [None])[0]


def find_date(text: str, lang: str) -> Optional[str]:
    """The first precise date phrase in free text, as written; vague ones are not returned.

    The patterns read the normalised text (foundation.normalize), so "下週三" and "１５號" are the
    dates "下周三" and "15号" are."""
    normalized = normalize(text or "")
    pattern = _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"])
    match = pattern.search(normalized.text)
    if not match:
        other = _DATE_PATTERNS["zh" if lang == "en" else "en"]
        match = other.search(normalized.text)
    return normalized.original_text(match.start(), match.end()).strip() if match else None


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def spoken_date(date: str, lang: str) -> str:
    """How the debtor says a date back: an ISO timestamp from an entity extractor becomes
    "11月27日" / "November 27"; anything else is repeated as the trainee said it."""
    match = _ISO_DATE.match(str(date).strip())
    if not match:
        return str(date).strip()
    month, day = int(match.group(2)), int(match.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return str(date).strip()
    return f"{month}月{day}日" if lang == "zh" else f"{_MONTHS[month - 1]} {day}"


def format_money(value: float, currency: str, lang: str) -> str:
    """How the debtor says an amount: "1,500元" in Chinese, "$1,500" in English."""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if lang == "zh":
        return f"{number}{'元' if currency == 'CNY' else '美元'}"
    return f"${number}" if currency == "USD" else f"¥{number}"
