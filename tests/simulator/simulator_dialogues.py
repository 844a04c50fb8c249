"""Scripted trainees for the simulator tests: a compliant empathetic collector, an abusive one and
a mediocre one who only repeats demands. Texts are realistic so nothing is treated as noise."""
from __future__ import annotations

from typing import List, Optional, Tuple

from simulator.engine import DebtorTurn, ScoreSignal, TraineeAct, advance, initial_state, opening

TEXTS = {
    "zh": {
        "greet": "您好，请问是{name}吗？",
        "introduce_call": "您好，我是银行信用卡中心的客服专员小王，工号1024，本次通话会录音，今天打来是关于您信用卡账单的事。",
        "verify_identity": "为了保护您的信息，麻烦您报一下身份证后四位。",
        "state_debt": "您这张卡目前有一笔欠款已经逾期，需要处理一下。",
        "ask_reason": "方便说说最近是遇到什么情况了吗？",
        "ask_capacity": "您现在每个月大概能拿出多少来还？",
        "acknowledge_feelings": "听得出来您这段时间压力很大，换作是我也会着急。",
        "apologise": "之前给您带来困扰，真的很抱歉。",
        "explain_consequences": "如果继续逾期，会按规定报送征信，可能影响您以后办贷款。",
        "offer_plan": "我们可以帮您申请分期，每个月还一部分，压力会小一些。",
        "propose_payment": "您看{date}先还{amount}可以吗？",
        "ask_commitment": "那我们就约定{date}还{amount}，您能确认一下吗？",
        "confirm_agreement": "好的，我复述一下我们的约定，谢谢您的配合。",
        "threaten": "你再不还，我们就派人上门找你，让你好看。",
        "insult": "你这种老赖真不要脸。",
        "pressure": "今天必须还清，不然我一直打到你还为止。",
        "disclose_third_party": "我已经打电话告诉你同事和家人你欠钱不还了。",
        "argue": "你这就是借口，逾期就是你的错。",
        "close_call": "好的，今天就先聊到这里，再见。",
        "out_of_scope": "今天天气真不错啊。",
    },
    "en": {
        "greet": "Hi, am I speaking with {name}?",
        "introduce_call": "Hi, this is Alex from the collections team. This call is recorded, and I'm calling about your account.",
        "verify_identity": "Before we go on, could you confirm your date of birth?",
        "state_debt": "Your account has an overdue balance that we need to sort out.",
        "ask_reason": "Can you tell me what's been going on lately?",
        "ask_capacity": "What could you realistically put toward this each month?",
        "acknowledge_feelings": "It sounds like this has been a really stressful time, and that makes sense.",
        "apologise": "I'm sorry for the trouble the earlier calls caused you.",
        "explain_consequences": "If it stays unpaid, the late payment will be reported to the credit bureaus.",
        "offer_plan": "We could set up an instalment plan so you pay a smaller amount each month.",
        "propose_payment": "Could you pay {amount} by {date}?",
        "ask_commitment": "So can I put you down for {amount} by {date}?",
        "confirm_agreement": "Great, let me repeat what we agreed. Thank you.",
        "threaten": "Pay up or we'll send someone to your house, and you won't like it.",
        "insult": "You're a deadbeat and a liar.",
        "pressure": "You have to pay everything today or I'll keep calling all day.",
        "disclose_third_party": "I already told your boss and your neighbours about your debt.",
        "argue": "That's just an excuse, this is entirely your fault.",
        "close_call": "Okay, let's leave it there for today. Goodbye.",
        "out_of_scope": "What's your favourite football team?",
    },
}
DATES = {"zh": "本周五", "en": "Friday"}
VIOLATIONS = {
    "threaten": (("threat_of_violence",), True),
    "insult": (("abusive_language",), False),
    "pressure": (("harassment",), False),
    "disclose_third_party": (("third_party_disclosure",), True),
}
SUCCESS = ("promise_to_pay", "payment_plan")


def act(intent: str, lang: str, scenario=None, amount: Optional[str] = None, date: Optional[str] = None,
        signal: Optional[ScoreSignal] = None) -> TraineeAct:
    template = TEXTS[lang].get(intent, TEXTS[lang]["out_of_scope"])
    name = scenario.debtor.name(lang) if scenario is not None else ""
    text = template.format(name=name, amount=amount or "", date=date or "")
    if signal is None:
        violations, critical = VIOLATIONS.get(intent, ((), False))
        signal = ScoreSignal(violations=violations, critical=critical, polarity=-1 if violations else 0)
    return TraineeAct(intent, 0.95, text, lang, amount=amount, date=date, signal=signal)


def warm(polarity: int) -> ScoreSignal:
    return ScoreSignal(polarity=polarity, nvc_score=70, deescalation_score=80)


def compliant_script(persona_id: str, scenario, lang: str, path: str, polarity: int = 0) -> List[TraineeAct]:
    """Introduce with recording notice, verify, state the debt, ask why, acknowledge, [explain the
    credit consequences for the able-but-unwilling], make a concrete offer, ask for commitment."""
    amount = str(int(scenario.debtor.can_pay_now)) if path == "promise" else str(int(scenario.debtor.minimum_payment))
    date = DATES[lang]
    neutral = warm(polarity)
    intents = ["introduce_call", "verify_identity", "state_debt", "ask_reason", "acknowledge_feelings"]
    if persona_id == "able_but_unwilling":
        intents.append("explain_consequences")
    script = [act(intent, lang, scenario, signal=warm(1) if intent == "acknowledge_feelings" else neutral)
              for intent in intents]
    offer = "propose_payment" if path == "promise" else "offer_plan"
    script.append(act(offer, lang, scenario, amount=amount, date=date, signal=neutral))
    script.append(act("ask_commitment", lang, scenario, amount=amount, date=date, signal=neutral))
    script.append(act("confirm_agreement", lang, scenario, signal=neutral))
    return script


def abusive_script(scenario, lang: str) -> List[TraineeAct]:
    return [act("introduce_call", lang, scenario, signal=ScoreSignal()),
            act("insult", lang, scenario), act("threaten", lang, scenario),
            act("pressure", lang, scenario), act("insult", lang, scenario),
            act("disclose_third_party", lang, scenario)]


def mediocre_script(scenario, lang: str, amount: str, rounds: int = 12, polarity: int = 0) -> List[TraineeAct]:
    """Identifies, verifies, states the debt, then only demands — no question, no empathy
    (politely worded demands when `polarity` is +1)."""
    date = DATES[lang]
    tone = ScoreSignal(polarity=polarity)
    script = [act("introduce_call", lang, scenario, signal=tone),
              act("verify_identity", lang, scenario, signal=tone),
              act("state_debt", lang, scenario, signal=tone)]
    for index in range(rounds):
        intent = "propose_payment" if index % 2 == 0 else "ask_commitment"
        script.append(act(intent, lang, scenario, amount=amount, date=date, signal=tone))
    script.append(act("close_call", lang, scenario, signal=tone))
    return script


def play(persona, scenario, lang: str, script: List[TraineeAct], seed: str = "test") -> Tuple[List[DebtorTurn], Optional[str]]:
    """Runs the script until the call ends; returns the debtor's turns (opening first) and the outcome."""
    state = initial_state(persona, scenario, seed)
    turns = [opening(state, persona, scenario, lang)]
    for trainee_act in script:
        turn = advance(turns[-1].state, persona, scenario, trainee_act, lang)
        turns.append(turn)
        if turn.outcome:
            break
    return turns, turns[-1].outcome
