"""The call suite: collector calls written by separate authors, each with the outcome a trainer expects.

The authors never saw the personas' YAML or the NLU data (docs/personas.md, "The call suite"). Each
call names a scenario, a language, a style (good, bad or mixed), whether it is typed in Traditional
characters, the collector's lines, the expected outcome and why. Played through the real model and
action server, one line per turn; the call ends after its last line.

Gates: at least 90% of good calls reach promise_to_pay or payment_plan within their lines; every bad
call ends in hung_up, complaint or refused with the debtor's anger risen; mixed calls are reported.
A blind part of the suite (`BLIND_FILES`) is judged by its aggregates only: nobody tuning the
simulator reads its calls or their individual results, so nothing here prints them.
"""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from foundation.paths import REPO_ROOT
from rasa_client import RasaClient
from simulator.catalog import load_catalog

SUITE_DIR = REPO_ROOT / "data" / "eval" / "calls"
BLIND_FILES = frozenset({"c04.yml", "c05.yml", "c14.yml", "c15.yml"})
AGREEMENTS = frozenset({"promise_to_pay", "payment_plan"})
BAD_ENDINGS = frozenset({"hung_up", "complaint", "refused"})
STYLES = ("good", "bad", "mixed")
GOOD_RATE = 0.90
PERSONAS = ("willing_but_broke", "able_but_unwilling", "hostile", "evasive")


@dataclass(frozen=True)
class SuiteCall:
    file: str
    id: str
    scenario: str
    lang: str
    style: str
    traditional: bool
    lines: Tuple[str, ...]
    expect: str
    why: str

    @property
    def blind(self) -> bool:
        return self.file in BLIND_FILES


@dataclass(frozen=True)
class PlayedCall:
    call: SuiteCall
    persona: str
    outcome: Optional[str]
    anger_start: float
    anger_end: float
    turns: int
    transcript: str

    @property
    def meets_gate(self) -> Optional[bool]:
        """Good: an agreement; bad: a bad ending with anger risen; mixed: no gate (None)."""
        if self.call.style == "good":
            return self.outcome in AGREEMENTS
        if self.call.style == "bad":
            return self.outcome in BAD_ENDINGS and self.anger_end > self.anger_start
        return None

    @property
    def as_expected(self) -> bool:
        expect = self.call.expect
        if expect == "agreement":
            return self.outcome in AGREEMENTS
        return self.outcome == expect or expect not in AGREEMENTS | BAD_ENDINGS | {"agreement"}


def _calls_in(document: Any) -> List[Dict[str, Any]]:
    if isinstance(document, dict):
        document = document.get("calls", [])
    return list(document or [])


def load_suite(directory: Path = SUITE_DIR) -> List[SuiteCall]:
    calls = []
    for path in sorted(Path(directory).glob("c*.yml")):
        for item in _calls_in(yaml.safe_load(path.read_text(encoding="utf-8"))):
            calls.append(SuiteCall(
                file=path.name, id=str(item["id"]), scenario=str(item["scenario"]), lang=str(item["lang"]),
                style=str(item["style"]), traditional=bool(item.get("traditional", False)),
                lines=tuple(str(line) for line in item["lines"]), expect=str(item.get("expect", "")),
                why=str(item.get("why", "")),
            ))
    return calls


async def play_call(url: str, call: SuiteCall, persona: str) -> PlayedCall:
    session_id = f"suite-{uuid.uuid4().hex[:10]}"
    async with RasaClient(url, timeout=60.0) as client:
        opening = await client.start_session(session_id, call.scenario, call.lang, "coach", "call-suite")
        replies = [opening]
        for line in call.lines:
            reply = await client.send(session_id, line)
            replies.append(reply)
            if reply.ended:
                break
    states = [r.state for r in replies if r.state]
    anger_start = float(states[0]["anger"]) if states else 0.0
    anger_end = float(states[-1]["anger"]) if states else 0.0
    said = ("",) + call.lines
    transcript = "\n".join(
        f"  #{r.turn} {said[i] if i < len(said) else ''}\n     [{r.intent}] {_findings(r)} {r.state} -> {r.text}"
        for i, r in enumerate(replies))
    return PlayedCall(call, persona, replies[-1].outcome, anger_start, anger_end, len(replies) - 1, transcript)


def _findings(reply) -> str:
    violations = (reply.findings or {}).get("violations") or []
    return "{" + ", ".join(f"{v.get('category')}/{v.get('source')}" for v in violations) + "}" if violations else ""


def play_suite(url: str, calls: Sequence[SuiteCall]) -> List[PlayedCall]:
    catalog = load_catalog()

    async def run() -> List[PlayedCall]:
        return [await play_call(url, call, catalog.scenarios[call.scenario].persona) for call in calls]

    return asyncio.run(run())


def rate(played: Iterable[PlayedCall], style: str) -> Tuple[int, int]:
    """(calls meeting the gate, calls) of one style."""
    items = [p for p in played if p.call.style == style]
    return sum(bool(p.meets_gate) for p in items), len(items)


def table(played: Sequence[PlayedCall]) -> str:
    """persona × language × style: calls meeting the gate / calls, and the outcomes reached."""
    cells: Dict[Tuple[str, str, str], List[PlayedCall]] = defaultdict(list)
    for p in played:
        cells[p.persona, p.call.lang, p.call.style].append(p)
    header = f"| persona | lang | {' | '.join(STYLES)} |"
    lines = [header, "|" + "---|" * (2 + len(STYLES))]
    for persona in PERSONAS:
        for lang in ("zh", "en"):
            row = []
            for style in STYLES:
                items = cells.get((persona, lang, style), [])
                if not items:
                    row.append("–")
                    continue
                outcomes = Counter(p.outcome or "no outcome" for p in items)
                spread = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
                if style == "mixed":
                    row.append(f"{len(items)}: {spread}")
                else:
                    row.append(f"{sum(bool(p.meets_gate) for p in items)}/{len(items)} ({spread})")
            lines.append(f"| {persona} | {lang} | {' | '.join(row)} |")
    return "\n".join(lines)


def summary(played: Sequence[PlayedCall], label: str) -> str:
    good, good_n = rate(played, "good")
    bad, bad_n = rate(played, "bad")
    mixed = [p for p in played if p.call.style == "mixed"]
    mixed_outcomes = Counter(p.outcome or "no outcome" for p in mixed)
    traditional = [p for p in played if p.call.traditional and p.meets_gate is not None]
    return (f"{label}: good {good}/{good_n} reach an agreement ({good / good_n if good_n else 0:.0%}); "
            f"bad {bad}/{bad_n} end badly with anger risen; mixed {len(mixed)}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(mixed_outcomes.items()))
            + f"; Traditional-script calls meeting their gate {sum(bool(p.meets_gate) for p in traditional)}/{len(traditional)}")
