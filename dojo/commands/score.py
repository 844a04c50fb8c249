"""`dojo score`: grade one reply in the terminal, or JSON Lines from stdin for scripts and CI."""
from __future__ import annotations

import json
import sys
from typing import Any, Dict, Optional, TextIO

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from foundation.errors import DojoError
from foundation.labels import label
from scoring import ScoringInputError, score_reply

TEXT_HELP = "the trainee reply to grade (omit with --json)"


def register(app: typer.Typer) -> None:
    @app.command("score")
    def score_command(
        text: Optional[str] = typer.Argument(None, help=TEXT_HELP),
        lang: Optional[str] = typer.Option(None, "--lang", help="zh or en; detected from the text when omitted"),
        regime: Optional[str] = typer.Option(None, "--regime", help="cn or us; default cn for zh, us for en"),
        debtor_said: Optional[str] = typer.Option(None, "--debtor-said", help="the debtor's last words (cease requests, attorneys)"),
        as_json: bool = typer.Option(False, "--json", help="read JSON Lines from stdin, write one JSON object per line"),
    ) -> None:
        """Grade a trainee reply: compliance findings, NVC parts, de-escalation and an overall verdict."""
        if as_json:
            if text is not None:
                raise typer.BadParameter("with --json the replies come from stdin, not the command line")
            score_json_lines(sys.stdin, sys.stdout)
            return
        if text is None:
            raise typer.BadParameter("give the reply to grade, or use --json to read JSON Lines from stdin")
        try:
            reply_score = score_reply(text, lang, regime, debtor_said)
        except ScoringInputError as exc:
            raise DojoError(str(exc)) from exc
        render_verdict(reply_score)


def score_json_lines(source: TextIO, sink: TextIO) -> int:
    """Answer every input line with one output line, in order; a bad line gets {"error": ...}. Returns lines read."""
    count = 0
    for line in source:
        count += 1
        line = line.strip("\r\n")
        answer: Dict[str, Any]
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("each line must be a JSON object / 每行必须是一个 JSON 对象")
            text = request.get("text")
            debtor_said = request.get("debtor_said")
            if debtor_said is not None and not isinstance(debtor_said, str):
                raise ValueError("debtor_said must be a string / debtor_said 必须是字符串")
            answer = score_reply(text, request.get("lang"), request.get("regime"), debtor_said).to_dict()
        except json.JSONDecodeError as exc:
            answer = {"error": f"invalid JSON: {exc.msg} (column {exc.colno}) / JSON 格式错误"}
        except (ScoringInputError, ValueError) as exc:
            answer = {"error": str(exc)}
        sink.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sink.flush()
    return count


def render_verdict(reply_score) -> None:
    """A readable verdict with rich: grade, findings with citations and better phrasing, NVC and tone."""
    zh = reply_score.lang == "zh"
    lang = "zh" if zh else "en"
    console = Console()
    colour = "green" if reply_score.overall >= 70 else ("yellow" if reply_score.overall >= 50 else "red")
    console.print(Panel(reply_score.summary, title=("评分" if zh else "Verdict") + f" [{colour}]{reply_score.overall}/100[/]"))
    if reply_score.violations:
        table = Table(title="违规" if zh else "Violations", show_lines=True)
        for header in (("类别", "category"), ("证据", "evidence"), ("依据", "citation"), ("建议说法", "say instead")):
            table.add_column(header[0] if zh else header[1])
        for violation in reply_score.violations:
            table.add_row(
                f"{label('categories', violation.category, lang)}\n[dim]{violation.severity} · {violation.rule} · {violation.source}[/]",
                f"“{violation.evidence}” [{violation.span[0]}, {violation.span[1]})",
                violation.citation,
                violation.advice,
            )
        console.print(table)
    nvc = reply_score.nvc
    parts = [("观察" if zh else "observation", nvc.observation), ("感受" if zh else "feeling", nvc.feeling),
             ("需要" if zh else "need", nvc.need), ("请求" if zh else "request", nvc.request)]
    marks = "  ".join(f"{'✔' if present else '✘'} {name}" for name, present in parts)
    console.print(f"[bold]{label('dimensions', 'nvc', lang)}[/] {nvc.score}/100  {marks}")
    tone = reply_score.deescalation
    tone_line = ", ".join(tone.markers + tone.escalators) or ("无" if zh else "none")
    console.print(f"[bold]{label('dimensions', 'deescalation', lang)}[/] {tone.score}/100 ({tone.polarity:+d})  {tone_line}")
