"""De-escalation: calming markers against escalators; polarity is about tone, not compliance."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from scoring.categories import CATEGORY_LABELS
from scoring.cues import tone_cues
from scoring.results import DeescalationResult

BASE_SCORE = 50
MARKER_POINTS = 15
ESCALATOR_POINTS = 25
_SHOUTED_WORD = re.compile(r"\b[A-Z]{3,}\b")
_LETTER = re.compile(r"[A-Za-z]")
_UPPER = re.compile(r"[A-Z]")
# Acronyms a collector uses in calm speech are not shouting.
_ACRONYMS = frozenset({"USD", "ABC", "APR", "ATM", "CFPB", "FDCPA", "SSN", "DOB", "ACH", "PIN", "OTP", "IRS", "FBI", "CEO", "APP", "EMI", "LLC", "NYC", "FAQ", "AM", "PM", "OK", "ID", "VISA"})


def is_shouting(text: str) -> bool:
    """Two or more all-capital words, or a mostly capital text, reads as shouting."""
    shouted = [word for word in _SHOUTED_WORD.findall(text) if word not in _ACRONYMS]
    if len(shouted) >= 2:
        return True
    letters = len(_LETTER.findall(text))
    return letters >= 12 and len(_UPPER.findall(text)) / letters > 0.7


SHARED_NEED = {"zh": "表达共同需要", "en": "states a shared need"}
# When the judge hears a tone no cue names, the trainee still sees why.
MODEL_ESCALATING = {"zh": "语气施压（模型判断）", "en": "pressuring tone (model)"}
MODEL_CALMING = {"zh": "缓和的表达（模型判断）", "en": "calming move (model)"}
# Breaches a collector commits in a friendly voice as often as in a hostile one ("he's just a bit
# behind on his card, could you ask him to call us?" to a mother who answers). Their finding does
# not make the tone -1 by itself: the tone heads judge the words, as the labelling guide asks (a
# violation that is no escalator takes its polarity from its tone). A threat to tell someone still
# reads -1, because the escalating head learnt it from the labels. The finding itself, its penalty
# and the debtor's reaction to it do not change. Screened leave-one-author-out at stop 18
# (docs/scoring.md): mean polarity up on the weakest folds and on the new authors' friendly
# disclosures.
TONE_FREE_CATEGORIES = frozenset({"third_party_disclosure"})


def grade_tone(
    text: str,
    lang: str,
    escalating_categories: Iterable[str],
    acknowledged: bool = False,
    shared_need: bool = False,
    judged: Optional[int] = None,
    found: Optional[Iterable[str]] = None,
) -> DeescalationResult:
    """acknowledged / shared_need: the NVC grader found a named feeling or a need, both calming in themselves.

    `judged` is the statistical judge's polarity (scoring.classifier), which decides when given; an
    escalating violation (other than TONE_FREE_CATEGORIES) makes the tone -1 whatever it says. The
    cue lists then explain the verdict: escalators are listed only for a -1 tone and markers only
    for a tone that is not -1.
    `found`: the cue ids already matched ("t+:<id>", "t-:<id>", "t-:shouting" from scoring.reading),
    so the patterns need not run twice.
    """
    cues = tone_cues()
    if found is not None:
        found = set(found)

    def present(sign: str, cue) -> bool:
        return sign + cue.id in found if found is not None else bool(cue.patterns[lang].search(text))

    markers = [
        cue.label.get(lang)
        for cue in cues.markers
        if present("t+:", cue) or (acknowledged and cue.id == "acknowledge")
    ]
    if shared_need:
        markers.append(SHARED_NEED[lang])
    markers = tuple(markers)
    escalators = [cue.label.get(lang) for cue in cues.escalators if present("t-:", cue)]
    shout_label = next(cue.label.get(lang) for cue in cues.escalators if cue.id == "shout")
    shouting = "t-:shouting" in found if found is not None else is_shouting(text)
    if shout_label not in escalators and shouting:
        escalators.append(shout_label)
    escalating_categories = [c for c in escalating_categories if c not in TONE_FREE_CATEGORIES]
    for category in dict.fromkeys(escalating_categories):
        escalators.append(CATEGORY_LABELS[category][lang])
    escalators = tuple(dict.fromkeys(escalators))
    polarity = -1 if escalators else (1 if markers else 0)
    if judged is not None:
        categories = tuple(dict.fromkeys(escalating_categories))
        polarity = -1 if categories else judged
        if polarity == -1:
            escalators = escalators or (MODEL_ESCALATING[lang],)
            markers = ()
        else:
            escalators = ()
            markers = (markers or (MODEL_CALMING[lang],)) if polarity == 1 else ()
    score = BASE_SCORE + MARKER_POINTS * len(markers) - ESCALATOR_POINTS * len(escalators)
    if polarity < 0:
        score = min(score, 40)
    elif polarity > 0:
        score = max(score, 65)
    return DeescalationResult(polarity, max(0, min(100, score)), markers, escalators)
