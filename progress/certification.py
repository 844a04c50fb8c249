"""The certification policy (data/certification.yml) and how a trainee measures up against it.

The policy is data so a training centre can tighten it without touching code; it is validated when
loaded and every error names the file, the line and the field. `evaluate` is pure reading: it says
which level the evidence supports and, for the next level, exactly which exams are still missing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import yaml

from foundation.labels import label_or_id, labels
from progress import vocab
from progress.errors import PolicyError

LEVEL_KEYS = {"level", "window_days", "mode", "personas", "languages", "passes_each", "min_scores",
              "max_critical_violations", "max_violations", "valid_days"}
# A level about to expire shows in reports and reminders this many days ahead, and may be renewed.
EXPIRY_NOTICE_DAYS = 14


@dataclass(frozen=True)
class LevelRule:
    """What one certification level asks for: passes per persona (× language) inside a time window."""

    level: int
    name_zh: str
    name_en: str
    window_days: int
    mode: str
    personas: Tuple[str, ...]
    languages: Tuple[str, ...]  # empty: any one language will do for each persona
    passes_each: int
    min_scores: Tuple[Tuple[str, float], ...]
    max_critical_violations: int
    max_violations: Optional[int]
    valid_days: Optional[int] = None  # None: a grant of this level never expires

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def requirement_keys(self) -> List[Tuple[str, Optional[str]]]:
        return [(persona, lang) for persona in self.personas for lang in (self.languages or (None,))]


@dataclass(frozen=True)
class Policy:
    source: str
    levels: Tuple[LevelRule, ...]

    def level(self, number: int) -> Optional[LevelRule]:
        return next((rule for rule in self.levels if rule.level == number), None)


@dataclass(frozen=True)
class Requirement:
    """One persona (× language) bucket of a level: how many qualifying exams it needs and has."""

    persona: str
    lang: Optional[str]
    needed: int
    have: int
    evidence: Tuple[str, ...]
    best_overall: Optional[float]

    @property
    def met(self) -> bool:
        return self.have >= self.needed

    def describe(self, lang: str) -> str:
        left = self.needed - self.have
        persona = label_or_id("personas", self.persona, lang)
        where_en = persona + (f" in {self.lang}" if self.lang else "")
        where_zh = persona + (f"（{self.lang}）" if self.lang else "")
        best = "" if self.best_overall is None else (
            f"; 最好成绩 {self.best_overall:.0f}" if lang == "zh" else f"; best so far {self.best_overall:.0f}")
        if lang == "zh":
            return f"{where_zh}：还需 {left} 次合格考试{best}"
        return f"{where_en}: {left} more passing exam{'s' if left != 1 else ''}{best}"


@dataclass(frozen=True)
class LevelProgress:
    level: int
    name_zh: str
    name_en: str
    met: bool
    requirements: Tuple[Requirement, ...]

    @property
    def evidence(self) -> List[str]:
        return sorted({sid for req in self.requirements for sid in req.evidence})


@dataclass(frozen=True)
class CertificationStatus:
    """Where a trainee stands: the level held (granted, not revoked), the level the evidence supports,
    and what is left for the next one."""

    trainee_id: str
    held_level: int
    earned_level: int
    levels: Tuple[LevelProgress, ...]
    thresholds: Dict[int, dict] = field(default_factory=dict)

    @property
    def next_level(self) -> Optional[LevelProgress]:
        target = max(self.held_level, self.earned_level) + 1
        return next((lvl for lvl in self.levels if lvl.level == target), None)

    @property
    def missing(self) -> List[Requirement]:
        nxt = self.next_level
        return [req for req in nxt.requirements if not req.met] if nxt else []

    def what_is_left(self, lang: str = "en") -> List[str]:
        nxt = self.next_level
        if nxt is None:
            return ["已达到最高认证等级" if lang == "zh" else "highest level reached"]
        bar = _bar_text(self.thresholds.get(nxt.level, {}), lang)
        name = nxt.name_zh if lang == "zh" else nxt.name_en
        head = f"距离{name}：每次考试需 {bar}" if lang == "zh" else f"for {name}, each exam needs {bar}"
        return [head] + [req.describe(lang) for req in self.missing]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["next_level"] = self.next_level.level if self.next_level else None
        data["missing"] = [asdict(req) for req in self.missing]
        data["what_is_left"] = {"en": self.what_is_left("en"), "zh": self.what_is_left("zh")}
        return data


# -- loading -------------------------------------------------------------------------------------

def load_policy(path: Union[str, Path]) -> Policy:
    """Read and validate the policy; raise PolicyError naming file, line and field on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(path, f"cannot read the policy ({exc.strerror})") from exc
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise PolicyError(path, f"not valid YAML ({getattr(exc, 'problem', exc)})", line) from exc
    return _Validator(path).policy(root)


class _Validator:
    """Walks the composed YAML nodes, so every error can point at its line."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node, field_name: str, problem: str):
        raise PolicyError(self.path, problem, node.start_mark.line + 1 if node is not None else None, field_name)

    def mapping(self, node, field_name: str) -> Dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, field_name, "must be a mapping")
        result = {}
        for key, value in node.value:
            result[str(key.value)] = value
        return result

    def scalar(self, node, field_name: str):
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, field_name, "must be a single value")
        return yaml.safe_load(yaml.serialize(node))

    def integer(self, node, field_name: str, minimum: int = 0) -> int:
        value = self.scalar(node, field_name)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(node, field_name, f"must be a whole number ≥ {minimum}, got {value!r}")
        return value

    def choices(self, node, field_name: str, allowed: tuple, everything_word: str) -> Tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node, field_name)
            if value == everything_word:
                return allowed if everything_word == "all" else ()
            self.fail(node, field_name, f"must be {everything_word!r} or a list of {', '.join(allowed)}")
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, field_name, f"must be {everything_word!r} or a non-empty list")
        values = []
        for item in node.value:
            value = self.scalar(item, field_name)
            if value not in allowed:
                self.fail(item, field_name, f"{value!r} is not one of {', '.join(allowed)}")
            values.append(value)
        return tuple(values)

    def policy(self, root) -> Policy:
        if root is None:
            raise PolicyError(self.path, "the file is empty")
        top = self.mapping(root, "(top level)")
        if "levels" not in top:
            self.fail(root, "levels", "is missing")
        levels_node = top["levels"]
        if not isinstance(levels_node, yaml.SequenceNode) or not levels_node.value:
            self.fail(levels_node, "levels", "must be a non-empty list")
        levels = [self.level(node, index) for index, node in enumerate(levels_node.value)]
        numbers = [rule.level for rule in levels]
        if numbers != list(range(1, len(levels) + 1)):
            self.fail(levels_node, "levels", f"levels must be numbered 1, 2, … in order, got {numbers}")
        return Policy(str(self.path), tuple(levels))

    def level(self, node, index: int) -> LevelRule:
        where = f"levels[{index}]"
        fields = self.mapping(node, where)
        if "name" in fields:
            self.fail(fields["name"], f"{where}.name",
                      "level names live in data/i18n/labels.yml (levels), the one source of labels")
        unknown = sorted(set(fields) - LEVEL_KEYS)
        if unknown:
            self.fail(fields[unknown[0]], f"{where}.{unknown[0]}", f"unknown field (known: {', '.join(sorted(LEVEL_KEYS))})")
        for required in ("level", "window_days", "min_scores"):
            if required not in fields:
                self.fail(node, f"{where}.{required}", "is missing")
        number = self.integer(fields["level"], f"{where}.level", 1)
        level_labels = labels()
        if not level_labels.has("levels", number):
            self.fail(fields["level"], f"{where}.level",
                      f"level {number} has no name in {level_labels.source} (levels: {number})")
        mode = self.scalar(fields["mode"], f"{where}.mode") if "mode" in fields else "exam"
        if mode not in vocab.MODES:
            self.fail(fields["mode"], f"{where}.mode", f"{mode!r} is not one of {', '.join(vocab.MODES)}")
        scores = {}
        for key, value_node in self.mapping(fields["min_scores"], f"{where}.min_scores").items():
            value = self.scalar(value_node, f"{where}.min_scores.{key}")
            if key not in vocab.SCORE_DIMENSIONS:
                self.fail(value_node, f"{where}.min_scores.{key}", f"not one of {', '.join(vocab.SCORE_DIMENSIONS)}")
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
                self.fail(value_node, f"{where}.min_scores.{key}", f"must be a number from 0 to 100, got {value!r}")
            scores[key] = float(value)
        max_violations = None
        if "max_violations" in fields:
            max_violations = self.integer(fields["max_violations"], f"{where}.max_violations")
        return LevelRule(
            level=number,
            name_zh=level_labels.get("levels", number, "zh"),
            name_en=level_labels.get("levels", number, "en"),
            window_days=self.integer(fields["window_days"], f"{where}.window_days", 1),
            mode=mode,
            personas=self.choices(fields["personas"], f"{where}.personas", vocab.PERSONAS, "all")
            if "personas" in fields else vocab.PERSONAS,
            languages=self.choices(fields["languages"], f"{where}.languages", vocab.LANGUAGES, "any")
            if "languages" in fields else (),
            passes_each=self.integer(fields["passes_each"], f"{where}.passes_each", 1) if "passes_each" in fields else 1,
            min_scores=tuple(sorted(scores.items())),
            max_critical_violations=self.integer(fields["max_critical_violations"], f"{where}.max_critical_violations")
            if "max_critical_violations" in fields else 0,
            max_violations=max_violations,
            valid_days=self.integer(fields["valid_days"], f"{where}.valid_days", 1) if "valid_days" in fields else None,
        )


# -- evaluating ----------------------------------------------------------------------------------

def evaluate(store, trainee_id: str, policy: Policy) -> CertificationStatus:
    """Measure the trainee's completed sessions against every level of the policy."""
    held = store.current_level(trainee_id)
    revocations = store.query(
        "select level, max(revoked_at) as revoked_at from certifications "
        "where trainee_id = ? and revoked_at is not null group by level", [trainee_id])
    now = store.clock().astimezone(dt.timezone.utc)
    progress, earned, still_climbing = [], 0, True
    for rule in policy.levels:
        since = (now - dt.timedelta(days=rule.window_days)).strftime("%Y-%m-%d %H:%M:%S")
        # A revocation wipes the slate for that level and above: only newer exams count again.
        for row in revocations:
            if row["level"] <= rule.level and row["revoked_at"] > since:
                since = row["revoked_at"]
        sessions = store.query(
            "select s.id, s.lang, s.overall, s.compliance, s.nvc, s.deescalation, s.critical_count, "
            "s.violation_count, sc.persona from sessions s join scenarios sc on sc.id = s.scenario_id "
            "where s.trainee_id = ? and s.mode = ? and s.status = 'completed' and s.ended_at > ? "
            "order by s.ended_at, s.id", [trainee_id, rule.mode, since])
        requirements = tuple(_requirement(rule, persona, lang, sessions) for persona, lang in rule.requirement_keys())
        met = all(req.met for req in requirements)
        if met and still_climbing:
            earned = rule.level
        else:
            still_climbing = False
        progress.append(LevelProgress(rule.level, rule.name_zh, rule.name_en, met, requirements))
    thresholds = {rule.level: _threshold_text(rule) for rule in policy.levels}
    return CertificationStatus(trainee_id, held, earned, tuple(progress), thresholds)


def qualifies(rule: LevelRule, session: dict) -> bool:
    for dimension, minimum in rule.min_scores:
        value = session.get(dimension)
        if value is None or value < minimum:
            return False
    if (session.get("critical_count") or 0) > rule.max_critical_violations:
        return False
    if rule.max_violations is not None and (session.get("violation_count") or 0) > rule.max_violations:
        return False
    return True


def _requirement(rule: LevelRule, persona: str, lang: Optional[str], sessions: List[dict]) -> Requirement:
    bucket = [s for s in sessions if s["persona"] == persona and (lang is None or s["lang"] == lang)]
    passing = [s["id"] for s in bucket if qualifies(rule, s)]
    scored = [s["overall"] for s in bucket if s["overall"] is not None]
    return Requirement(persona, lang, rule.passes_each, min(len(passing), rule.passes_each),
                       tuple(passing[-rule.passes_each:]), max(scored) if scored else None)


def _threshold_text(rule: LevelRule) -> dict:
    bar = {dimension: minimum for dimension, minimum in rule.min_scores}
    bar["max_critical_violations"] = rule.max_critical_violations
    if rule.max_violations is not None:
        bar["max_violations"] = rule.max_violations
    bar["window_days"] = rule.window_days
    return bar


def _bar_text(bar: dict, lang: str) -> str:
    parts = [f"{label_or_id('dimensions', dimension, lang)} ≥ {bar[dimension]:g}"
             for dimension in vocab.SCORE_DIMENSIONS if dimension in bar]
    critical = bar.get("max_critical_violations", 0)
    if lang == "zh":
        parts.append("无严重违规" if critical == 0 else f"严重违规不超过 {critical} 次")
        if "max_violations" in bar:
            parts.append(f"违规不超过 {bar['max_violations']} 次")
        parts.append(f"近 {bar.get('window_days', '?')} 天内")
        return "，".join(parts)
    parts.append("no critical violation" if critical == 0 else f"at most {critical} critical violations")
    if "max_violations" in bar:
        parts.append(f"at most {bar['max_violations']} violations")
    parts.append(f"within the last {bar.get('window_days', '?')} days")
    return ", ".join(parts)
