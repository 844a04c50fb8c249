"""Compliance rule packs (data/rules/<regime>.yml): loading, validation and the compiled form graders use.

Rules are data so a compliance officer can add or tighten one without touching code; the loader
refuses anything it cannot use and names the file, line and field, because a silently ignored rule
is a compliance hole.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Pattern, Tuple

from foundation import paths
from scoring.categories import CATEGORIES, REPLY_CATEGORIES, SESSION_CATEGORIES, SEVERITIES
from scoring.errors import RulePackError, ScoringInputError
from scoring.patterns import check_pattern, compile_list, dotted
from scoring.text import LANGS, REGIMES
from scoring.yamlmarks import Marks, line_of, load_marked

# Readers that take no folder ask `foundation.paths.rules_dir()` when called, so `DOJO_DATA_DIR` moves them.
LEXICON_FILE = "lexicon.yml"
SESSION_RULE_KINDS = ("missing_disclosure", "contact_frequency", "calling_hours", "ignored_cease")


@dataclass(frozen=True)
class Bilingual:
    """One message in both languages; every user-facing string has both."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Rule:
    """One per-reply rule: evidence patterns per language, minus exceptions found in the same clause."""

    id: str
    category: str
    severity: str
    citation: Bilingual
    explanation: Bilingual
    better: Bilingual
    evidence: Mapping[str, Optional[Pattern[str]]]
    exceptions: Mapping[str, Optional[Pattern[str]]]
    escalates: bool = False
    # When set, the rule only applies if the debtor's last words match (a cease request, an attorney).
    debtor_trigger: Optional[Mapping[str, Optional[Pattern[str]]]] = None


@dataclass(frozen=True)
class SessionRule:
    """A rule judged over a whole session (opening disclosure, frequency, hours, ignored cease request)."""

    id: str
    category: str
    severity: str
    citation: Bilingual
    explanation: Bilingual
    better: Bilingual


@dataclass(frozen=True)
class DisputeReview:
    """When a rule's verdicts are questioned too often to trust: more than `max_overturn_rate` of
    its disputes overturned, over at least `min_rulings` rulings, flags it for review."""

    max_overturn_rate: float = 0.2
    min_rulings: int = 10


@dataclass(frozen=True)
class DisclosureItem:
    """One thing the opening must say (who, institution, purpose, recording notice)."""

    id: str
    label: Bilingual
    evidence: Mapping[str, Optional[Pattern[str]]]


@dataclass(frozen=True)
class RulePack:
    regime: str
    title: Bilingual
    calling_start: int  # minutes after midnight, inclusive
    calling_end: int  # minutes after midnight, exclusive
    contacts_per_day: Optional[int]
    contacts_per_7_days: Optional[int]
    opening_turns: int
    disclosure: Tuple[DisclosureItem, ...]
    rules: Tuple[Rule, ...]
    session_rules: Mapping[str, SessionRule]
    debtor_cease: Mapping[str, Optional[Pattern[str]]]
    source: Path
    dispute_review: DisputeReview = DisputeReview()


class _Reader:
    """Field access with errors that name file, line and field."""

    def __init__(self, path: Path, marks: Marks):
        self.path = path
        self.marks = marks

    def fail(self, key_path: Tuple[Any, ...], message: str) -> RulePackError:
        return RulePackError(f"{self.path}:{line_of(self.marks, key_path)}: {dotted(key_path)}: {message}")

    def mapping(self, value: Any, key_path: Tuple[Any, ...]) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key_path, "expected a mapping")
        return value

    def required(self, parent: Mapping[str, Any], key: str, key_path: Tuple[Any, ...]) -> Any:
        if key not in parent or parent[key] is None:
            raise self.fail(key_path, f"missing required field {key!r}")
        return parent[key]

    def text(self, parent: Mapping[str, Any], key: str, key_path: Tuple[Any, ...]) -> str:
        value = self.required(parent, key, key_path)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key_path + (key,), "expected a non-empty string")
        return value

    def bilingual(self, parent: Mapping[str, Any], key: str, key_path: Tuple[Any, ...]) -> Bilingual:
        value = self.mapping(self.required(parent, key, key_path), key_path + (key,))
        return Bilingual(**{lang: self.text(value, lang, key_path + (key,)) for lang in LANGS})

    def time(self, value: Any, key_path: Tuple[Any, ...]) -> int:
        minutes = parse_hhmm(value)
        if minutes is None:
            raise self.fail(key_path, f"expected a time as \"HH:MM\", got {value!r}")
        return minutes

    def optional_count(self, parent: Mapping[str, Any], key: str, key_path: Tuple[Any, ...]) -> Optional[int]:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(key_path + (key,), "expected a positive whole number or null")
        return value


def parse_hhmm(value: Any) -> Optional[int]:
    """Minutes after midnight for "HH:MM" (24:00 allowed as end of day), else None."""
    if not isinstance(value, str) or value.count(":") != 1:
        return None
    hours, minutes = value.split(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        return None
    total = int(hours) * 60 + int(minutes)
    return total if int(minutes) < 60 and total <= 24 * 60 else None


def _per_language(reader: _Reader, node: Any, lexicon, key_path, *, required: bool) -> Dict[str, Optional[Pattern[str]]]:
    if node is None:
        if required:
            raise reader.fail(key_path, "missing patterns")
        return {lang: None for lang in LANGS}
    node = reader.mapping(node, key_path)
    unknown = set(node) - set(LANGS)
    if unknown:
        raise reader.fail(key_path, f"unknown language(s) {sorted(unknown)}; use zh and en")
    compiled = {lang: compile_list(node.get(lang), lexicon, reader.path, reader.marks, key_path + (lang,)) for lang in LANGS}
    if required and any(compiled[lang] is None for lang in LANGS):
        missing = [lang for lang in LANGS if compiled[lang] is None]
        raise reader.fail(key_path, f"patterns missing for {', '.join(missing)}")
    return compiled


def load_lexicon(path: Path) -> Mapping[str, Tuple[str, ...]]:
    """Named pattern groups shared by both packs (a threat reads the same whoever regulates it)."""
    data, marks = load_marked(path)
    reader = _Reader(path, marks)
    groups = reader.mapping(reader.required(reader.mapping(data, ()), "groups", ()), ("groups",))
    lexicon = {}
    for name, items in groups.items():
        if not isinstance(items, list) or not items:
            raise reader.fail(("groups", name), "expected a non-empty list of patterns")
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item:
                raise reader.fail(("groups", name, index), "pattern must be a non-empty string")
            check_pattern(item, path, line_of(marks, ("groups", name, index)), dotted(("groups", name, index)))
        lexicon[name] = tuple(items)
    return lexicon


def load_rule_pack(path: Path, lexicon: Mapping[str, Tuple[str, ...]]) -> RulePack:
    """Parse and validate one pack file; raise RulePackError naming file, line and field."""
    data, marks = load_marked(path)
    reader = _Reader(path, marks)
    top = reader.mapping(data, ())
    regime = reader.text(top, "regime", ())
    if regime not in REGIMES:
        raise reader.fail(("regime",), f"unknown regime {regime!r}; expected one of {list(REGIMES)}")
    limits = reader.mapping(reader.required(top, "limits", ()), ("limits",))
    hours = reader.mapping(reader.required(limits, "calling_hours", ("limits",)), ("limits", "calling_hours"))
    calling_start = reader.time(reader.required(hours, "start", ("limits", "calling_hours")), ("limits", "calling_hours", "start"))
    calling_end = reader.time(reader.required(hours, "end", ("limits", "calling_hours")), ("limits", "calling_hours", "end"))
    if calling_end <= calling_start:
        raise reader.fail(("limits", "calling_hours", "end"), "end must be later than start")
    opening_turns = top.get("opening_turns", 2)
    if not isinstance(opening_turns, int) or opening_turns < 1:
        raise reader.fail(("opening_turns",), "expected a positive whole number")

    disclosure = []
    for index, item in enumerate(reader.required(top, "disclosure", ()) or []):
        key_path = ("disclosure", index)
        item = reader.mapping(item, key_path)
        disclosure.append(
            DisclosureItem(
                id=reader.text(item, "id", key_path),
                label=reader.bilingual(item, "label", key_path),
                evidence=_per_language(reader, item.get("evidence"), lexicon, key_path + ("evidence",), required=True),
            )
        )

    rules = []
    seen_ids = set()
    rule_nodes = reader.required(top, "rules", ())
    if not isinstance(rule_nodes, list) or not rule_nodes:
        raise reader.fail(("rules",), "expected a non-empty list of rules")
    for index, node in enumerate(rule_nodes):
        key_path = ("rules", index)
        node = reader.mapping(node, key_path)
        rule_id = reader.text(node, "id", key_path)
        if rule_id in seen_ids:
            raise reader.fail(key_path + ("id",), f"duplicate rule id {rule_id!r}")
        seen_ids.add(rule_id)
        category = reader.text(node, "category", key_path)
        if category not in REPLY_CATEGORIES:
            raise reader.fail(key_path + ("category",), f"unknown category {category!r}; expected one of {list(REPLY_CATEGORIES)}")
        severity = reader.text(node, "severity", key_path)
        if severity not in SEVERITIES:
            raise reader.fail(key_path + ("severity",), f"unknown severity {severity!r}; expected one of {list(SEVERITIES)}")
        escalates = node.get("escalates", False)
        if not isinstance(escalates, bool):
            raise reader.fail(key_path + ("escalates",), "expected true or false")
        trigger = node.get("debtor_trigger")
        rules.append(
            Rule(
                id=rule_id,
                category=category,
                severity=severity,
                citation=reader.bilingual(node, "citation", key_path),
                explanation=reader.bilingual(node, "explanation", key_path),
                better=reader.bilingual(node, "better", key_path),
                evidence=_per_language(reader, node.get("evidence"), lexicon, key_path + ("evidence",), required=True),
                exceptions=_per_language(reader, node.get("exceptions"), lexicon, key_path + ("exceptions",), required=False),
                escalates=escalates,
                debtor_trigger=None
                if trigger is None
                else _per_language(reader, trigger, lexicon, key_path + ("debtor_trigger",), required=True),
            )
        )

    session_rules = {}
    session_node = reader.mapping(reader.required(top, "session_rules", ()), ("session_rules",))
    for kind in SESSION_RULE_KINDS:
        key_path = ("session_rules", kind)
        node = reader.mapping(reader.required(session_node, kind, ("session_rules",)), key_path)
        category = reader.text(node, "category", key_path)
        if category not in CATEGORIES:
            raise reader.fail(key_path + ("category",), f"unknown category {category!r}; expected one of {list(CATEGORIES)}")
        severity = reader.text(node, "severity", key_path)
        if severity not in SEVERITIES:
            raise reader.fail(key_path + ("severity",), f"unknown severity {severity!r}")
        session_rules[kind] = SessionRule(
            id=reader.text(node, "id", key_path),
            category=category,
            severity=severity,
            citation=reader.bilingual(node, "citation", key_path),
            explanation=reader.bilingual(node, "explanation", key_path),
            better=reader.bilingual(node, "better", key_path),
        )
    unknown_kinds = set(session_node) - set(SESSION_RULE_KINDS)
    if unknown_kinds:
        raise reader.fail(("session_rules",), f"unknown session rule(s) {sorted(unknown_kinds)}")
    for kind, expected in (("missing_disclosure", "missing_disclosure"), ("contact_frequency", "contact_frequency"), ("calling_hours", "calling_hours")):
        if session_rules[kind].category != expected:
            raise reader.fail(("session_rules", kind, "category"), f"must be {expected!r}")
    if session_rules["ignored_cease"].category not in SESSION_CATEGORIES + ("harassment",):
        raise reader.fail(("session_rules", "ignored_cease", "category"), "must be 'harassment'")

    return RulePack(
        regime=regime,
        title=reader.bilingual(top, "title", ()),
        calling_start=calling_start,
        calling_end=calling_end,
        contacts_per_day=reader.optional_count(limits, "contacts_per_day", ("limits",)),
        contacts_per_7_days=reader.optional_count(limits, "contacts_per_7_days", ("limits",)),
        opening_turns=opening_turns,
        disclosure=tuple(disclosure),
        rules=tuple(rules),
        session_rules=session_rules,
        debtor_cease=_per_language(reader, top.get("debtor_cease"), lexicon, ("debtor_cease",), required=True),
        source=Path(path),
        dispute_review=_dispute_review(reader, top.get("dispute_review")),
    )


def _dispute_review(reader: _Reader, node: Any) -> DisputeReview:
    """The optional `dispute_review: {max_overturn_rate: 0.2, min_rulings: 10}` (those are the defaults)."""
    if node is None:
        return DisputeReview()
    node = reader.mapping(node, ("dispute_review",))
    unknown = set(node) - {"max_overturn_rate", "min_rulings"}
    if unknown:
        raise reader.fail(("dispute_review",), f"unknown field(s) {sorted(unknown)}; known: max_overturn_rate, min_rulings")
    rate = node.get("max_overturn_rate", DisputeReview.max_overturn_rate)
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
        raise reader.fail(("dispute_review", "max_overturn_rate"), f"expected a share from 0 to 1 (0.2 = 20%), got {rate!r}")
    minimum = node.get("min_rulings", DisputeReview.min_rulings)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        raise reader.fail(("dispute_review", "min_rulings"), f"expected a positive whole number, got {minimum!r}")
    return DisputeReview(float(rate), minimum)


def rule_pack(regime: str, rules_dir: Optional[Path] = None) -> RulePack:
    """The validated pack for a regime from `rules_dir` (default: the data folder's rules), loaded once per folder."""
    if regime not in REGIMES:
        raise ScoringInputError(f"unknown regime {regime!r}; use cn or us / 未知监管规则 {regime!r}，请用 cn 或 us")
    return _rule_pack(regime, Path(rules_dir) if rules_dir is not None else paths.rules_dir())


@functools.lru_cache(maxsize=None)
def _rule_pack(regime: str, directory: Path) -> RulePack:
    pack = load_rule_pack(directory / f"{regime}.yml", lexicon(directory))
    if pack.regime != regime:
        raise RulePackError(f"{pack.source}:1: regime: file {regime}.yml declares regime {pack.regime!r}")
    return pack


def lexicon(rules_dir: Optional[Path] = None) -> Mapping[str, Tuple[str, ...]]:
    """The shared word lists of `rules_dir` (default: the data folder's rules), loaded once per folder."""
    return _lexicon(Path(rules_dir) if rules_dir is not None else paths.rules_dir())


@functools.lru_cache(maxsize=None)
def _lexicon(directory: Path) -> Mapping[str, Tuple[str, ...]]:
    return load_lexicon(directory / LEXICON_FILE)
