"""A concrete case to practise on: who the debtor is, what they owe and why, when the call takes
place, what the trainee should achieve and how the attempt is judged."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from foundation.vocab import REGIMES
from simulator.fields import LANGUAGES, FieldReader
from simulator.terms import format_money
from simulator.yaml_source import load_yaml

CURRENCY_OF_REGIME = {"cn": "CNY", "us": "USD"}
BUCKETS = {"M1": (1, 30), "M2": (31, 60), "M3": (61, 90)}
GENDERS = ("female", "male")
REASONS = ("unemployment", "illness", "business_failure", "dispute", "forgot", "divorce",
           "pay_cut", "family_emergency", "overextended", "gambling", "relocation")
PASS_CRITERIA = ("min_overall", "min_nvc", "min_deescalation", "require_commitment")
DEFAULT_AGENT_ORG = {
    "cn": {"zh": "银行信用卡中心", "en": "the bank's card centre"},
    "us": {"zh": "催收公司", "en": "the collection agency"},
}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
SCENARIO_FIELDS = ("id", "persona", "regime", "languages", "title", "difficulty", "bucket",
                   "days_past_due", "debtor", "call", "goals", "pass_criteria", "briefing",
                   "agent_org")
DEBTOR_FIELDS = ("name", "gender", "product", "amount_owed", "currency", "minimum_payment",
                 "reason", "reason_text", "can_pay_now")


@dataclass(frozen=True)
class Debtor:
    names: Mapping[str, str]
    gender: Optional[str]
    products: Mapping[str, str]
    amount_owed: float
    currency: str
    minimum_payment: float
    reason: str
    reason_texts: Mapping[str, str]
    can_pay_now: float

    def name(self, lang: str) -> str:
        return self.names[lang]

    def product(self, lang: str) -> str:
        return self.products[lang]

    def reason_text(self, lang: str) -> str:
        return self.reason_texts[lang]


@dataclass(frozen=True)
class CallContext:
    """When the call happens and how often the debtor was already contacted: the scorer's
    calling-hours and contact-frequency checks read these."""

    local_time: str
    contacts_today: int
    contacts_last_7_days: int


@dataclass(frozen=True)
class Scenario:
    id: str
    persona: str
    regime: str
    languages: Tuple[str, ...]
    titles: Mapping[str, str]
    difficulty: int
    bucket: str
    days_past_due: int
    debtor: Debtor
    call: CallContext
    goals: Mapping[str, Tuple[str, ...]]
    pass_criteria: Mapping[str, Any]
    briefing: Mapping[str, str]
    agent_org: Mapping[str, str]
    source: str = ""

    def title(self, lang: str) -> str:
        return self.titles[lang]

    def money(self, value: float, lang: str) -> str:
        return format_money(value, self.debtor.currency, lang)

    def card(self, lang: str) -> Dict[str, Any]:
        """What the trainee sees before dialling, in one language, ready to render."""
        return {
            "id": self.id,
            "title": self.title(lang),
            "persona": self.persona,
            "regime": self.regime,
            "difficulty": self.difficulty,
            "debtor_name": self.debtor.name(lang),
            "product": self.debtor.product(lang),
            "amount_owed": self.money(self.debtor.amount_owed, lang),
            "minimum_payment": self.money(self.debtor.minimum_payment, lang),
            "days_past_due": self.days_past_due,
            "bucket": self.bucket,
            "local_time": self.call.local_time,
            "contacts_today": self.call.contacts_today,
            "contacts_last_7_days": self.call.contacts_last_7_days,
            "briefing": self.briefing[lang],
            "goals": list(self.goals[lang]),
        }

    def summary(self) -> Dict[str, Any]:
        """The `dojo scenarios --json` object."""
        return {"id": self.id, "persona": self.persona, "regime": self.regime,
                "languages": list(self.languages), "title": self.titles["en"],
                "title_zh": self.titles["zh"]}


def load_scenario(path: Path, persona_ids) -> Scenario:
    reader = FieldReader(load_yaml(path))
    reader.mapping((), allowed=SCENARIO_FIELDS)
    scenario_id = reader.text(("id",))
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", scenario_id):
        raise reader.error(("id",), f"id {scenario_id!r} must be lowercase letters, digits and dashes")
    if scenario_id != path.stem:
        raise reader.error(("id",), f"id {scenario_id!r} must match the file name {path.stem!r}")
    persona = reader.choice(("persona",), tuple(sorted(persona_ids)), "persona")
    regime = reader.choice(("regime",), REGIMES, "regime")
    languages = _languages(reader)
    bucket = reader.choice(("bucket",), tuple(BUCKETS), "bucket")
    days = reader.integer(("days_past_due",), 1, 180)
    low, high = BUCKETS[bucket]
    if not low <= days <= high:
        raise reader.error(("days_past_due",), f"{days} days is not in bucket {bucket} ({low}–{high} days)")
    debtor = _debtor(reader, regime)
    agent_org = reader.bilingual(("agent_org",)) if reader.has(("agent_org",)) else DEFAULT_AGENT_ORG[regime]
    return Scenario(
        id=scenario_id, persona=persona, regime=regime, languages=languages,
        titles=reader.bilingual(("title",)), difficulty=reader.integer(("difficulty",), 1, 3),
        bucket=bucket, days_past_due=days, debtor=debtor, call=_call(reader),
        goals=reader.bilingual_lists(("goals",)), pass_criteria=_pass_criteria(reader),
        briefing=reader.bilingual(("briefing",)), agent_org=agent_org, source=str(path),
    )


def _languages(reader: FieldReader) -> Tuple[str, ...]:
    items = reader.sequence(("languages",), min_items=1)
    languages = tuple(reader.choice(("languages", index), LANGUAGES, "language") for index in range(len(items)))
    if len(set(languages)) != len(languages):
        raise reader.error(("languages",), "a language is listed twice")
    return languages


def _debtor(reader: FieldReader, regime: str) -> Debtor:
    reader.mapping(("debtor",), allowed=DEBTOR_FIELDS)
    currency = reader.choice(("debtor", "currency"), tuple(CURRENCY_OF_REGIME.values()), "currency")
    if currency != CURRENCY_OF_REGIME[regime]:
        raise reader.error(("debtor", "currency"),
                           f"{regime} scenarios use {CURRENCY_OF_REGIME[regime]}, got {currency}")
    owed = reader.number(("debtor", "amount_owed"), minimum=1)
    minimum = reader.number(("debtor", "minimum_payment"), minimum=1, maximum=owed)
    can_pay = reader.number(("debtor", "can_pay_now"), minimum=0, maximum=owed)
    gender = reader.choice(("debtor", "gender"), GENDERS + (None,), "gender", default=None)
    return Debtor(
        names=reader.bilingual(("debtor", "name")), gender=gender,
        products=reader.bilingual(("debtor", "product")), amount_owed=owed, currency=currency,
        minimum_payment=minimum, reason=reader.choice(("debtor", "reason"), REASONS, "reason"),
        reason_texts=reader.bilingual(("debtor", "reason_text")), can_pay_now=can_pay,
    )


def _call(reader: FieldReader) -> CallContext:
    reader.mapping(("call",), allowed=("local_time", "contacts_today", "contacts_last_7_days"))
    local_time = reader.raw(("call", "local_time"))
    if isinstance(local_time, int) and not isinstance(local_time, bool):
        # YAML 1.1 reads an unquoted 14:30 as a base-60 integer; accept it as the author meant it.
        local_time = f"{local_time // 60:02d}:{local_time % 60:02d}"
    if not isinstance(local_time, str) or not _TIME.match(local_time):
        raise reader.error(("call", "local_time"), f"expected a time \"HH:MM\" (00:00–23:59), got {local_time!r}")
    today = reader.integer(("call", "contacts_today"), 0, 50)
    week = reader.integer(("call", "contacts_last_7_days"), 0, 350)
    if week < today:
        raise reader.error(("call", "contacts_last_7_days"), "cannot be fewer than contacts_today")
    return CallContext(local_time, today, week)


def _pass_criteria(reader: FieldReader) -> Dict[str, Any]:
    reader.mapping(("pass_criteria",), allowed=PASS_CRITERIA)
    criteria: Dict[str, Any] = {name: reader.integer(("pass_criteria", name), 0, 100)
                                for name in ("min_overall", "min_nvc", "min_deescalation")}
    criteria["require_commitment"] = reader.boolean(("pass_criteria", "require_commitment"))
    return criteria
