"""Amounts and dates the statistical extractor missed, found by pattern (after the normaliser).

The CRF learns the annotation conventions of data/nlu and the vague dates ("next week", "下个月"),
but it tokenises on Jieba's words and misses what Jieba splits oddly or what it rarely saw:
Chinese numerals ("一万二", "六百八", "三千蚊"), thousands separators ("18,450元", "NT$3,200"),
Cantonese and clipped dates ("听日", "礼拜五", "月尾", "tmrw", "fri"), recurring and time-of-day
dates ("每周五", "this afternoon"), spelled-out sums ("twelve hundred"). This extractor adds those.
Where it overlaps the CRF, a pattern amount replaces the CRF's (a number with a currency mark is
unambiguous), and a CRF date gives way to an amount it swallowed or to a pattern date that holds it
and more (`merge`). The engine reads amounts and dates from the text the same way when no entity
arrives (simulator.terms).

It runs on the normalised text (Simplified characters, half-width digits); `TextRestorer` maps its
spans back into what the trainee typed.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START,
                                       ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE, EXTRACTOR, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_ZH_NUMERAL = "零〇一二两三四五六七八九十百千万"
_CURRENCY_AFTER = r"(?:块钱|块|元|蚊|美元|美金|dollars?|bucks|yuan|rmb|RMB)"
_CURRENCY_BEFORE = r"(?:NT\$|US\$|HK\$|\$|¥|￥|£|€|RMB\s?)"
# Spelled-out sums count only with a currency word ("four thousand one hundred dollars").
_EN_NUMBER_WORD = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                   r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                   r"hundred|thousand|a")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
AMOUNT = re.compile(
    rf"{_CURRENCY_BEFORE}\s?(?:{_NUMBER})(?:\s?[kK万千])?(?:\s?{_CURRENCY_AFTER})?"
    rf"|(?<![A-Za-z0-9$¥.,])(?:{_NUMBER})(?:\s?[kK万千])?\s?{_CURRENCY_AFTER}"
    rf"|(?<![A-Za-z0-9$¥.,])(?:{_NUMBER})(?:[kK]\b|[万千])"
    rf"|[{_ZH_NUMERAL}]*[一二两三四五六七八九十][{_ZH_NUMERAL}]*(?:[百千万][{_ZH_NUMERAL}]*多?{_CURRENCY_AFTER}?|{_CURRENCY_AFTER})"
    rf"(?!(?<=一)[直下共起次些样般定点切旦致同会])"  # "三百八一直没还": the 一 starts the next word
    rf"|几[百千万]多?{_CURRENCY_AFTER}"
    rf"|\b(?:(?:{_EN_NUMBER_WORD})[\s-]+(?:and\s+)?)*(?:{_EN_NUMBER_WORD})\s+(?:dollars?|bucks|pounds|quid|yuan)\b",
    re.IGNORECASE,
)
# A bare number is an amount only next to a payment word and when nothing says it counts days,
# months, instalments or is an id ("工号1024", "ending in 4821").
BARE_NUMBER = re.compile(r"(?<![A-Za-z0-9$¥.,#])(?:\d{1,3}(?:,\d{3})+|\d{2,6})(?![A-Za-z0-9,.%])")
# "twelve hundred", "nine hundred and fifty": a sum when it is paid, owed or due on a date.
SPELLED_SUM = re.compile(rf"\b(?:(?:{_EN_NUMBER_WORD})[\s-]+(?:and\s+)?)*(?:hundred|thousand)"
                         rf"(?:[\s-]+(?:and\s+)?(?:{_EN_NUMBER_WORD}))*\b(?<!\ba)", re.IGNORECASE)
_NOT_MONEY_BEFORE = re.compile(r"(?:工号|尾号|号码|编号|后四位|ending in|ending|number|no\.|#|id)\s*$", re.IGNORECASE)
_NOT_MONEY_AFTER = re.compile(r"^\s*(?:-?\s*(?:months?|days?|weeks?|years?|hours?|mins?|minutes?|%|percent|个月|期|天|号|日|年|周|次|位|分钟|小时)"
                              r"|st\b|nd\b|rd\b|th\b)", re.IGNORECASE)
_PAYMENT_WORD = re.compile(r"还|付|交|缴|转|欠|总共|一共|pay|paid|put|send|transfer|ow(?:e|es|ed|ing)\b|balance|amount|"
                           r"total|outstanding|overdue|arrears|due\b|do\b", re.IGNORECASE)
# "200 this friday", "250 by monday": a number said right before a date is the sum for that date.
_BEFORE_A_DATE = re.compile(r"\s*(?:in\s+)?(?:by|on|before|until|from|starting)?\s*", re.IGNORECASE)

_WEEKDAY_EN = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
_MONTH_EN = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A month on its own is a date only by its full name ("resume in April"), and never "may".
_MONTH_NAME_EN = r"(?:january|february|march|april|june|july|august|september|october|november|december)"
_ZH_DAY = r"(?:今天|明天|后天|听日|聽日|今晚|明晚|今日|明日)"
_ZH_TIME_OF_DAY = r"(?:上午|下午|中午|早上|晚上|傍晚)"
DATE = re.compile(
    rf"\b(?:(?:this|next|every|each)\s+(?:other\s+|second\s+)?)?{_WEEKDAY_EN}\b(?<!\bthe sun)"
    rf"|\b(?:tomorrow|tmrw|tmr|tmrrw|today|tonight)\b|\bpayday\b(?!\s+loans?)"
    rf"|\bthis\s+(?:morning|afternoon|evening)\b"
    rf"|\b{_MONTH_EN}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\b(?:\s+of\s+(?:(?:this|next)\s+month|{_MONTH_NAME_EN}|may\b))?"
    rf"|\b(?:the\s+)?end of (?:the\s+|this\s+|next\s+)?(?:month|day|week)\b"
    rf"|\b{_MONTH_NAME_EN}\b"
    rf"|(?:每个?月|每周|每星期|每礼拜)?{_ZH_DAY}{_ZH_TIME_OF_DAY}?"
    rf"|(?:本|这|下|下个|每|每个)?(?:周|星期|礼拜)[一二三四五六日天]{_ZH_TIME_OF_DAY}?"
    r"|(?:这个月|下个月|本月|下月|上个月)?\s?\d{1,2}\s?月\s?\d{1,2}\s?[日号]"
    r"|(?:这个月|下个月|本月|下月|上个月|每个?月)?\s?\d{1,2}\s?[号日](?!子|常|期)"
    r"|(?:这个月|下个月|本月|下月|每个?月)?(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[号日]"
    r"|(?<![\d个])\d{1,2}月份?(?![\d个])"
    r"|(?:本|这个|这|下个|下|上个)?月[底尾中初](?!\d)"
    r"|(?:上|这|下|本)个?(?:周|星期|礼拜)(?![一二三四五六日天])|(?:上|这|下)个月|本月"
    r"|发工资那天|出粮那天|\d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)

_SAID_OF_THE_CALL = re.compile(r"today|tonight|今天|今晚", re.IGNORECASE)
_A_SUM_JUST_BEFORE = re.compile(r"\d\s*(?:by|on|before)?\s*$", re.IGNORECASE)

Span = Tuple[int, int, str]


def find_terms(text: str) -> List[Span]:
    """(start, end, entity) for every amount and date phrase in `text`, earliest first, no overlaps."""
    spans: List[Span] = [(m.start(), m.end(), "amount") for m in AMOUNT.finditer(text) if m.group(0).strip()]
    for match in DATE.finditer(text):
        start, end = match.start(), match.end()
        phrase = match.group(0)
        start += len(phrase) - len(phrase.lstrip())
        if start >= end or _overlaps(spans, start, end):
            continue
        # "today" is said of the call as often as of a payment.
        if _said_of_the_call(text, start, end):
            continue
        spans.append((start, end, "date"))
    date_starts = {start for start, _, kind in spans if kind == "date"}
    for match in list(BARE_NUMBER.finditer(text)) + list(SPELLED_SUM.finditer(text)):
        before, after = text[max(0, match.start() - 12):match.start()], text[match.end():]
        next_date = match.end() + _BEFORE_A_DATE.match(after).end() in date_starts
        if (_NOT_MONEY_BEFORE.search(before) or _NOT_MONEY_AFTER.match(after)
                or not (next_date or _PAYMENT_WORD.search(_around(text, match.start(), match.end())))
                or _overlaps(spans, match.start(), match.end())):
            continue
        spans.append((match.start(), match.end(), "amount"))
    return sorted(spans)


def _said_of_the_call(text: str, start: int, end: int) -> bool:
    """A bare "today" is said of the call as often as of a payment: it is a date only with a payment
    word near or right after a sum ("150 today")."""
    return bool(_SAID_OF_THE_CALL.fullmatch(text[start:end].strip())
                and not _PAYMENT_WORD.search(_around(text, start, end))
                and not _A_SUM_JUST_BEFORE.search(text[:start]))


def _around(text: str, start: int, end: int) -> str:
    return text[max(0, start - 20):end + 12]


def _overlaps(spans: List[Span], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e, _ in spans)


def merge(found: List[Dict[str, Any]], terms: List[Span], text: str) -> List[Dict[str, Any]]:
    """The CRF's entities with the patterns' added. A pattern amount wins an overlap. A CRF date
    gives way to a pattern amount it swallowed ("200 this friday"), to a pattern date that holds
    it and more ("今天下午" over "今天", "every Friday" over "Friday"), and, when it is only "today"
    with no payment word near, to nothing: that "today" is said of the call."""
    kept = []
    for entity in found:
        start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
        clashes = [t for t in terms if t[0] < end and start < t[1]]
        kind = entity.get(ENTITY_ATTRIBUTE_TYPE)
        if kind in ("amount", "date") and any(k == "amount" for _, _, k in clashes):
            continue
        if kind == "date":
            if any(k == "date" and s <= start and end <= e and (s, e) != (start, end) for s, e, k in clashes):
                continue
            if _said_of_the_call(text, start, end):
                continue
        kept.append(entity)
    for start, end, kind in terms:
        if any(e[ENTITY_ATTRIBUTE_START] < end and start < e[ENTITY_ATTRIBUTE_END] for e in kept):
            continue
        kept.append({ENTITY_ATTRIBUTE_START: start, ENTITY_ATTRIBUTE_END: end, ENTITY_ATTRIBUTE_TYPE: kind,
                     ENTITY_ATTRIBUTE_VALUE: text[start:end], EXTRACTOR: TermsEntityExtractor.__name__})
    return sorted(kept, key=lambda e: e[ENTITY_ATTRIBUTE_START])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class TermsEntityExtractor(GraphComponent):
    """Adds amount and date entities found by pattern to those the model found."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text:
                continue
            entities = merge(list(message.get(ENTITIES) or []), find_terms(text), text)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
