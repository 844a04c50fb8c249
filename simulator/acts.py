"""What the trainee did this turn, as the engine sees it: the NLU label, the scorer's signal and
the raw text (to spot empty or rambling messages the NLU cannot label meaningfully)."""
from __future__ import annotations

import functools
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
        r"(?i:\b(?:am i|are we) (?:speaking|talking) (?:with|to)\b|\b(?:may|can|could) i (?:speak|talk) (?:with|to)\b)"
        # "Is this Jason Miller?": a capitalised name straight after, so "is this a good time?" is not one
        r"|\b[Ii]s (?:this|that) (?:(?:Mr|Mrs|Ms|Miss|Dr)\.? )?[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*\?"
        r"|(?i:\b(?:confirm|verify|tell me|give me|provide|read me)(?: \w+){0,3}? (?:your |ur |the )?"
        r"(?:date of birth|birth ?date|dob|last (?:four|4|five|5)\b|full name|zip(?: code)?|postal code|"
        r"home address|mailing address|social security|ssn|security (?:question|answer)))"
        r"|(?i:\bwhat(?:'s| is) (?:your|ur) "
        r"(?:date of birth|birth ?date|dob|full name|zip(?: code)?|postal code|mailing address))"),
    "zh": re.compile(
        r"(?:请问|您|你)(?:是不是|系唔系|系咪|是|系)[^。！？，,!?]{0,8}"
        r"(?:本人|先生|女士|小姐|生|太)(?:吗|呢|嘛|呀|啊|吖|？|\?)"
        r"|(?:核实|核对|确认|验证)[^。！？!?]{0,8}"
        r"(?:身份|身分|姓名|名字|证件|出生日期|生日|手机号|卡号|后四位|后四码|后4位|地址)"
        r"|(?:身份证|身分证|证件|卡号|手机号)[^。！？!?]{0,4}后(?:四|4|六|6)(?:位|码|个数字)"
        r"|(?:出生日期|生日)是(?:几|多少|哪)"),
}


# The caller saying who they are and for whom ("This is Chris Ortega from Summit Card Services",
# 我係東信銀行信用卡中心嘅黃詠詩) inside a line the NLU labels as a greeting or an identity check.
_INTRODUCTION = {
    "en": re.compile(
        r"\b(?:[Tt]his is|[Mm]y name is|[Mm]y name's|I'm|I am|[Ii]t's)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)?,?\s+"
        r"(?:from|with|at|calling from|calling on behalf of|on behalf of)\s"
        r"|(?i:\bcalling (?:you )?(?:from|on behalf of)\s)"),
    "zh": re.compile(
        r"我(?:是|系|叫)[^。！？，,!?]{0,20}(?:银行|信用卡中心|卡中心|公司|中心|机构|事务所|客服|催收部|贷后)"
        r"|(?:这里是|这边是|呢度系|我哋系|我们是)[^。！？!?]{0,15}(?:银行|中心|公司|机构)"),
}
# Words that end a call. A goodbye with nothing agreed ends the call for good, so the NLU's label
# alone is not enough: "Okay, thanks for being straight with me" was read as one.
_GOODBYE = {
    "en": re.compile(
        r"(?i:\b(?:bye|goodbye|good-bye|take care|have a (?:good|nice|great|lovely|safe|good rest of)\b"
        r"|talk (?:soon|later|to you (?:soon|later|then|tomorrow|next))"
        r"|speak (?:soon|later|to you (?:soon|later|then|tomorrow))"
        r"|thanks?(?: you)? (?:again )?for (?:your time|the call|talking|taking my call|picking up|speaking)"
        r"|that's all|that is all|(?:i'll|i will|let me) let you go|hang(?:ing)? up|end(?:ing)? (?:the|this) call"
        r"|until (?:then|next time)|all the best|good ?night|catch you|cheers|we're done|i'm done)\b)"),
    "zh": re.compile(
        r"再见|拜拜|先这样|就这样|先到这|就到这|不打扰|挂了|挂电话|收线|祝您|祝你|保重|回头(?:再)?(?:联系|聊)"
        r"|下次再|(?:感谢|谢谢|多谢)(?:您|你)?的?(?:时间|配合|接听|耐心)|晚安|再会|慢走|改天|先咁|系咁先|唔阻你"),
}


# An apology (for an earlier call, a colleague's disclosure, a wrong fee). Hostile acts rarely come
# with one, so it tells a line about a wrong done from a line doing it.
_APOLOGY = {
    "en": re.compile(r"(?i:\b(?:sorry|apologi[sz]e|apologies|apology|my bad|forgive me|we were wrong|"
                     r"that was wrong|should(?: not|n't) have (?:happened|been)|never should have)\b)"),
    "zh": re.compile(r"对不起|抱歉|道歉|不好意思|歉意|sorry|是我们的(?:错|问题|失误|疏忽)|(?:我们|我)(?:不应该|不该|做错)"
                     r"|不(?:应该|该)发生|唔好意思|对唔住"),
}


# The caller taking the ask back: "take your time", "think it over and call us", "whenever you're
# able", 您慢慢想、不用急着决定. Said with no amount or date, it leaves the debtor nothing to agree
# to: a trainer hears "I'll think about it", not a promise (docs/personas.md). A friendly close
# ("any questions, call us anytime", 有问题随时联系我们) is not one: it keeps what was agreed.
_DEFERRAL = {
    "en": re.compile(
        r"(?i:\b(?:take (?:your|all the) time|no (?:rush|hurry|pressure to decide)|(?:there's )?no need to decide"
        r"|(?:you )?(?:don't|do not|dont) (?:have|need) to (?:decide|choose|commit|answer)"
        r"|(?<![Ii] )(?<!we )(?<!'ll )think (?:it over|about it|it through|things over|on it)|have a think|sleep on it|mull it over"
        r"|whenever you(?:'re| are)? (?:able|can)\b(?! (?:tell|confirm|give))|when(?:ever)? you get (?:a chance|the chance)"
        r"|(?:call|get back to|ring|reach) (?:us|me) (?:back )?(?:when|whenever|once|if) you(?:'ve| have|'re| are)? "
        r"(?:decided|made up|thought|had a chance|ready|want|need)"
        r"|let (?:us|me) know (?:what you decide|when you(?:'ve| have)? decided)"
        r"|send what you can)\b)"),
    "zh": re.compile(
        r"慢慢(?:想|考虑|看|决定)|考虑考虑|(?:再|先|好好)(?:考虑|想想|想一想|想一下|斟酌)(?!办法|方法)|回去(?:想|考虑|看看)"
        r"|(?:不用|不必|不需要|无须|毋须|唔使|唔驶|不急着|不用急着?|别急着)(?:马上|现在|今天|急住|急着)?"
        r"(?:决定|答复|回复|给答案|做决定|拍板|定下来)"
        r"|想好了?(?:再|之后)(?:打|联系|告诉|回|通知|说)"
        r"|(?:方便|有空|得闲)(?:的时候)?再(?:打|联系|回|还)|什么时候方便(?:就|再)还|等您?想好|能还多少(?:就|先)还多少"
        r"|慢慢谂|谂(?:下|清楚)|谂好(?:再|先)"),
}


def _matches(patterns, text: Optional[str], lang: str) -> bool:
    if not text:
        return False
    pattern = patterns["zh" if str(lang).lower().startswith("zh") else "en"]
    return bool(pattern.search(_normalised(text)))


@functools.lru_cache(maxsize=16)
def _normalised(text: str) -> str:
    """One normalisation per line, however many readings the engine asks of it in a turn."""
    return normalize(text).text


def checks_identity(text: Optional[str], lang: str) -> bool:
    """Whether the line asks the person to confirm who they are, whatever else it does."""
    return _matches(_IDENTITY_CHECK, text, lang)


def introduces_caller(text: Optional[str], lang: str) -> bool:
    """Whether the line says who is calling and from where, whatever else it does."""
    return _matches(_INTRODUCTION, text, lang)


def says_goodbye(text: Optional[str], lang: str) -> bool:
    """Whether the line has words that end a call."""
    return _matches(_GOODBYE, text, lang)


def apologises(text: Optional[str], lang: str) -> bool:
    """Whether the line apologises or owns an earlier wrong."""
    return _matches(_APOLOGY, text, lang)


def defers_decision(text: Optional[str], lang: str) -> bool:
    """Whether the line takes the ask back ("take your time", 您慢慢考虑); the engine heeds it only
    in a line that names no amount or date."""
    return _matches(_DEFERRAL, text, lang)
