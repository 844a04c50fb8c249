"""`dojo export xapi --since DATE [--out FILE] [--send]`: learning records in the bank's standard.

Writes one xAPI statement per line (JSON Lines). With `--send` (and `DOJO_LRS_URL` set) it also
queues them in the outbox and sends what is pending to the learning record store, retrying, so a
cron job can do what the bot does every few minutes.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from dojo.store_cli import open_store, user_errors
from foundation.errors import DojoError
from foundation.settings import Settings
from lrs_client import LrsClient, send_pending

export_app = typer.Typer(help="Export learning records. / 导出学习记录", no_args_is_help=True)


def _since(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise DojoError(f"--since {text!r} is not YYYY-MM-DD / 日期格式应为 YYYY-MM-DD") from exc


@export_app.command("xapi")
def xapi_command(
    since: str = typer.Option(..., "--since", help="records finished on or after this date (YYYY-MM-DD)"),
    out: Optional[Path] = typer.Option(None, "--out", help="write the JSON Lines here instead of stdout"),
    send: bool = typer.Option(False, "--send", help="also queue them and send what is pending to DOJO_LRS_URL"),
) -> None:
    """xAPI statements (JSON Lines) for sessions, drill sets and certification changes. / xAPI 学习记录"""
    settings = Settings.from_env()
    with user_errors(), open_store() as store:
        statements = store.xapi_statements(_since(since), settings.xapi_home_page, settings.xapi_names)
        lines = "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statements)
        if out is None:
            sys.stdout.write(lines)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(lines, encoding="utf-8")
            typer.secho(f"{len(statements)} statements written to {out}", err=True)
        if send:
            if not settings.lrs_url:
                raise DojoError("--send needs DOJO_LRS_URL (and DOJO_LRS_USER, DOJO_LRS_PASSWORD) / 未配置学习记录系统地址")
            store.queue_xapi(statements)
            with LrsClient(settings.lrs_url, settings.lrs_user, settings.lrs_password) as client:
                result = send_pending(store, client)
            typer.secho(f"sent {result.sent}, refused {result.rejected}, still pending {result.pending}"
                        + (f" ({result.error})" if result.error else ""), err=True)
            if result.error:
                raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
