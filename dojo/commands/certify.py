"""`dojo certify status | confirm | revoke | history`: certification against data/certification.yml."""
from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table as RichTable

from dojo import report_render as render
from dojo.store_cli import emit, open_store, user_errors
from progress.errors import UnknownTrainee

certify_app = typer.Typer(help="Certification: where a trainee stands; a lead confirms or revokes. / 认证",
                          no_args_is_help=True)


@certify_app.command("status")
def status_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    lang: str = typer.Option("en", "--lang", help="zh or en"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Level held, level the evidence supports, and what is left for the next. / 认证进度"""
    with user_errors(), open_store(sync=False) as store:
        status = store.certification_status(trainee_id)
    if as_json:
        emit(render.as_json(status))
        return
    typer.echo(f"{trainee_id}: level held {status.held_level}, supported by evidence {status.earned_level} "
               f"/ 已获 {status.held_level} 级，证据支持 {status.earned_level} 级")
    for line in status.what_is_left("zh" if lang == "zh" else "en"):
        typer.echo(f"  • {line}")


@certify_app.command("confirm")
def confirm_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    level: int = typer.Option(..., "--level", help="the level to confirm or grant"),
    by: str = typer.Option(..., "--by", help="the lead's user id"),
    reason: str = typer.Option(..., "--reason", help="why (kept in the history)"),
) -> None:
    """Confirm a policy grant, or grant a level outright (leads only). / 确认认证"""
    with user_errors(), open_store(sync=False) as store:
        row = store.certify(trainee_id, level, by=by, reason=reason)
    typer.echo(f"{trainee_id}: level {row['level']} confirmed by {by} / 已确认 {row['level']} 级认证")


@certify_app.command("revoke")
def revoke_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    by: str = typer.Option(..., "--by", help="the lead's user id"),
    reason: str = typer.Option(..., "--reason", help="why (kept in the history)"),
    level: Optional[int] = typer.Option(None, "--level", help="revoke this level and above (default: the level held)"),
) -> None:
    """Revoke a certification with a reason (leads only). / 撤销认证"""
    with user_errors(), open_store(sync=False) as store:
        rows = store.revoke(trainee_id, by=by, reason=reason, level=level)
        left = store.current_level(trainee_id)
    levels = ", ".join(str(row["level"]) for row in rows)
    typer.echo(f"{trainee_id}: level(s) {levels} revoked; now holds {left} / 已撤销，现为 {left} 级")


@certify_app.command("history")
def history_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Every grant, confirmation and revocation. / 认证历史"""
    with user_errors(), open_store(sync=False) as store:
        store.require_user(trainee_id, UnknownTrainee)
        rows = store.certifications(trainee_id)
    if as_json:
        emit(render.as_json(rows))
        return
    columns = ("level", "granted_by", "granted_at", "confirmed_by", "confirmed_at", "revoked_by", "revoked_at",
               "revoke_reason", "reason")
    table = RichTable(title=f"Certification history / 认证历史: {trainee_id}", title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(render.cell(row.get(c)) for c in columns))
    render.print_rich(table)


def register(app: typer.Typer) -> None:
    app.add_typer(certify_app, name="certify")
