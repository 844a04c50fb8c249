"""The debtor's words: per persona, a bank of lines keyed by situation × mood × language.

Lines live in `data/personas/lines/<persona>.yml`. A situation whose mood is fixed by what happens
(hanging up, agreeing, the dead line) may give one `any` pool instead of calm/wary/angry. Every
line has a stable id (`persona.situation.mood.lang.N`) so transcripts can log which one was said
and the engine can avoid saying the same thing twice in a row.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Mapping, Tuple

from simulator.errors import UnknownLineSituation
from simulator.fields import LANGUAGES, FieldReader
from simulator.state import MOODS
from simulator.yaml_source import load_yaml

SITUATIONS = (
    "opening",              # picks up the phone
    "who_is_it",            # greeted, or asked to verify before the caller said who they are
    "identified",           # caller gave name, organisation, purpose and recording notice
    "verified",             # answers the identity check
    "debt_stated",          # hears the amount and days overdue
    "hardship",             # tells why they fell behind ({reason})
    "capacity",             # says what they could pay ({can_pay})
    "acknowledged",         # feelings were acknowledged
    "calmed",               # anger just fell out of the angry range
    "apology",              # the caller apologised
    "consequences",         # lawful consequences were explained accurately
    "bluff",                # a false legal threat was made: "you're bluffing"
    "considering",          # hears a plan or proposal but is not there yet
    "full_amount_refused",  # asked for more than they can pay now
    "counter_offer",        # asked for more than they can pay now, but ready: "{amount} by {date} instead"
    "date_offer",           # given an amount without a date, and ready: names the day ("{amount}… {date}, then")
    "own_offer",            # asked to commit with no amount on the table, and ready: names what and when
    "stall",                # bargains, delays, "hold on"
    "vague_promise",        # "next week, maybe" — not a commitment
    "will_think",           # told to take their time: "I'll think it over" — not a commitment
    "dodge",                # changes the subject, gets off the phone
    "tentative_promise",    # "{amount} by {date}… I think I can do that"
    "tentative_plan",       # "{amount} a month from {date}… that could work"
    "accept_promise",       # commits: amount and date said back
    "accept_plan",          # commits to the instalment plan
    "threat",               # reacts to a threat
    "insult",               # reacts to an insult
    "pressure",             # reacts to pressure / harassment
    "disclosure",           # reacts to the debt being told to others
    "argued",               # reacts to being argued with
    "refusal",              # ends without agreeing
    "hang_up",              # hangs up
    "complaint",            # announces a complaint to the regulator
    "ask_repeat",           # did not understand / nothing was said
    "rambling",             # the caller talked far too long
    "line_dead",            # anything after the call ended
)
# Agreement lines must say back what was agreed, so a transcript shows the exact terms.
REQUIRED_PLACEHOLDERS = {situation: ("amount", "date") for situation in
                         ("tentative_promise", "tentative_plan", "counter_offer", "date_offer", "own_offer", "accept_promise",
                          "accept_plan")}
ANY_MOOD = "any"
MIN_VARIANTS = 3
PLACEHOLDERS = ("name", "amount", "date", "agent_org", "owed", "can_pay", "reason", "product",
                "days", "regulator")


@dataclass(frozen=True)
class Line:
    id: str
    text: str


@dataclass(frozen=True)
class LineBank:
    """All lines of one persona; `pool()` resolves a mood to its own lines or the `any` pool."""

    persona: str
    pools: Mapping[Tuple[str, str, str], Tuple[Line, ...]]

    def pool(self, situation: str, mood: str, lang: str) -> Tuple[Line, ...]:
        found = self.pools.get((situation, mood, lang)) or self.pools.get((situation, ANY_MOOD, lang))
        if not found:
            raise UnknownLineSituation(f"persona {self.persona!r} has no {lang} line for "
                                       f"{situation!r} in mood {mood!r}")
        return found

    def pick(self, situation: str, mood: str, lang: str, seed: str, turn: int,
             recent: Iterable[str]) -> Line:
        """A deterministic choice for this seed and turn that avoids the recently said lines
        (all of them when the pool allows, at least the very last one otherwise)."""
        candidates = self.pool(situation, mood, lang)
        recent = tuple(recent)
        fresh = [line for line in candidates if line.id not in recent]
        if not fresh:
            fresh = [line for line in candidates if not recent or line.id != recent[-1]] or list(candidates)
        digest = hashlib.sha256(f"{seed}|{turn}|{situation}|{mood}|{lang}".encode("utf-8")).digest()
        return fresh[int.from_bytes(digest[:4], "big") % len(fresh)]


def load_line_bank(path: Path, persona_id: str) -> LineBank:
    source = load_yaml(path)
    reader = FieldReader(source)
    reader.mapping((), allowed=("persona", "lines"))
    declared = reader.text(("persona",))
    if declared != persona_id:
        raise reader.error(("persona",), f"lines are for persona {declared!r}, file belongs to {persona_id!r}")
    situations = reader.mapping(("lines",))
    pools: Dict[Tuple[str, str, str], Tuple[Line, ...]] = {}
    for situation in situations:
        if situation not in SITUATIONS:
            raise reader.error(("lines", situation),
                               f"unknown situation {situation!r} (known: {', '.join(SITUATIONS)})")
        moods = reader.mapping(("lines", situation), allowed=MOODS + (ANY_MOOD,))
        for mood_name in moods:
            reader.mapping(("lines", situation, mood_name), allowed=LANGUAGES)
            for lang in LANGUAGES:
                field_path = ("lines", situation, mood_name, lang)
                texts = reader.sequence(field_path, min_items=MIN_VARIANTS)
                lines = []
                for index in range(len(texts)):
                    text = reader.text(field_path + (index,))
                    _check_placeholders(reader, field_path + (index,), text, REQUIRED_PLACEHOLDERS.get(situation, ()))
                    lines.append(Line(f"{persona_id}.{situation}.{mood_name}.{lang}.{index}", text))
                if len({line.text for line in lines}) != len(lines):
                    raise reader.error(field_path, "the same line appears twice")
                pools[(situation, mood_name, lang)] = tuple(lines)
    bank = LineBank(persona_id, pools)
    _check_complete(reader, bank)
    return bank


def _check_placeholders(reader: FieldReader, field_path, text: str, required) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise reader.error(field_path, f"bad placeholder: {exc}") from exc
    for name in names:
        if name not in PLACEHOLDERS:
            raise reader.error(field_path, f"unknown placeholder {{{name}}} "
                                           f"(known: {', '.join('{%s}' % p for p in PLACEHOLDERS)})")
    missing = [name for name in required if name not in names]
    if missing:
        raise reader.error(field_path, f"this line must say {', '.join('{%s}' % m for m in missing)}")


def _check_complete(reader: FieldReader, bank: LineBank) -> None:
    """Every situation must be speakable in every mood and language, or a session could stall."""
    for situation in SITUATIONS:
        for mood_name in MOODS:
            for lang in LANGUAGES:
                if (situation, mood_name, lang) not in bank.pools and (situation, ANY_MOOD, lang) not in bank.pools:
                    raise reader.error(("lines", situation),
                                       f"no {lang} lines for mood {mood_name!r} (give {mood_name} or any)")
