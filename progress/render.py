"""Turning reports into text: rich tables for people, CSV for spreadsheets, JSON for programs."""
from __future__ import annotations

import csv
import io
import json
from typing import Optional

from rich.console import Console, Group
from rich.table import Table as RichTable
from rich.text import Text

from progress.reports import Report

SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow"}


def cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    return str(value)


def as_rich(report: Report) -> Group:
    """Summary as a two-column table, then each table with its bilingual title."""
    parts = []
    summary = RichTable(title=f"{report.title_en} / {report.title_zh}", show_header=False, title_justify="left")
    summary.add_column("field", style="bold")
    summary.add_column("value")
    for key, value in report.summary.items():
        if isinstance(value, list):
            value = "\n".join(cell(v) for v in value)
        summary.add_row(key, cell(value))
    parts.append(summary)
    for table in report.tables:
        rich_table = RichTable(title=f"{table.title_en} / {table.title_zh}", title_justify="left")
        for column in table.columns:
            rich_table.add_column(column, overflow="fold")
        for row in table.rows:
            rich_table.add_row(*(cell(row.get(column)) for column in table.columns))
        if not table.rows:
            rich_table.caption = "(none / 无)"
        parts.append(rich_table)
    return Group(*parts)


def as_csv(report: Report, table_name: Optional[str] = None) -> str:
    """One table (the report's first unless named) as CSV with a header row."""
    table = report.table(table_name) if table_name else report.tables[0]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table.columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def as_json(data) -> str:
    payload = data.to_dict() if hasattr(data, "to_dict") else data
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def transcript_rich(transcript: dict) -> Group:
    """Each turn: what the trainee said, its findings, what the debtor answered."""
    session = transcript["session"]
    head = Text.assemble(
        (f"Session {session['id']} / 会话\n", "bold"),
        f"trainee {session['trainee_id']} · scenario {session['scenario_id']} · {session['lang']} · "
        f"{session['mode']} · {session['status']} · outcome {cell(session['outcome'])} · "
        f"overall {cell(session['overall'])}",
    )
    parts = [head]
    if session.get("transcript_deleted_at"):
        parts.append(Text(f"transcript deleted on request at {session['transcript_deleted_at']} / 对话记录已应要求删除",
                          style="italic"))
    table = RichTable(show_lines=True)
    for column in ("#", "trainee / 学员", "findings / 问题", "debtor / 债务人"):
        table.add_column(column, overflow="fold")
    for turn in transcript["turns"]:
        findings = Text()
        for violation in turn["violations"]:
            findings.append(f"{violation['severity'] or '?'} {violation['category']} ({violation['rule'] or ''})\n",
                            style=SEVERITY_STYLE.get(violation["severity"], ""))
        if turn["overall"] is not None:
            findings.append(f"score {turn['overall']:g}")
        intent = f"\n[{turn['intent']}]" if turn["intent"] else ""
        table.add_row(str(turn["turn_no"]), (turn["trainee_text"] or "") + intent, findings, turn["debtor_reply"] or "")
    parts.append(table)
    if transcript["session_violations"]:
        lines = Text("Session-level findings / 整体问题:\n", style="bold")
        for violation in transcript["session_violations"]:
            lines.append(f"  {violation['severity'] or '?'} {violation['category']} ({violation['rule'] or ''})\n",
                         style=SEVERITY_STYLE.get(violation["severity"], ""))
        parts.append(lines)
    return Group(*parts)


def print_rich(renderable, width: int = 160) -> None:
    Console(width=width).print(renderable)
