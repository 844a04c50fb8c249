"""Score a trained Rasa model on the held-out NLU set (data/nlu_heldout).

The held-out examples are never passed to `rasa train`, so their intent F1 is an honest estimate
of how well the simulator will read a trainee's line. The run fails (exit 1) when intent macro-F1
drops below the bar, which lets CI reject a data change that blurs intents such as
explain_consequences and threaten.

    .venv/bin/python scripts/nlu_eval.py [--model models/xxx.tar.gz] [--data data/nlu_heldout]
                                         [--min-f1 0.90] [--errors] [--json FILE]

The loader below is also what tests/nlu/ use to check the training data without a model, so
both sides read the YAML the same way (language from each block's `metadata.lang`, or guessed from
the script for blocks that carry none).
"""
from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "data" / "nlu"
HELDOUT_DIR = ROOT / "data" / "nlu_heldout"
# Held-out passes by separate authors who never saw data/nlu, one register per file; frozen.
AUTHORS_DIR = "authors"
LANGUAGES = ("en", "zh")
ENTITY_TYPES = ("amount", "date")
# The gates (issue 12): overall intent macro-F1, each language, entity F1; each also per slice.
DEFAULT_MIN_F1 = 0.92
DEFAULT_MIN_LANG_F1 = 0.90
DEFAULT_MIN_ENTITY_F1 = 0.85
FALLBACK_INTENT = "nlu_fallback"
# The debtor engine answers a fallback exactly as it answers out_of_scope ("sorry, say that
# again?", simulator.acts.TraineeAct.label), so a fallback is scored as out_of_scope: right for a
# line that was out of scope, a miss for any real act.
FALLBACK_ACTS_AS = "out_of_scope"

# Rasa's short annotation form: [text](entity). Only this form is used in our data.
CJK = re.compile(r"[\u4e00-\u9fff]")
ANNOTATION = re.compile(r"\[(?P<value>[^\[\]]+)\]\((?P<entity>[^()]+)\)")


class NluDataError(ValueError):
    """Raised when an NLU YAML file is malformed; the message names file and line."""


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    entity: str
    value: str


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    lang: str
    entities: Tuple[Entity, ...]
    source: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def slice(self) -> str:
        """`base` for the project's own held-out files, the file's stem for an author's pass
        (data/nlu_heldout/authors/n01.yml → `n01`)."""
        path = Path(self.source)
        return path.stem if path.parent.name == AUTHORS_DIR else "base"


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Prediction:
    example: Example
    intent: str
    confidence: float
    entities: Tuple[Entity, ...]
    ranked_intent: Optional[str] = None  # best real intent when the fallback fired
    # The two best real intents' confidences, to replay other fallback thresholds offline.
    ranked_confidences: Tuple[float, ...] = ()

    @property
    def acted(self) -> str:
        """The act the debtor engine answers."""
        return FALLBACK_ACTS_AS if self.intent == FALLBACK_INTENT else self.intent


@dataclass(frozen=True)
class SliceFigures:
    """The gates' figures for one slice of the held-out set (the base files, or one author's pass)."""

    examples: int
    macro_f1: float
    macro_f1_by_lang: Dict[str, float]
    entity_f1: float
    entities: int


@dataclass(frozen=True)
class EvalReport:
    macro_f1: float
    accuracy: float
    per_intent: Tuple[IntentScore, ...]
    macro_f1_by_lang: Dict[str, float]
    entity_f1: float
    predictions: Tuple[Prediction, ...]
    macro_f1_without_fallback: float
    by_slice: Dict[str, "SliceFigures"]

    @property
    def errors(self) -> List[Prediction]:
        return [p for p in self.predictions if p.acted != p.example.intent]


def parse_annotated(raw: str, where: str) -> Tuple[str, Tuple[Entity, ...]]:
    """Strip `[value](entity)` marks, returning plain text and character-offset entities."""
    plain_parts: List[str] = []
    entities: List[Entity] = []
    cursor = 0
    length = 0
    for match in ANNOTATION.finditer(raw):
        before = raw[cursor:match.start()]
        plain_parts.append(before)
        length += len(before)
        value, entity = match.group("value"), match.group("entity").strip()
        if entity not in ENTITY_TYPES:
            raise NluDataError(f"{where}: unknown entity '{entity}' (known: {', '.join(ENTITY_TYPES)})")
        if value != value.strip():
            raise NluDataError(f"{where}: entity value '{value}' has surrounding spaces")
        entities.append(Entity(length, length + len(value), entity, value))
        plain_parts.append(value)
        length += len(value)
        cursor = match.end()
    plain_parts.append(raw[cursor:])
    text = "".join(plain_parts)
    if "[" in text or "]" in text:
        raise NluDataError(f"{where}: malformed entity annotation in '{raw}'")
    return text, tuple(entities)


def guess_lang(text: str) -> str:
    """For blocks without metadata.lang (e.g. the lead's session-control shortcuts)."""
    return "zh" if CJK.search(text) else "en"


def _block_examples(node: yaml.Node, source: str) -> Iterable[Tuple[str, int]]:
    """Yield (example text, 1-based file line) from an `examples: |` block scalar."""
    if not isinstance(node, yaml.ScalarNode) or node.style != "|":
        raise NluDataError(f"{source}:{node.start_mark.line + 1}: 'examples' must be a '|' block")
    first_line = node.start_mark.line + 2  # the line after `examples: |`, 1-based
    for offset, raw_line in enumerate(node.value.split("\n")):
        stripped = raw_line.strip()
        if not stripped:
            continue
        if not stripped.startswith("- "):
            raise NluDataError(f"{source}:{first_line + offset}: example must start with '- '")
        yield stripped[2:].strip(), first_line + offset


def _mapping(node: yaml.Node) -> Dict[str, yaml.Node]:
    return {key.value: value for key, value in node.value}


def load_file(path: Path) -> List[Example]:
    """Load one NLU file, validating what the project relies on: version, intent, lang, annotations."""
    source = str(path.relative_to(ROOT)) if path.is_absolute() and ROOT in path.parents else str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise NluDataError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise NluDataError(f"{source}:1: top level must be a mapping")
    top = _mapping(root)
    version = top.get("version")
    if version is None or version.value != "3.1":
        raise NluDataError(f'{source}:1: must start with version: "3.1"')
    nlu = top.get("nlu")
    if not isinstance(nlu, yaml.SequenceNode):
        raise NluDataError(f"{source}: missing 'nlu' list")
    examples: List[Example] = []
    for item in nlu.value:
        line = item.start_mark.line + 1
        fields = _mapping(item)
        if "intent" not in fields:
            raise NluDataError(f"{source}:{line}: only 'intent' blocks belong in this file")
        intent = fields["intent"].value
        meta = fields.get("metadata")
        lang_node = _mapping(meta).get("lang") if isinstance(meta, yaml.MappingNode) else None
        if lang_node is not None and lang_node.value not in LANGUAGES:
            raise NluDataError(f"{source}:{line}: intent '{intent}' has metadata.lang "
                               f"'{lang_node.value}'; use one of {', '.join(LANGUAGES)}")
        if "examples" not in fields:
            raise NluDataError(f"{source}:{line}: intent '{intent}' has no examples")
        for raw, example_line in _block_examples(fields["examples"], source):
            where = f"{source}:{example_line}"
            text, entities = parse_annotated(raw, where)
            if not text.strip():
                raise NluDataError(f"{where}: empty example")
            lang = lang_node.value if lang_node is not None else guess_lang(text)
            examples.append(Example(text, intent, lang, entities, source, example_line))
    return examples


def load_examples(directory: Path) -> List[Example]:
    """Every example under `directory`, the authors' passes (`authors/*.yml`) included."""
    paths = sorted(Path(directory).glob("*.yml")) + sorted(Path(directory).glob(f"{AUTHORS_DIR}/*.yml"))
    if not paths:
        raise NluDataError(f"{directory}: no .yml files")
    return [example for path in paths for example in load_file(path)]


def normalise(text: str) -> str:
    """Case-, space- and punctuation-insensitive key, used to spot duplicates across splits."""
    return re.sub(r"[\W_]+", "", text.lower())


def score_intents(gold: Sequence[str], predicted: Sequence[str]) -> Tuple[IntentScore, ...]:
    """Per-intent precision/recall/F1 over the gold intents; fallbacks count as misses."""
    labels = sorted(set(gold))
    true_pos: Counter = Counter()
    pred_count: Counter = Counter(predicted)
    gold_count: Counter = Counter(gold)
    for g, p in zip(gold, predicted):
        if g == p:
            true_pos[g] += 1
    scores = []
    for label in labels:
        precision = true_pos[label] / pred_count[label] if pred_count[label] else 0.0
        recall = true_pos[label] / gold_count[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(IntentScore(label, precision, recall, f1, gold_count[label]))
    return tuple(scores)


def macro(scores: Iterable[IntentScore]) -> float:
    values = [s.f1 for s in scores]
    return sum(values) / len(values) if values else 0.0


def entity_f1(predictions: Sequence[Prediction], exact: bool = True) -> float:
    """Micro F1 over amount/date entities: exact span and type (the gate), or, as a diagnostic of how
    much is only where annotators bound a span ("the 15th" / "15th", "860块" / "860"), any overlap
    with an entity of the same type."""
    gold = {(i, e.start, e.end, e.entity) for i, p in enumerate(predictions) for e in p.example.entities}
    found = {(i, e.start, e.end, e.entity) for i, p in enumerate(predictions) for e in p.entities
             if e.entity in ENTITY_TYPES}
    if not gold and not found:
        return 1.0
    if exact:
        found_hits = gold_hits = len(gold & found)
    else:
        def meets(a, b):
            return a[0] == b[0] and a[3] == b[3] and a[1] < b[2] and b[1] < a[2]
        found_hits = sum(any(meets(f, g) for g in gold) for f in found)
        gold_hits = sum(any(meets(g, f) for f in found) for g in gold)
    precision = found_hits / len(found) if found else 0.0
    recall = gold_hits / len(gold) if gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _by_lang(predictions: Sequence[Prediction]) -> Dict[str, float]:
    by_lang = {}
    for lang in LANGUAGES:
        subset = [p for p in predictions if p.example.lang == lang]
        if subset:
            by_lang[lang] = macro(score_intents([p.example.intent for p in subset], [p.acted for p in subset]))
    return by_lang


def macro_f1_at(predictions: Sequence[Prediction], threshold: float, ambiguity: float) -> float:
    """Intent macro-F1 had the FallbackClassifier used these thresholds (replayed from the ranking)."""
    acted = []
    for p in predictions:
        confidences = p.ranked_confidences or (p.confidence,)
        top = confidences[0]
        second = confidences[1] if len(confidences) > 1 else 0.0
        fell_back = top < threshold or (ambiguity > 0 and top - second < ambiguity)
        acted.append(FALLBACK_ACTS_AS if fell_back or not p.ranked_intent else p.ranked_intent)
    return macro(score_intents([p.example.intent for p in predictions], acted))


def slice_figures(predictions: Sequence[Prediction]) -> Dict[str, SliceFigures]:
    slices: Dict[str, List[Prediction]] = defaultdict(list)
    for p in predictions:
        slices[p.example.slice].append(p)
    return {
        name: SliceFigures(
            len(items),
            macro(score_intents([p.example.intent for p in items], [p.acted for p in items])),
            _by_lang(items), entity_f1(items), sum(len(p.example.entities) for p in items))
        for name, items in sorted(slices.items(), key=lambda kv: (kv[0] != "base", kv[0]))
    }


def build_report(predictions: Sequence[Prediction]) -> EvalReport:
    gold = [p.example.intent for p in predictions]
    predicted = [p.acted for p in predictions]
    per_intent = score_intents(gold, predicted)
    by_lang = _by_lang(predictions)
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    unfallen = [p.ranked_intent if p.intent == FALLBACK_INTENT and p.ranked_intent else p.intent
                for p in predictions]
    return EvalReport(macro(per_intent), accuracy, per_intent, by_lang,
                      entity_f1(predictions), tuple(predictions), macro(score_intents(gold, unfallen)),
                      slice_figures(predictions))


def predict(model_path: Path, examples: Sequence[Example]) -> List[Prediction]:
    """Parse every example with the trained model (Rasa imported here so tests stay fast)."""
    for name, value in (("RASA_TELEMETRY_ENABLED", "false"), ("TF_CPP_MIN_LOG_LEVEL", "2"),
                        ("SQLALCHEMY_SILENCE_UBER_WARNING", "1")):
        os.environ.setdefault(name, value)
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise every parse is logged to stdout at DEBUG
    agent = Agent.load(str(model_path))

    async def parse_all() -> List[Prediction]:
        results = []
        for example in examples:
            parsed = await agent.parse_message(example.text)
            intent = parsed.get("intent") or {}
            entities = tuple(
                Entity(e["start"], e["end"], e["entity"], str(e.get("value", "")))
                for e in parsed.get("entities", [])
            )
            ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != FALLBACK_INTENT]
            results.append(Prediction(example, intent.get("name") or FALLBACK_INTENT,
                                      float(intent.get("confidence") or 0.0), entities,
                                      ranking[0]["name"] if ranking else None,
                                      tuple(float(r.get("confidence") or 0.0) for r in ranking[:2])))
        return results

    return asyncio.run(parse_all())


def newest_model(models_dir: Path) -> Optional[Path]:
    candidates = sorted(glob.glob(str(models_dir / "*.tar.gz")), key=os.path.getmtime)
    return Path(candidates[-1]) if candidates else None


def render(report: EvalReport, min_f1: float, show_errors: bool) -> str:
    """The overall macro-F1 comes first: CI greps the first 'macro-F1 <number>' in the output."""
    verdict = "PASS" if report.macro_f1 >= min_f1 else "FAIL"
    by_lang = ", ".join(f"{lang} {value:.3f}" for lang, value in report.macro_f1_by_lang.items())
    lines = [
        f"intent macro-F1: {report.macro_f1:.3f} (bar {min_f1:.2f}) {verdict}",
        f"by language: {by_lang}",
        f"accuracy: {report.accuracy:.3f}",
        f"entity F1 (amount, date; exact span): {report.entity_f1:.3f} "
        f"(any overlap of the right type: {entity_f1(report.predictions, exact=False):.3f})",
        f"fallbacks: {sum(p.intent == FALLBACK_INTENT for p in report.predictions)}; if each took its top-ranked "
        f"intent instead, macro-F1 would be {report.macro_f1_without_fallback:.3f}",
        "",
        f"{'intent':<24}{'prec':>7}{'recall':>8}{'f1':>7}{'n':>5}",
    ]
    for s in sorted(report.per_intent, key=lambda s: (s.f1, s.intent)):
        lines.append(f"{s.intent:<24}{s.precision:>7.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.support:>5}")
    lines.append("")
    lines.append(render_slices(report))
    if show_errors and report.errors:
        lines.append("")
        lines.append("misread examples:")
        confusions = defaultdict(list)
        for p in report.errors:
            confusions[(p.example.intent, p.intent)].append(p)
        for (gold, got), items in sorted(confusions.items(), key=lambda kv: -len(kv[1])):
            for p in items:
                lines.append(f"  {gold} -> {got} ({p.confidence:.2f}) {p.example.where}: {p.example.text}")
    return "\n".join(lines)


def render_slices(report: EvalReport) -> str:
    lines = [f"{'slice':<8}{'n':>5}{'macro-F1':>10}{'en':>7}{'zh':>7}{'entity F1':>11}{'entities':>10}"]
    for name, figures in report.by_slice.items():
        by_lang = [f"{figures.macro_f1_by_lang[lang]:>7.3f}" if lang in figures.macro_f1_by_lang else f"{'–':>7}"
                   for lang in LANGUAGES]
        entity = f"{figures.entity_f1:>11.3f}" if figures.entities else f"{'–':>11}"
        lines.append(f"{name:<8}{figures.examples:>5}{figures.macro_f1:>10.3f}{''.join(by_lang)}{entity}"
                     f"{figures.entities:>10}")
    return "\n".join(lines)


def gate_failures(report: EvalReport, min_f1: float = DEFAULT_MIN_F1, min_lang_f1: float = DEFAULT_MIN_LANG_F1,
                  min_entity_f1: float = DEFAULT_MIN_ENTITY_F1) -> List[str]:
    """Every gate missed, overall and per slice; empty when the model passes."""
    failures = []
    scopes = [("overall", report.macro_f1, report.macro_f1_by_lang, report.entity_f1, 1)]
    scopes += [(f"slice {name}", f.macro_f1, f.macro_f1_by_lang, f.entity_f1, f.entities)
               for name, f in report.by_slice.items()]
    for scope, macro_f1, by_lang, entity, entity_count in scopes:
        if macro_f1 < min_f1:
            failures.append(f"{scope}: intent macro-F1 {macro_f1:.3f} < {min_f1:.2f}")
        failures += [f"{scope}: {lang} macro-F1 {value:.3f} < {min_lang_f1:.2f}"
                     for lang, value in by_lang.items() if value < min_lang_f1]
        if entity_count and entity < min_entity_f1:
            failures.append(f"{scope}: entity F1 {entity:.3f} < {min_entity_f1:.2f}")
    return failures


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path,
                        help="trained model .tar.gz (default: newest in $DOJO_MODEL_DIR or models/)")
    parser.add_argument("--data", type=Path, default=HELDOUT_DIR, help="held-out NLU directory")
    parser.add_argument("--min-f1", type=float, default=DEFAULT_MIN_F1, help="macro-F1 bar (exit 1 below)")
    parser.add_argument("--min-lang-f1", type=float, default=DEFAULT_MIN_LANG_F1, help="per-language bar")
    parser.add_argument("--min-entity-f1", type=float, default=DEFAULT_MIN_ENTITY_F1, help="entity F1 bar")
    parser.add_argument("--errors", action="store_true", help="list every misread example")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)

    model = args.model or newest_model(Path(os.environ.get("DOJO_MODEL_DIR") or ROOT / "models"))
    if model is None or not Path(model).exists():
        print(f"no trained model found ({model or 'models/*.tar.gz'}); train one first, "
              "e.g. `make model`", file=sys.stderr)
        return 2
    try:
        examples = load_examples(args.data)
    except NluDataError as exc:
        print(f"held-out data error: {exc}", file=sys.stderr)
        return 2

    report = build_report(predict(Path(model), examples))
    print(render(report, args.min_f1, args.errors))
    if args.json:
        args.json.write_text(json.dumps({
            "model": str(model),
            "macro_f1": report.macro_f1,
            "accuracy": report.accuracy,
            "macro_f1_by_lang": report.macro_f1_by_lang,
            "entity_f1": report.entity_f1,
            "macro_f1_without_fallback": report.macro_f1_without_fallback,
            "per_intent": {s.intent: {"precision": s.precision, "recall": s.recall, "f1": s.f1,
                                      "support": s.support} for s in report.per_intent},
            "by_slice": {name: asdict(figures) for name, figures in report.by_slice.items()},
        }, ensure_ascii=False, indent=2), encoding="utf-8")
    failures = gate_failures(report, args.min_f1, args.min_lang_f1, args.min_entity_f1)
    for failure in failures:
        print(f"GATE MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
