"""`dojo scenarios`: what can be practised."""
from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from dojo.catalog_access import load_catalog_or_fail
from foundation.vocab import LANGUAGES


def scenarios_command(
    as_json: bool = typer.Option(False, "--json", help="print a JSON array, one object per scenario"),
    lang: str = typer.Option("en", "--lang", help="language of the titles in the table"),
) -> None:
    """List the practice scenarios."""
    catalog = load_catalog_or_fail()
    scenarios = sorted(catalog.scenarios.values(), key=lambda s: (s.persona, s.difficulty, s.id))
    if as_json:
        typer.echo(json.dumps([s.summary() for s in scenarios], ensure_ascii=False, indent=None))
        return
    table = Table(title="CollectorDojo scenarios / 练习场景")
    for column in ("id", "persona", "regime", "bucket", "level", "langs"):
        table.add_column(column, no_wrap=True)
    table.add_column("title")
    for s in scenarios:
        table.add_row(s.id, s.persona, s.regime, s.bucket, str(s.difficulty), ",".join(s.languages), s.title(lang if lang in LANGUAGES else "en"))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("scenarios")(scenarios_command)
