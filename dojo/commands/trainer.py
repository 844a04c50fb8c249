"""`dojo trainer assign | assignments | transcript`: what a trainer does from a shell."""
from __future__ import annotations

import datetime as dt
from typing import List, Optional

import typer
from rich.table import Table as RichTable

from dojo import report_render as render
from dojo.store_cli import emit, fail, one_format, open_store, user_errors
from drills import DrillBankError, load_bank
from drills.select import TOPIC_FOR_WEAK_POINT
from progress import reports
from progress.errors import InvalidInput

trainer_app = typer.Typer(help="Assign scenarios, follow assignments, read transcripts. / 培训师工具",
                          no_args_is_help=True)
ASSIGNMENT_COLUMNS = ("id", "trainee_id", "scenario_id", "drill", "mode", "due", "state", "trainer_id", "session_id",
                      "completed_at")


def _due(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--due {text!r} is not a date like 2026-03-31 / 日期格式应为 YYYY-MM-DD") from None


@trainer_app.command("assign")
def assign_command(
    trainees: List[str] = typer.Argument(..., help="one or more trainee ids"),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="scenario id (see `dojo scenarios`)"),
    drill: Optional[str] = typer.Option(None, "--drill", help="assign a drill set instead: a weak point "
                                        "(violation category, nvc.<part>, deescalation, commitment) or auto"),
    due: str = typer.Option(..., "--due", help="due date, YYYY-MM-DD, today or later"),
    mode: str = typer.Option("coach", "--mode", help="coach or exam"),
    trainer: str = typer.Option(..., "--trainer", "--by", help="the assigning trainer's (or lead's) user id"),
    as_json: bool = typer.Option(False, "--json", help="print the new assignments as JSON"),
) -> None:
    """Assign a scenario (or a drill set) to trainees by a due date; all of them or, on any error, none. / 布置练习"""
    due_date = _due(due)
    if (scenario is None) == (drill is None):
        raise fail("give either --scenario ID or --drill TOPIC|auto / 请指定 --scenario 或 --drill")
    with user_errors(), open_store() as store:
        if len(set(trainees)) != len(trainees):
            raise InvalidInput("a trainee is listed twice / 学员重复")
        if drill is not None:
            _check_drill_topic(drill)
        with store.transaction():
            created = [store.assign_drill(trainer, trainee, drill, due_date) if drill is not None
                       else store.assign(trainer, trainee, scenario, mode, due_date) for trainee in trainees]
        if as_json:
            emit(render.as_json(created))
        else:
            what = f"drill {drill}" if drill is not None else f"{scenario} · {mode}"
            for assignment in created:
                typer.echo(f"assignment {assignment['id']}: {assignment['trainee_id']} · {what} · "
                           f"due {assignment['due']} / 已布置")


def _check_drill_topic(topic: str) -> None:
    if topic == "auto":
        return
    try:
        bank = load_bank()
    except DrillBankError as exc:
        raise InvalidInput(f"broken drill bank: {exc}") from exc
    if TOPIC_FOR_WEAK_POINT.get(topic, topic) not in bank.topics:
        raise InvalidInput(f"no drills on {topic!r}; use auto or one of {', '.join(sorted(bank.topics))}, commitment "
                           f"/ 没有该主题的专项练习")


@trainer_app.command("assignments")
def assignments_command(
    trainee: Optional[str] = typer.Option(None, "--trainee", help="only this trainee's"),
    trainer: Optional[str] = typer.Option(None, "--trainer", help="only those this trainer gave"),
    status: Optional[str] = typer.Option(None, "--status", help="assigned, overdue, completed or cancelled"),
    as_csv: bool = typer.Option(False, "--csv", help="print CSV"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List assignments and their status (overdue ones included). / 任务列表"""
    one_format(as_csv, as_json)
    with user_errors(), open_store(sync=False) as store:
        rows = store.assignments(trainee_id=trainee, trainer_id=trainer, status=status)
    if as_json:
        emit(render.as_json(rows))
        return
    table = reports.Table("assignments", "Assignments", "任务", ASSIGNMENT_COLUMNS, tuple(rows))
    if as_csv:
        emit(render.as_csv(reports.Report("assignments", None, "", "", {}, (table,))))
        return
    rich_table = RichTable(title="Assignments / 任务", title_justify="left")
    for column in ASSIGNMENT_COLUMNS:
        rich_table.add_column(column)
    styles = {"overdue": "bold red", "completed": "green", "cancelled": "dim"}
    for row in rows:
        rich_table.add_row(*(render.cell(row.get(c)) for c in ASSIGNMENT_COLUMNS), style=styles.get(row["state"], ""))
    if not rows:
        rich_table.caption = "(none / 无)"
    render.print_rich(rich_table)


@trainer_app.command("transcript")
def transcript_command(
    session_id: str = typer.Argument(..., help="the session id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """A session's transcript with its findings beside each turn. / 会话记录"""
    with user_errors(), open_store(sync=False) as store:
        transcript = reports.transcript(store, session_id)
    if as_json:
        emit(render.as_json(transcript))
    else:
        render.print_rich(render.transcript_rich(transcript))


def register(app: typer.Typer) -> None:
    app.add_typer(trainer_app, name="trainer")
