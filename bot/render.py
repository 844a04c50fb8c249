"""Message text for Telegram: HTML escaping, splitting at 4,096 characters, and the cards trainees see.

The bot always sends parse_mode=HTML, so every piece of user or simulator text passes through
`esc()` before it is placed into a template; the templates themselves only use <b>, <i>, <code>
and <pre>. `split_html` keeps those tags balanced across chunks so Telegram never rejects a part.
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable, List, Mapping, Optional, Sequence

from bot.i18n import t
from foundation.labels import label, label_or_id
from foundation.vocab import DIMENSIONS, LANGUAGES, MODES, REGIMES

TELEGRAM_LIMIT = 4096
_TOKEN = re.compile(r"<[^<>]+>|&#?\w+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


def esc(value: Any) -> str:
    """Escape &, < and > for Telegram's HTML parse mode; quotes stay, since no template puts text in an attribute."""
    return html.escape("" if value is None else str(value), quote=False)


def _width(token: str) -> int:
    """Length as Telegram counts it after parsing: tags are free, an entity is one character, UTF-16 units."""
    if token.startswith("<") and len(token) > 1:
        return 0
    if token.startswith("&") and len(token) > 1:
        return 1
    return len(token.encode("utf-16-le")) // 2


def _closing(stack: Sequence[str]) -> str:
    return "".join(f"</{_TAG_NAME.match(tag).group(1)}>" for tag in reversed(stack))


def _apply(stack: List[str], token: str) -> None:
    if not (token.startswith("<") and len(token) > 1):
        return
    name = _TAG_NAME.match(token)
    if name is None or token.endswith("/>"):
        return
    if token.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if _TAG_NAME.match(stack[i]).group(1) == name.group(1):
                del stack[i]
                break
    else:
        stack.append(token)


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> List[str]:
    """Cut `text` into parts Telegram accepts, preferring line breaks, never inside a tag or an entity.

    Tags open at a cut are closed at the end of one part and reopened at the start of the next, so a
    long <pre> table stays monospaced across messages. Parts with no visible text are dropped.
    """
    if limit < 16:
        raise ValueError("limit too small to hold a message")
    tokens = _TOKEN.findall(text)
    parts: List[str] = []
    current: List[str] = []
    stack: List[str] = []
    length = 0
    last_break: Optional[tuple] = None

    def restart(opening: List[str], tail: List[str]) -> None:
        nonlocal current, stack, length, last_break
        current, stack, length, last_break = list(opening), list(opening), 0, None
        for tok in tail:
            current.append(tok)
            _apply(stack, tok)
            length += _width(tok)
            if tok == "\n":
                last_break = (len(current), list(stack), length)

    for token in tokens:
        width = _width(token)
        if length + width > limit and length > 0:
            if last_break is not None and last_break[2] > 0:
                cut, cut_stack, _ = last_break
                head, tail = current[:cut], current[cut:]
            else:
                head, tail, cut_stack = current, [], list(stack)
            parts.append("".join(head) + _closing(cut_stack))
            restart(cut_stack, tail)
        current.append(token)
        _apply(stack, token)
        length += width
        if token == "\n":
            last_break = (len(current), list(stack), length)
    parts.append("".join(current) + _closing(stack))
    return [part for part in parts if visible_text(part).strip()]


def visible_text(markup: str) -> str:
    """The text a reader sees: tags removed, entities decoded (used by tests and to drop empty parts)."""
    return html.unescape(re.sub(r"<[^<>]+>", "", markup))


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
    return esc(value)


def _lines(items: Iterable[Any]) -> str:
    return "\n".join(f"• {esc(item)}" for item in items if item not in (None, ""))


def scenario_card(card: Mapping[str, Any], lang: str) -> str:
    """The briefing a trainee reads before the debtor picks up: who, how much, how late, and the goal."""
    rows = [f"📋 <b>{esc(card.get('title', ''))}</b>"]
    fields = (
        ("debtor_name", "card.debtor"),
        ("product", "card.product"),
        ("amount_owed", "card.amount"),
        ("minimum_payment", "card.minimum"),
        ("days_past_due", "card.days_past_due"),
        ("bucket", "card.bucket"),
        ("local_time", "card.local_time"),
    )
    for field_name, key in fields:
        value = card.get(field_name)
        if value not in (None, ""):
            rows.append(f"<b>{t(key, lang)}</b>: {esc(value)}")
    if card.get("regime") in REGIMES:
        rows.append(f"<b>{t('card.regime', lang)}</b>: {t('regime.' + card['regime'], lang)}")
    if card.get("briefing"):
        rows.append("")
        rows.append(f"<i>{esc(card['briefing'])}</i>")
    goals = card.get("goals") or []
    if isinstance(goals, str):
        goals = [goals]
    if goals:
        rows.append("")
        rows.append(f"🎯 <b>{t('card.goals', lang)}</b>")
        rows.append(_lines(goals))
    return "\n".join(rows)


def category_name(category: str, lang: str) -> str:
    """The category's label (data/i18n/labels.yml); an id it does not know is shown readably."""
    named = label_or_id("categories", category, lang)
    return named.replace("_", " ") if named == category else named


def coach_tip(tip: Optional[str], findings: Optional[Mapping[str, Any]], lang: str) -> Optional[str]:
    """The short coaching note after a turn: each violation with its citation, then the better phrasing.

    Returns None when there is nothing to coach on, so a clean turn is not followed by noise.
    """
    violations = list((findings or {}).get("violations") or [])
    if not tip and not violations:
        return None
    rows = [f"💡 <b>{t('coach.header', lang)}</b>"]
    for violation in violations[:3]:
        citation = violation.get("citation")
        rows.append(
            f"⚠️ {esc(category_name(violation.get('category', ''), lang))}"
            + (f" — <i>{esc(citation)}</i>" if citation else "")
        )
    if tip:
        rows.append(esc(tip))
    elif violations and violations[0].get("advice"):
        rows.append(esc(violations[0]["advice"]))
    return "\n".join(rows)


def _turn_line(turn: Any, lang: str) -> Optional[str]:
    """best_turn/worst_turn may be a turn number or a dict with the turn's number, text and score."""
    if turn in (None, "", {}):
        return None
    if isinstance(turn, Mapping):
        number = turn.get("turn") or turn.get("turn_no")
        text = turn.get("text") or turn.get("trainee") or turn.get("trainee_text") or ""
        score = turn.get("overall", turn.get("score"))
        head = t("report.turn_no", lang, turn=esc(number)) if number is not None else ""
        tail = f" ({_number(score)})" if score is not None else ""
        return f"{head}{tail} {esc(text)}".strip()
    return t("report.turn_no", lang, turn=esc(turn))


def certification_text(change: Any, lang: str) -> Optional[str]:
    """A certification change is a level number, a dict describing the change, or a sentence."""
    if change in (None, "", {}, False):
        return None
    if isinstance(change, Mapping):
        level = change.get("to_level") or change.get("level")
        if level is not None:
            name = change.get(f"name_{lang}") or level
            text = t("report.certified", lang, level=esc(name))
            if change.get("needs_confirmation"):
                text += " " + t("report.needs_confirmation", lang)
            return text
        return esc(change.get("summary") or change)
    if isinstance(change, int):
        return t("report.certified", lang, level=change)
    return esc(change)


def report_card(report: Mapping[str, Any], lang: str, outcome: Optional[str] = None) -> str:
    """The end-of-session card: scores per dimension, violations, best and worst turn, pass or fail."""
    scores = report.get("scores") or {}
    passed = bool(report.get("passed"))
    rows = [f"🏁 <b>{t('report.header', lang)}</b>"]
    if outcome:
        rows.append(f"{t('report.outcome', lang)}: <b>{esc(outcome_name(outcome, lang))}</b>")
    rows.append(f"{t('report.verdict', lang)}: <b>{t('report.passed' if passed else 'report.failed', lang)}</b>")
    rows.append("")
    for dimension in DIMENSIONS:
        if dimension in scores and scores[dimension] is not None:
            rows.append(f"{label('dimensions', dimension, lang)}: <b>{_number(scores[dimension])}</b>")
    violations = list(report.get("violations") or [])
    rows.append("")
    if violations:
        rows.append(f"⚠️ <b>{t('report.violations', lang, count=len(violations))}</b>")
        for violation in violations[:10]:
            turn = violation.get("turn")
            where = f" ({t('report.turn_no', lang, turn=esc(turn))})" if turn is not None else ""
            citation = violation.get("citation")
            rows.append(
                f"• {esc(category_name(violation.get('category', ''), lang))}{where}"
                + (f" — <i>{esc(citation)}</i>" if citation else "")
            )
            if violation.get("evidence"):
                rows.append(f"  «{esc(violation['evidence'])}»")
    else:
        rows.append(f"✅ {t('report.no_violations', lang)}")
    best, worst = _turn_line(report.get("best_turn"), lang), _turn_line(report.get("worst_turn"), lang)
    if best:
        rows.append(f"👍 {t('report.best_turn', lang)}: {best}")
    if worst:
        rows.append(f"👎 {t('report.worst_turn', lang)}: {worst}")
    reasons = report.get("fail_reasons") or []
    if reasons and not passed:
        rows.append("")
        rows.append(f"<b>{t('report.fail_reasons', lang)}</b>")
        rows.append(_lines(reasons))
    if report.get("summary"):
        rows.append("")
        rows.append(f"<i>{esc(report['summary'])}</i>")
    change = certification_text(report.get("certification_change"), lang)
    if change:
        rows.append("")
        rows.append(f"🎓 {change}")
    return "\n".join(rows)


def outcome_name(outcome: str, lang: str) -> str:
    return label_or_id("outcomes", outcome, lang)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 18) -> str:
    """A monospaced table in <pre>; cells are escaped and clipped so a long name cannot wrap the layout."""

    def cell(value: Any) -> str:
        text = "" if value is None else (f"{value:.0f}" if isinstance(value, float) else str(value))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    grid = [[cell(h) for h in header]] + [[cell(v) for v in row] for row in rows]
    widths = [max(_display_width(r[i]) for r in grid) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _display_width(c)) for c, w in zip(row, widths)).rstrip()

    body = [line(grid[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in grid[1:]]
    return "<pre>" + esc("\n".join(body)) + "</pre>"


def _display_width(text: str) -> int:
    """CJK characters take two columns in a monospaced font."""
    return sum(2 if ord(ch) >= 0x1100 and not 0xFE00 <= ord(ch) <= 0xFE0F else 1 for ch in text)


def transcript(session: Mapping[str, Any], turns: Sequence[Mapping[str, Any]], title: str, lang: str,
               debtor_name: str) -> str:
    """A session as a chat log with each turn's violations, then the report card if it has one."""
    mode = t(f"mode_short.{session.get('mode')}", lang) if session.get("mode") in MODES else ""
    status = session.get("status") or ""
    status_text = t(f"status.{status}", lang) if status in ("active", "completed", "abandoned") else esc(status)
    rows = [t("transcript.header", lang, session=esc(session.get("id")), title=esc(title),
              language=t(f"lang.{session.get('lang')}", lang) if session.get("lang") in LANGUAGES else "",
              mode=mode, status=status_text), ""]
    if session.get("transcript_deleted_at"):
        rows.append(f"<i>{t('transcript.deleted', lang)}</i>")
    elif not turns:
        rows.append(f"<i>{t('transcript.empty', lang)}</i>")
    for turn in turns:
        number = turn.get("turn_no")
        if turn.get("trainee_text"):
            rows.append(f"<b>{esc(number)}.</b> 👤 <b>{t('transcript.trainee', lang)}</b>: {esc(turn['trainee_text'])}")
        if turn.get("debtor_reply"):
            rows.append(f"    🗣 <b>{esc(debtor_name)}</b>: {esc(turn['debtor_reply'])}")
        findings = turn.get("findings") or {}
        for violation in (findings.get("violations") or []) if isinstance(findings, Mapping) else []:
            citation = violation.get("citation")
            rows.append(f"    ⚠️ {esc(category_name(violation.get('category', ''), lang))}"
                        + (f" — <i>{esc(citation)}</i>" if citation else ""))
    report = session.get("report")
    if isinstance(report, Mapping) and report:
        rows.append("")
        rows.append(report_card(report, lang, session.get("outcome")))
    return "\n".join(rows)


def history_label(session: Mapping[str, Any], title: str, lang: str) -> str:
    """One button's text: date, scenario, mode and score (or status when there is no score)."""
    date = str(session.get("started_at") or "")[:10]
    mode = t(f"mode_short.{session.get('mode')}", lang) if session.get("mode") in MODES else ""
    if session.get("overall") is not None:
        mark = "✅" if session.get("passed") else "❌"
        score = f"{session['overall']:.0f} {mark}"
    else:
        status = session.get("status")
        score = t(f"status.{status}", lang) if status in ("active", "completed", "abandoned") else ""
    return t("history.item", lang, date=date, title=title, mode=mode, score=score)


# -- disputes ------------------------------------------------------------------------------------

def finding_label(finding: Mapping[str, Any], lang: str) -> str:
    """A finding as a button or a queue line reads it: its category's label, an NVC part, the tone."""
    name, kind = str(finding.get("finding") or ""), finding.get("kind")
    if name.startswith("nvc."):
        return t("dispute.finding.nvc", lang, part=t(f"dispute.{name}", lang))
    if name in ("deescalation", "commitment", "arc"):
        return t(f"dispute.finding.{name}", lang)
    category = finding.get("category")
    named = category_name(category, lang) if category else name
    return named if kind != "session" else t("dispute.finding.session", lang, check=named)


def _marked(marked: str) -> str:
    """The trainee's line with the store's 【evidence】 in bold (the first such pair only, so a
    bracket the trainee typed cannot open a tag it never closes)."""
    start = marked.find("【")
    end = marked.find("】", start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return esc(marked)
    return f"{esc(marked[:start])}<b>{esc(marked[start:end + 1])}</b>{esc(marked[end + 1:])}"


def dispute_card(dispute: Mapping[str, Any], lang: str) -> str:
    """A dispute in the trainer's queue: the two lines, the evidence marked, rule, source and reason."""
    where = t("dispute.turn", lang, turn=esc(dispute["turn_no"])) if dispute.get("turn_no") else t("dispute.session_check", lang)
    rows = [t("dispute.card.head", lang, id=esc(dispute["id"]), trainee=esc(dispute.get("trainee_name") or dispute["trainee_id"]),
              session=esc(dispute["session_id"]), where=where,
              finding=esc(finding_label(dispute, lang)), code=esc(dispute["finding"]))]
    if dispute.get("citation"):
        rows.append(f"📖 <i>{esc(dispute['citation'])}</i>")
    if dispute.get("source"):
        rows.append(t("dispute.card.source", lang, source=t(f"dispute.source.{dispute['source']}", lang)
                      if dispute["source"] in ("rule", "model") else esc(dispute["source"])))
    if dispute.get("debtor_said"):
        rows.append(f"🗣 {esc(dispute['debtor_said'])}")
    if dispute.get("trainee_marked"):
        rows.append("👤 " + _marked(dispute["trainee_marked"]))
    rows.append(t("dispute.card.reason", lang, reason=esc(dispute["reason"])))
    if dispute.get("ruled_at"):
        rows.append(t(f"dispute.ruled.{dispute['status']}", lang, id=esc(dispute["id"]),
                      finding=esc(finding_label(dispute, lang)), note=esc(dispute.get("note") or "")))
    return "\n".join(rows)
