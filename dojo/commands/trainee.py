"""`dojo trainee add | list | role | export | delete`: people in the store and their data.

Export and delete are the trainee's data rights (issue 5) and only a lead may run them. `delete`
always writes the export file first and then removes the transcripts in one transaction, keeping the
scores and counts that team reports are built from.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table as RichTable

from dojo import report_render as render
from dojo.store_cli import emit, open_store, user_errors
from foundation.paths import VAR_DIR
from progress import access
from progress.errors import AccessDenied, UnknownTrainee

trainee_app = typer.Typer(help="Users and their data: add, list, change role, export, delete. / 学员与数据",
                          no_args_is_help=True)


def _require_lead(store, by: str, action: str) -> None:
    if not access.can(store.get_user(by), action):
        raise AccessDenied(action, ("lead",))


@trainee_app.command("add")
def add_command(
    user_id: str = typer.Argument(..., help="the new user's id"),
    name: Optional[str] = typer.Option(None, "--name", help="display name"),
    role: str = typer.Option("trainee", "--role", help="trainee, trainer or lead"),
    telegram_id: Optional[int] = typer.Option(None, "--telegram-id", help="numeric Telegram user id"),
    lang: Optional[str] = typer.Option(None, "--lang", help="zh or en"),
) -> None:
    """Add a user (or fill in details); from the shell, so this is how the first lead is made. / 添加用户"""
    with user_errors(), open_store(sync=False) as store:
        user = store.ensure_user(user_id, name=name, role=role, telegram_id=telegram_id, lang=lang)
    typer.echo(f"{user['id']}: {user['role']} / 已保存")


@trainee_app.command("list")
def list_command(
    role: Optional[str] = typer.Option(None, "--role", help="only this role"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List users. / 用户列表"""
    with user_errors(), open_store(sync=False) as store:
        users = store.users(role)
    if as_json:
        emit(render.as_json(users))
        return
    table = RichTable(title="Users / 用户", title_justify="left")
    for column in ("id", "name", "role", "telegram_id", "lang", "created_at"):
        table.add_column(column)
    for user in users:
        table.add_row(*(render.cell(user.get(c)) for c in ("id", "name", "role", "telegram_id", "lang", "created_at")))
    render.print_rich(table)


@trainee_app.command("role")
def role_command(
    user_id: str = typer.Argument(..., help="the user's id"),
    role: str = typer.Argument(..., help="trainee, trainer or lead"),
    by: str = typer.Option(..., "--by", help="the lead's user id"),
) -> None:
    """Promote or demote a user (leads only). / 调整角色"""
    with user_errors(), open_store(sync=False) as store:
        _require_lead(store, by, "promote")
        user = store.set_role(user_id, role, by=by)
    typer.echo(f"{user['id']}: {user['role']} / 角色已更新")


def _export_to(store, trainee_id: str, out: Optional[Path]) -> Path:
    data = store.export_trainee(trainee_id)
    if out is None:
        stamp = data["exported_at"].replace(" ", "T").replace(":", "")
        out = VAR_DIR / "exports" / f"{trainee_id}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    partial.replace(out)
    return out


@trainee_app.command("export")
def export_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    by: str = typer.Option(..., "--by", help="the lead's user id"),
    out: Optional[Path] = typer.Option(None, "--out", help="JSON file to write (default var/exports/ID-TIME.json; "
                                                            "'-' for stdout)"),
) -> None:
    """Export everything stored about a trainee as JSON (leads only). / 导出学员数据"""
    with user_errors(), open_store(sync=False) as store:
        _require_lead(store, by, "export")
        if store.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        if str(out) == "-":
            emit(render.as_json(store.export_trainee(trainee_id)))
        else:
            path = _export_to(store, trainee_id, out)
            typer.echo(f"exported to {path} / 已导出")
        store.audit(by, "export", trainee_id)


@trainee_app.command("delete")
def delete_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    by: str = typer.Option(..., "--by", help="the lead's user id"),
    out: Optional[Path] = typer.Option(None, "--export-to", help="where the export written first goes"),
    yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation"),
) -> None:
    """Export, then delete a trainee's transcripts, keeping scores and counts (leads only). / 删除对话记录"""
    with user_errors(), open_store(sync=False) as store:
        _require_lead(store, by, "delete")
        if store.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        if not yes:
            typer.confirm(f"Delete every transcript of {trainee_id}? / 确认删除 {trainee_id} 的全部对话记录？", abort=True)
        path = _export_to(store, trainee_id, out)
        typer.echo(f"exported to {path} / 已导出")
        summary = store.delete_transcripts(trainee_id, by=by)
    typer.echo(f"{trainee_id}: {summary['turns_deleted']} turns in {summary['sessions']} sessions deleted; "
               f"scores kept / 已删除对话，保留分数")


def register(app: typer.Typer) -> None:
    app.add_typer(trainee_app, name="trainee")
