"""`dojo calibrate`: how far the graders agree with a QA team's own labels (measuring: scoring.calibration)."""
from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import List, Optional

import typer

from foundation.errors import DojoError
from scoring.calibration import CalibrationReport, compare, confusion_lines, parse_lines, score_records, summary_lines


def register(app: typer.Typer) -> None:
    @app.command("calibrate")
    def calibrate_command(
        file: Path = typer.Argument(..., help="labelled replies, JSON Lines: text, lang?, regime?, debtor_said?, violations, nvc, polarity"),
        csv_out: Optional[Path] = typer.Option(None, "--csv", help="write every disagreement (with the grader's evidence) as CSV"),
        html_out: Optional[Path] = typer.Option(None, "--html", help="write the whole report as one HTML page"),
    ) -> None:
        """Agreement of the graders with your labels: accuracy, recall, precision, kappa, confusion, disagreements."""
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise DojoError(f"cannot read {file}: {exc.strerror}") from exc
        records, bad = parse_lines(lines, str(file))
        numbered = [record for _, record in records]
        report = compare(score_records(numbered), bad)
        typer.echo("\n".join(report_lines(report, str(file))))
        if csv_out is not None:
            write_csv(report, csv_out)
            typer.echo(f"disagreements written to {csv_out}")
        if html_out is not None:
            html_out.write_text(render_html(report, str(file)), encoding="utf-8")
            typer.echo(f"report written to {html_out}")


def report_lines(report: CalibrationReport, source: str) -> List[str]:
    lines = summary_lines(report, source)
    lines += ["", "categories (rows labelled, columns graded; first finding):"] + confusion_lines(report)
    lines += ["", f"disagreements: {len(report.disagreements)}"]
    for item in report.disagreements:
        evidence = f" — {item.evidence}" if item.evidence else ""
        lines.append(f"  {item.id} [{item.lang}] {item.criterion}: labelled {item.labelled}, graded {item.graded}{evidence} | {item.text}")
    for line_no, error in report.bad_lines:
        lines.append(f"line {line_no}: skipped: {error}")
    return lines


CSV_FIELDS = ("id", "lang", "criterion", "labelled", "graded", "evidence", "text")


def write_csv(report: CalibrationReport, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        for item in report.disagreements:
            writer.writerow([item.id, item.lang, item.criterion, item.labelled, item.graded, item.evidence, item.text])
        for line_no, error in report.bad_lines:
            writer.writerow([f"line {line_no}", "", "error", "", "", error, ""])


def render_html(report: CalibrationReport, source: str) -> str:
    """One self-contained page: the agreement table, the confusion matrix and every disagreement."""
    def table(markdown: List[str]) -> str:
        rows = [line for line in markdown if line.startswith("|") and not line.startswith("|---")]
        out = []
        for index, row in enumerate(rows):
            cells = [html.escape(cell.strip()) for cell in row.strip("|").split("|")]
            tag = "th" if index == 0 else "td"
            out.append("<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>")
        return "<table>" + "".join(out) + "</table>"

    disagreements = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in
                         (d.id, d.lang, d.criterion, d.labelled, d.graded, d.evidence, d.text)) + "</tr>"
        for d in report.disagreements
    )
    errors = "".join(f"<li>line {n}: {html.escape(e)}</li>" for n, e in report.bad_lines)
    return (
        "<!doctype html><meta charset='utf-8'><title>CollectorDojo calibration</title>"
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px}</style>"
        f"<h1>Calibration: {html.escape(source)}</h1><p>{report.n} replies measured, {len(report.bad_lines)} lines skipped.</p>"
        f"<h2>Agreement per criterion</h2>{table(summary_lines(report))}"
        f"<h2>Categories</h2>{table(confusion_lines(report))}"
        "<h2>Disagreements</h2><table><tr>" + "".join(f"<th>{f}</th>" for f in CSV_FIELDS) + f"</tr>{disagreements}</table>"
        + (f"<h2>Skipped lines</h2><ul>{errors}</ul>" if errors else "")
    )
