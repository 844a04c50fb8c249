"""How a practice session looks in a terminal: the scenario card, the debtor's lines, the state, the report card.

Labels of fixed ids (outcomes, stages, feelings, dimensions, categories) come from data/i18n/labels.yml;
only the terminal's own words are here.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from foundation.labels import label, label_or_id
from foundation.vocab import DIMENSIONS, FEELINGS

LABELS = {
    "zh": {
        "debtor": "债务人", "you": "你", "stage": "阶段",
        "tip": "教练提示", "report": "成绩单", "passed": "通过", "failed": "未通过", "outcome": "结果", "violations": "违规",
        "best": "最佳一句", "worst": "最差一句", "none": "无", "help": "输入你的话并回车。/end 结束并查看成绩单，/quit 直接退出。",
        "card": "场景卡", "amount": "欠款", "dpd": "逾期天数", "goals": "目标", "briefing": "背景",
        "commitment": "还款承诺", "yes": "是", "no": "否", "product": "产品", "minimum": "最低还款",
        "bucket": "逾期阶段", "local_time": "通话时间（对方当地）", "contacts_today": "今日已联系次数",
    },
    "en": {
        "debtor": "Debtor", "you": "You", "stage": "stage",
        "tip": "Coach", "report": "Report card", "passed": "PASSED", "failed": "FAILED", "outcome": "Outcome", "violations": "Violations",
        "best": "Best turn", "worst": "Worst turn", "none": "none", "help": "Type your line and press Enter. /end ends the call and shows the report card, /quit leaves.",
        "card": "Scenario card", "amount": "Owed", "dpd": "Days past due", "goals": "Goals", "briefing": "Briefing",
        "commitment": "Commitment secured", "yes": "yes", "no": "no", "product": "Product", "minimum": "Minimum payment",
        "bucket": "Bucket", "local_time": "Call time (debtor's local)", "contacts_today": "Contacts already made today",
    },
}

def outcome_label(outcome: Optional[str], lang: str) -> str:
    if not outcome:
        return LABELS[lang]["none"]
    return label_or_id("outcomes", outcome, lang)


class TerminalView:
    """Renders to a rich console; `quiet` views (JSON mode) send everything to stderr."""

    def __init__(self, lang: str, console: Optional[Console] = None) -> None:
        self.lang = lang
        self.labels = LABELS[lang]
        self.console = console or Console(highlight=False)

    def scenario_card(self, card: Mapping[str, Any]) -> None:
        lines = Text()
        lines.append(f"{card.get('title', '')}\n", style="bold")
        for key, caption in (("debtor_name", self.labels["debtor"]), ("product", self.labels["product"]),
                           ("amount_owed", self.labels["amount"]), ("minimum_payment", self.labels["minimum"]),
                           ("days_past_due", self.labels["dpd"]), ("bucket", self.labels["bucket"]),
                           ("local_time", self.labels["local_time"]), ("contacts_today", self.labels["contacts_today"])):
            value = card.get(key)
            if value not in (None, ""):
                lines.append(f"{caption}: {value}\n")
        if card.get("briefing"):
            lines.append(f"\n{self.labels['briefing']}: {card['briefing']}\n")
        goals = card.get("goals") or []
        if goals:
            lines.append(f"\n{self.labels['goals']}:\n")
            for goal in goals:
                lines.append(f"  • {goal}\n")
        self.console.print(Panel(lines, title=self.labels["card"], border_style="cyan"))
        self.console.print(self.labels["help"], style="dim")

    def debtor_line(self, text: str) -> None:
        if text:
            self.console.print(Text(f"{self.labels['debtor']}: ", style="bold magenta") + Text(text))

    def trainee_echo(self, text: str) -> None:
        """Script mode: show the line that was 'said', as a trainee typing it would have seen it."""
        self.console.print(Text(f"> {text}", style="bold cyan"))

    def state_line(self, state: Mapping[str, Any]) -> None:
        if not state:
            return
        parts = [f"{label('feelings', k, self.lang)} {float(state.get(k, 0)):.2f}" for k in FEELINGS]
        stage = state.get("stage", "")
        parts.append(f"{self.labels['stage']} {label_or_id('stages', stage, self.lang)}")
        self.console.print(Text("  [" + " · ".join(parts) + "]", style="dim"))

    def tip(self, tip: Optional[str]) -> None:
        if tip:
            self.console.print(Panel(Text(tip), title=self.labels["tip"], border_style="yellow"))

    def notice(self, text: str, style: str = "yellow") -> None:
        self.console.print(Text(text, style=style))

    def report_card(self, report: Mapping[str, Any], outcome: Optional[str]) -> None:
        scores = report.get("scores") or {}
        passed = report.get("passed")
        table = Table(title=self.labels["report"], show_header=False, expand=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row(self.labels["outcome"], outcome_label(outcome, self.lang))
        for key in DIMENSIONS:
            if key in scores:
                table.add_row(label("dimensions", key, self.lang), str(scores[key]))
        if "commitment_secured" in report:
            table.add_row(self.labels["commitment"], self.labels["yes" if report["commitment_secured"] else "no"])
        for key, caption in (("best_turn", "best"), ("worst_turn", "worst")):
            turn = report.get(key)
            if turn:
                table.add_row(self.labels[caption], f"#{turn.get('turn')} ({turn.get('overall')}): {turn.get('text', '')[:120]}")
        verdict = self.labels["passed"] if passed else self.labels["failed"]
        table.add_row("", Text(verdict, style="bold green" if passed else "bold red"))
        self.console.print(table)
        violations = report.get("violations") or []
        if violations:
            self.console.print(f"{self.labels['violations']}:", style="bold red")
            for violation in violations:
                evidence = violation.get("evidence") or ""
                category = label_or_id("categories", violation.get("category"), self.lang)
                self.console.print(Text(
                    f"  • [{violation.get('severity')}] {category} — {violation.get('citation', '')}"
                    + (f" «{evidence[:80]}»" if evidence else "")
                ))
                if violation.get("advice"):
                    self.console.print(Text(f"    → {violation['advice']}", style="green"))
        if report.get("summary"):
            self.console.print(Text(report["summary"], style="italic"))
