"""`dojo report trainee ID | team | scenario ID [--csv | --json]`: progress reports from the store."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from dojo import report_render as render
from dojo.store_cli import emit, one_format, open_store, user_errors
from progress import charts, reports

report_app = typer.Typer(help="Progress reports: a trainee, the team, a scenario. / 进度报告", no_args_is_help=True)

CSV_HELP = "print one table as CSV (the first, or --table)"
JSON_HELP = "print the whole report as JSON"
TABLE_HELP = "which table --csv prints"
CHART_HELP = "also write the chart to this PNG file"


def _show(report, as_csv: bool, as_json: bool, table: Optional[str]) -> None:
    one_format(as_csv, as_json)
    if as_json:
        emit(render.as_json(report))
    elif as_csv:
        try:
            emit(render.as_csv(report, table))
        except KeyError as exc:
            raise typer.BadParameter(str(exc.args[0]), param_hint="--table") from exc
    else:
        render.print_rich(render.as_rich(report))


def _write_png(path: Optional[Path], png: bytes) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        typer.secho(f"chart written to {path}", err=True)


def _beside(path: Path, name: str) -> Path:
    return path.with_name(f"{path.stem}-{name}{path.suffix or '.png'}")


@report_app.command("trainee")
def trainee_command(
    trainee_id: str = typer.Argument(..., help="the trainee's user id"),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    table: Optional[str] = typer.Option(None, "--table", help=TABLE_HELP + ": sessions, violations, assignments"),
    chart: Optional[Path] = typer.Option(None, "--chart", help=CHART_HELP + " (scores over time)"),
) -> None:
    """One trainee: totals, certification and what is left, sessions, violations. / 学员报告"""
    with user_errors(), open_store() as store:
        report = reports.trainee_report(store, trainee_id)
        _write_png(chart, charts.trainee_scores_png(store, trainee_id) if chart else b"")
        _show(report, as_csv, as_json, table)


@report_app.command("team")
def team_command(
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    table: Optional[str] = typer.Option(None, "--table", help=TABLE_HELP + ": trainees, funnel, violations, overdue"),
    chart: Optional[Path] = typer.Option(None, "--chart", help=CHART_HELP + " (certification funnel); the weak-point "
                                         "heatmap and time to certify per cohort go beside it as NAME-heatmap.png "
                                         "and NAME-time-to-certify.png"),
    lang: Optional[str] = typer.Option(None, "--lang", help="chart language: zh, en (default: both side by side)"),
    violations_chart: Optional[Path] = typer.Option(None, "--violations-chart",
                                                    help=CHART_HELP + " (violations by category over time)"),
) -> None:
    """The team: one row per trainee, certification funnel, violations, overdue work. / 团队报告"""
    if lang not in (None, "zh", "en"):
        raise typer.BadParameter("zh or en", param_hint="--lang")
    with user_errors(), open_store() as store:
        report = reports.team_report(store)
        _write_png(chart, charts.team_funnel_png(store, lang) if chart else b"")
        if chart is not None:
            _write_png(_beside(chart, "heatmap"), charts.team_heatmap_png(store, lang))
            _write_png(_beside(chart, "time-to-certify"), charts.time_to_certify_png(store, lang))
        _write_png(violations_chart, charts.violations_over_time_png(store) if violations_chart else b"")
        _show(report, as_csv, as_json, table)


@report_app.command("scenario")
def scenario_command(
    scenario_id: str = typer.Argument(..., help="the scenario id (see `dojo scenarios`)"),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    table: Optional[str] = typer.Option(None, "--table", help=TABLE_HELP + ": trainees, outcomes, violations"),
) -> None:
    """One scenario: difficulty, outcomes, who has tried it. / 场景报告"""
    with user_errors(), open_store() as store:
        _show(reports.scenario_report(store, scenario_id), as_csv, as_json, table)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
