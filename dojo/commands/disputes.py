"""`dojo dispute …` (a trainee questions one finding) and `dojo disputes …` (the trainer's queue,
rulings, and the rulings exported as labelled data for the grader)."""
from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Group
from rich.text import Text

from dojo import report_render as render
from dojo.rulings import Rescorer
from dojo.store_cli import emit, fail, one_format, open_store, user_errors
from progress import reports
from progress.store_disputes import labelled_item

QUEUE_COLUMNS = ("id", "status", "trainee_id", "session_id", "turn_no", "finding", "source", "rule", "citation",
                 "debtor_said", "trainee_marked", "reason", "ruled_by", "ruled_at", "note")
STATUS_STYLE = {"open": "bold yellow", "upheld": "", "overturned": "green"}

disputes_app = typer.Typer(help="The trainer's queue of disputed findings; rule on them, export rulings. / 申诉队列",
                           invoke_without_command=True)


def dispute_command(
    session_id: str = typer.Argument(..., help="the session id (see `dojo report trainee`)"),
    turn: int = typer.Argument(..., help="the turn number; 0 for a session check"),
    finding: str = typer.Argument(..., help="rule id, nvc.<part>, deescalation, or the session check's id"),
    why: str = typer.Option(..., "--why", help="why the verdict is wrong, 1-500 characters"),
    trainee: Optional[str] = typer.Option(None, "--trainee", help="your trainee id (default: your user name)"),
    as_json: bool = typer.Option(False, "--json", help="print the new dispute as JSON"),
) -> None:
    """Dispute one finding of your own session, on its exact words. / 对一项评分结果提出申诉"""
    trainee_id = trainee or getpass.getuser() or "trainee"
    with user_errors(), open_store(sync=False) as store:
        dispute = store.file_dispute(session_id, turn, finding, why, by=trainee_id)
    if as_json:
        emit(render.as_json(dispute))
    else:
        typer.echo(f"dispute {dispute['id']} filed: turn {turn} · {finding}; a trainer will rule on it "
                   f"/ 申诉已提交，等待培训师裁定")


@disputes_app.callback()
def queue_command(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(None, "--status", help="open, upheld or overturned (default: all)"),
    as_csv: bool = typer.Option(False, "--csv", help="print CSV"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The queue: each dispute with the debtor's line, the trainee's line with the evidence marked,
    the rule and its citation, the grader's source and the trainee's reason. / 申诉队列"""
    if ctx.invoked_subcommand is not None:
        return
    one_format(as_csv, as_json)
    with user_errors(), open_store(sync=False) as store:
        rows = store.disputes(status=status)
    if as_json:
        emit(render.as_json(rows))
        return
    table = reports.Table("disputes", "Disputes", "申诉", QUEUE_COLUMNS, tuple(rows))
    if as_csv:
        emit(render.as_csv(reports.Report("disputes", None, "", "", {}, (table,))))
        return
    render.print_rich(_queue_rich(rows), width=120)


def _queue_rich(rows) -> Group:
    """One block per dispute: a 15-column table would fold every line it exists to show."""
    blocks = [Text("Disputes / 申诉", style="bold")]
    if not rows:
        blocks.append(Text("(none / 无)", style="dim"))
    for row in rows:
        head = Text(f"#{row['id']} {row['status']}", style=STATUS_STYLE.get(row["status"], ""))
        head.append(f" · {row['trainee_id']} · session {row['session_id']} turn {row['turn_no']} · "
                    f"{row['finding']} ({row.get('source') or row.get('kind')})")
        blocks.append(head)
        for label, value in (("rule", row.get("citation")), ("debtor", row.get("debtor_said")),
                             ("trainee", row.get("trainee_marked")), ("reason", row.get("reason"))):
            if value:
                blocks.append(Text(f"  {label}: {value}"))
        if row.get("ruled_at"):
            blocks.append(Text(f"  ruling: {row['status']} by {row['ruled_by']} at {row['ruled_at']}: {row['note']}"))
    return Group(*blocks)


@disputes_app.command("rule")
def rule_command(
    dispute_id: int = typer.Argument(..., help="the dispute's id (see `dojo disputes`)"),
    verdict: str = typer.Argument(..., help="uphold (the finding stands) or overturn (it stops counting)"),
    by: str = typer.Option(..., "--by", help="the ruling trainer's (or lead's) user id"),
    note: str = typer.Option(..., "--note", help="why, for the trainee and the audit trail (1-500 characters)"),
    as_json: bool = typer.Option(False, "--json", help="print the ruled dispute as JSON"),
) -> None:
    """Uphold or overturn a dispute; an overturn recomputes the scores and certification. / 裁定申诉"""
    with user_errors(), open_store(sync=False) as store:
        ruled = store.rule_dispute(dispute_id, verdict, by, note, Rescorer())
        session = store.session(ruled["session_id"])
    if as_json:
        emit(render.as_json({**ruled, "session": {k: session[k] for k in ("overall", "passed", "violation_count")}}))
        return
    typer.echo(f"dispute {dispute_id}: {ruled['status']} by {by} / 已裁定")
    if ruled["status"] == "overturned":
        typer.echo(f"session {ruled['session_id']} now: overall {render.cell(session['overall'])}, "
                   f"{'passed' if session['passed'] else 'not passed'} / 会话成绩已重新计算")
    change = ruled.get("certification_change")
    if change:
        typer.echo(f"certification: level {change['from_level']} -> {change['to_level']} (needs a lead's "
                   f"confirmation) / 认证等级提升，待主管确认")


@disputes_app.command("export")
def export_command(
    since: str = typer.Option(..., "--since", help="rulings from this date on, YYYY-MM-DD"),
    out: Optional[Path] = typer.Option(None, "--out", help="write to this file instead of stdout"),
) -> None:
    """Every ruling since DATE as a labelled item (JSON Lines, the scorer's format). / 导出裁定结果"""
    try:
        dt.date.fromisoformat(since)
    except ValueError:
        raise fail(f"--since {since!r} is not a date like 2026-03-31 / 日期格式应为 YYYY-MM-DD") from None
    with user_errors(), open_store(sync=False) as store:
        items = [labelled_item(d, store.turn_findings_now(d["session_id"], d["turn_no"]))
                 for d in store.rulings_since(since)]
    text = "".join(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n" for item in items)
    if out is None:
        if text:
            emit(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.secho(f"{len(items)} rulings written to {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("dispute")(dispute_command)
    app.add_typer(disputes_app, name="disputes")
