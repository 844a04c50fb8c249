"""What the trainee did this turn, as the engine sees it: the NLU label, the scorer's signal and
the raw text (to spot empty or rambling messages the NLU cannot label meaningfully)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Tuple

from foundation.normalize import normalize

INTENTS = (
    "greet", "introduce_call", "verify_identity", "state_debt", "ask_reason", "ask_capacity",
    "acknowledge_feelings", "apologise", "explain_consequences", "offer_plan", "propose_payment",
    "ask_commitment", "confirm_agreement", "threaten", "insult", "pressure",
    "disclose_third_party", "argue", "close_call", "out_of_scope",
)
# Labels Rasa may hand over that mean "no usable act".
FALLBACK_INTENTS = (None, "", "nlu_fallback")
RAMBLING_CHARS = 600


@dataclass(frozen=True)
class ScoreSignal:
    """The scorer's verdict on the trainee's text, reduced to what moves the debtor."""

    violations: Tuple[str, ...] = ()
    critical: bool = False
    # Who found each violation, in the same order: "rule" (a rule pack's pattern matched) or
    # "model" (the statistical classifier alone). Missing sources count as "rule".
    sources: Tuple[str, ...] = ()
    polarity: int = 0
    nvc_score: int = 0
    deescalation_score: int = 50

    def __post_init__(self):
        object.__setattr__(self, "violations", tuple(self.violations))
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "polarity", max(-1, min(1, int(self.polarity))))

    @property
    def model_only(self) -> bool:
        """Every violation this turn was found by the statistical model alone, none by a rule."""
        if not self.violations:
            return False
        sources = self.sources + ("rule",) * (len(self.violations) - len(self.sources))
        return all(source == "model" for source in sources)


@dataclass(frozen=True)
class TraineeAct:
    """One trainee message: `intent` is the NLU label (None or "nlu_fallback" = not understood)."""

    intent: Optional[str]
    confidence: float
    text: str
    lang: str
    amount: Optional[str] = None
    date: Optional[str] = None
    signal: ScoreSignal = ScoreSignal()
    # The NLU's second guess (Rasa's intent ranking), for a first guess too unsure to act on alone.
    runner_up: Optional[str] = None

    @property
    def label(self) -> str:
        """The intent the engine acts on; unknown labels are treated as out of scope."""
        if self.intent in FALLBACK_INTENTS or self.intent not in INTENTS:
            return "out_of_scope"
        return self.intent


def is_noise(text: Optional[str]) -> bool:
    """True when the message has no letter or digit at all: empty, emoji, punctuation, control
    characters — nothing a person on the phone could answer."""
    if not text:
        return True
    return not any(unicodedata.category(char)[0] in ("L", "N") for char in text)


def is_rambling(text: Optional[str]) -> bool:
    return bool(text) and len(text.strip()) > RAMBLING_CHARS


# An identity check inside a line that mainly does something else ("Hi, is this Jason Miller?",
# "if that's you, could you confirm your date of birth?", 麻烦核对一下身份证后四位): the NLU labels
# the line by one act, but the debtor has been asked who they are all the same. Read on the
# normalised text (Simplified, half-width), so Traditional input needs no patterns of its own.
_IDENTITY_CHECK = {
    "en": re.compile(
        r"(?i:\b(?:am i|are we) (?:speaking|talking) (?:with|to)\b)"
        # "Is this Jason Miller?": a capitalised name straight after, so "is this a good time?" is not one
        r"|\b[Ii]s (?:this|that) (?:(?:Mr|Mrs|Ms|Miss|Dr)\.? )?[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*\?"
        r"|(?i:\b(?:confirm|verify|tell me|give me|provide|read me)(?: \w+){0,3}? (?:your |ur |the )?"
        r"(?:date of birth|birth ?date|dob|last (?:four|4|five|5)\b|full name|zip(?: code)?|postal code|"
        r"home address|mailing address|social security|ssn|security (?:question|answer)))"
        r"|(?i:\bwhat(?:'s| is) (?:your|ur) (?:date of birth|birth ?date|dob|full name|zip(?: code)?|postal code|mailing address))"),
    "zh": re.compile(
        r"(?:请问|您|你)(?:是|系)(?!不是)[^。！？，,!?]{0,8}(?:本人|先生|女士|小姐)(?:吗|呢|嘛|？|\?)"
        r"|(?:核实|核对|确认|验证)[^。！？!?]{0,8}(?:身份|身分|姓名|名字|证件|出生日期|生日|手机号|卡号|后四位|后四码|后4位|地址)"
        r"|(?:身份证|身分证|证件|卡号|手机号)[^。！？!?]{0,4}后(?:四|4|六|6)(?:位|码|个数字)"
        r"|(?:出生日期|生日)是(?:几|多少|哪)"),
}


def checks_identity(text: Optional[str], lang: str) -> bool:
    """Whether the line asks the person to confirm who they are, whatever else it does."""
    if not text:
        return False
    pattern = _IDENTITY_CHECK["zh" if str(lang).lower().startswith("zh") else "en"]
    return bool(pattern.search(normalize(text).text))
