"""Reports as rich tables for people in a terminal (`dojo report`, `dojo trainer transcript`, …).

The numbers come from `progress.reports`, which also writes CSV and JSON; here ids a person reads
(violation categories, outcomes, personas) are shown with their labels from data/i18n/labels.yml.
"""
from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table as RichTable
from rich.text import Text

from foundation.labels import bilingual
from progress.reports import Report, as_csv, as_json

__all__ = ["as_csv", "as_json", "as_rich", "cell", "labelled_cell", "print_rich", "transcript_rich"]

SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow"}
# Report columns that hold a fixed id, and the kind of label that id has.
LABELLED_COLUMNS = {"category": "categories", "outcome": "outcomes", "persona": "personas"}


def cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    return str(value)


def labelled_cell(column: str, value) -> str:
    """A cell as a person reads it: a category, outcome or persona id becomes `English / 中文`."""
    kind = LABELLED_COLUMNS.get(column)
    if kind is None or not isinstance(value, str) or not value:
        return cell(value)
    return bilingual(kind, value)


def as_rich(report: Report) -> Group:
    """Summary as a two-column table, then each table with its bilingual title."""
    parts = []
    summary = RichTable(title=f"{report.title_en} / {report.title_zh}", show_header=False, title_justify="left")
    summary.add_column("field", style="bold")
    summary.add_column("value")
    for key, value in report.summary.items():
        if isinstance(value, list):
            value = "\n".join(cell(v) for v in value)
        summary.add_row(key, labelled_cell(key, value))
    parts.append(summary)
    for table in report.tables:
        rich_table = RichTable(title=f"{table.title_en} / {table.title_zh}", title_justify="left")
        for column in table.columns:
            rich_table.add_column(column, overflow="fold")
        for row in table.rows:
            rich_table.add_row(*(labelled_cell(column, row.get(column)) for column in table.columns))
        if not table.rows:
            rich_table.caption = "(none / 无)"
        parts.append(rich_table)
    return Group(*parts)


def _finding(violation: dict) -> str:
    return f"{violation['severity'] or '?'} {bilingual('categories', violation['category'])} ({violation['rule'] or ''})"


def transcript_rich(transcript: dict) -> Group:
    """Each turn: what the trainee said, its findings, what the debtor answered."""
    session = transcript["session"]
    outcome = bilingual("outcomes", session["outcome"]) if session["outcome"] else cell(None)
    head = Text.assemble(
        (f"Session {session['id']} / 会话\n", "bold"),
        f"trainee {session['trainee_id']} · scenario {session['scenario_id']} · {session['lang']} · "
        f"{session['mode']} · {session['status']} · outcome {outcome} · "
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
            findings.append(_finding(violation) + "\n", style=SEVERITY_STYLE.get(violation["severity"], ""))
        if turn["overall"] is not None:
            findings.append(f"score {turn['overall']:g}")
        intent = f"\n[{turn['intent']}]" if turn["intent"] else ""
        table.add_row(str(turn["turn_no"]), (turn["trainee_text"] or "") + intent, findings, turn["debtor_reply"] or "")
    parts.append(table)
    if transcript["session_violations"]:
        lines = Text("Session-level findings / 整体问题:\n", style="bold")
        for violation in transcript["session_violations"]:
            lines.append(f"  {_finding(violation)}\n", style=SEVERITY_STYLE.get(violation["severity"], ""))
        parts.append(lines)
    return Group(*parts)


def print_rich(renderable, width: int = 160) -> None:
    Console(width=width).print(renderable)
