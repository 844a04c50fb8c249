"""Nonviolent communication (观察-感受-需要-请求): which of the four parts a reply contains, and judging words."""
from __future__ import annotations

from typing import Mapping, Optional, Sequence, Tuple

from scoring.cues import nvc_cues
from scoring.results import NvcResult
from scoring.text import Clauses

POINTS_PER_COMPONENT = 25
EVALUATION_PENALTY = 15
MAX_EVALUATIONS_PENALISED = 3


def grade_nvc(
    text: str, lang: str, threatened: bool, present: Optional[Mapping[str, bool]] = None, judging: Optional[Sequence[Tuple[int, int]]] = None
) -> NvcResult:
    """Which parts the reply holds, and the judging phrases that cost points; a request backed by a threat is a demand.

    `present` is the statistical judge's verdict per part (scoring.classifier); the cue patterns below
    then only find the judging phrases. Without it (the cue-only reading, kept for comparison and for
    tools without a trained model) the cues decide:

    An amount or date inside an ask ("could you pay $50 by Friday?") is part of the request, not an
    observation, and a fact stated in the same phrase as a judgement ("you never pay, $900 is late")
    is an evaluation; only a clean stated fact counts as observation.
    """
    if present is not None and judging is not None:
        # The judge's verdict, with the judging phrases scoring.reading found already.
        evaluations = [text[start:end] for start, end in judging[:MAX_EVALUATIONS_PENALISED]]
        parts = (present["observation"], present["feeling"], present["need"], present["request"] and not threatened)
        score = max(0, min(100, sum(parts) * POINTS_PER_COMPONENT - EVALUATION_PENALTY * len(evaluations)))
        return NvcResult(*parts, score, tuple(evaluations))
    cues = nvc_cues()
    phrases = Clauses(text, fine=True)
    evaluation = cues.evaluation[lang]
    judged = set()
    evaluations = []
    for match in evaluation.finditer(text):
        judged.add(phrases.around(match.start(), match.end()))
        if len(evaluations) < MAX_EVALUATIONS_PENALISED:
            evaluations.append(text[match.start() : match.end()])
    if present is not None:
        parts = (present["observation"], present["feeling"], present["need"], present["request"] and not threatened)
        score = max(0, min(100, sum(parts) * POINTS_PER_COMPONENT - EVALUATION_PENALTY * len(evaluations)))
        return NvcResult(*parts, score, tuple(evaluations))

    request_pattern = cues.components["request"][lang]
    asks = set()
    for match in request_pattern.finditer(text):
        asks.update(phrases.covering(match.start(), match.end()))
    request = bool(asks) and not threatened

    proposal = cues.proposal[lang]
    observation = False
    for match in cues.components["observation"][lang].finditer(text):
        phrase = phrases.around(match.start(), match.end())
        if phrase in judged or phrase in asks:
            continue
        if not proposal.search(text, phrase[0], phrase[1]):
            observation = True
            break

    feeling = False
    not_feeling = cues.not_feeling[lang]
    for match in cues.components["feeling"][lang].finditer(text):
        start, end = phrases.around(match.start(), match.end())
        if not not_feeling.search(text, start, end):
            feeling = True
            break

    need = cues.components["need"][lang].search(text) is not None
    present = sum((observation, feeling, need, request))
    score = max(0, min(100, present * POINTS_PER_COMPONENT - EVALUATION_PENALTY * len(evaluations)))
    return NvcResult(observation, feeling, need, request, score, tuple(evaluations))
