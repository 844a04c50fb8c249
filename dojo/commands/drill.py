"""`dojo drill`: five one-turn exercises aimed at the trainee's weak points, graded at once.

No simulator is needed: a drill is the debtor's line, a collector line with a flaw, and the
trainee's rewrite, which the scorer grades on the spot. `--script` and `--json` work as for
`dojo practice`: one rewrite per line of FILE; one JSON object per graded item on stdout.
"""
from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console

from dojo.catalog_access import load_catalog_or_fail
from dojo.store_cli import open_store, user_errors
from drills import DrillBankError, DrillGrade, DrillItem, load_bank, start_drill_set, topic_label
from foundation.errors import DojoError
from foundation.vocab import LANGUAGES

QUIT_COMMANDS = {"/quit", "/exit", "/退出", "/end", "/结束"}
TEXT = {
    "intro": {"zh": "练习组 {id}：{n} 道题，重点：{focus}", "en": "Drill set {id}: {n} items, focus: {focus}"},
    "debtor": {"zh": "债务人", "en": "Debtor"},
    "collector": {"zh": "原说法（有问题）", "en": "Collector (flawed)"},
    "prompt": {"zh": "请改写这句话", "en": "Rewrite this line"},
    "pass": {"zh": "通过", "en": "Passed"},
    "fail": {"zh": "未通过", "en": "Not yet"},
    "better": {"zh": "参考说法", "en": "Better"},
    "done": {"zh": "完成 {passed}/{n} 题。", "en": "{passed}/{n} passed."},
    "suggest": {"zh": "下一步：完整场景练习同一弱项 → dojo practice --scenario {id} --lang {language}",
                "en": "Next: a full scenario on the same weak point → dojo practice --scenario {id} --lang {language}"},
}


def _t(key: str, lang: str, **values) -> str:
    return TEXT[key][lang].format(**values)


def _script_lines(path: Path) -> List[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise DojoError(f"cannot read script {path}: {exc.strerror}") from exc


def _interactive(console: Console, lang: str) -> Iterator[str]:
    while True:
        try:
            yield console.input(f"[bold cyan]{_t('prompt', lang)} > [/]")
        except (EOFError, KeyboardInterrupt):
            return


def grade_line(item: DrillItem, lang: str, grade: DrillGrade) -> dict:
    """The --json object for one graded item."""
    lines = item.in_lang(lang)
    return {"item": item.id, "topic": item.topic, "lang": lang, "debtor": lines.debtor, "collector": lines.collector,
            "rewrite": grade.rewrite, "passed": grade.passed, "flaw_fixed": grade.flaw_fixed,
            "overall": grade.overall, "violations": list(grade.violations), "missing_nvc": list(grade.missing_nvc),
            "polarity": grade.polarity, "summary": grade.summary, "better": grade.better}


def drill_command(
    trainee: Optional[str] = typer.Option(None, "--trainee", help="who is drilling (default: your user name)"),
    lang: str = typer.Option("zh", "--lang", "-l", help="zh or en"),
    script: Optional[Path] = typer.Option(None, "--script", help="read rewrites from FILE, one per line"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object per graded item on stdout"),
    topic: Optional[str] = typer.Option(None, "--topic", help="drill one weak point (a category, nvc.<part>, deescalation, commitment) instead of your own"),
) -> None:
    """Five one-turn drills on your weak points: rewrite the flawed line, graded at once. / 弱项专项练习"""
    if lang not in LANGUAGES:
        raise DojoError(f"--lang must be zh or en, not {lang!r}")
    try:
        bank = load_bank()
    except DrillBankError as exc:
        raise DojoError(f"broken drill bank: {exc}") from exc
    catalog = load_catalog_or_fail()
    trainee_id = trainee or getpass.getuser() or "trainee"
    console = Console(stderr=as_json, highlight=False)
    lines = iter(_script_lines(script)) if script else _interactive(console, lang)
    with user_errors(), open_store() as store:
        store.ensure_user(trainee_id)
        run = start_drill_set(store, bank, trainee_id, lang, "cli", focus=topic)
        focus = "、".join(topic_label(t, lang) for t in run.focus) if lang == "zh" else ", ".join(topic_label(t, lang) for t in run.focus)
        console.print(_t("intro", lang, id=run.drill_set_id, n=len(run.items), focus=focus), style="bold")
        for position, item in enumerate(run.items, start=1):
            shown = item.in_lang(lang)
            console.print(f"\n[bold]{position}/{len(run.items)} · {topic_label(item.topic, lang)}[/]")
            console.print(f"[yellow]{_t('debtor', lang)}:[/] {shown.debtor}")
            console.print(f"[red]{_t('collector', lang)}:[/] {shown.collector}")
            rewrite = next(lines, None)
            if rewrite is None or rewrite.strip() in QUIT_COMMANDS:
                break
            if not rewrite.strip():
                console.print("(empty line skipped / 空行已跳过)", style="dim")
                rewrite = next(lines, None)
                if rewrite is None or not rewrite.strip() or rewrite.strip() in QUIT_COMMANDS:
                    break
            if script is not None:
                console.print(f"[cyan]>[/] {rewrite}")
            grade = run.answer(position, rewrite)
            if as_json:
                print(json.dumps(grade_line(item, lang, grade), ensure_ascii=False), flush=True)
            verdict = f"[green]{_t('pass', lang)}[/]" if grade.passed else f"[red]{_t('fail', lang)}[/]"
            console.print(f"{verdict} {grade.summary}")
            console.print(f"[green]{_t('better', lang)}:[/] {grade.better}")
        scenarios = [{"id": s.id, "persona": s.persona, "languages": s.languages, "difficulty": s.difficulty}
                     for s in catalog.scenarios.values()]
        result = run.finish(scenarios)
        console.print("\n" + _t("done", lang, passed=result["passed"], n=result["items"]), style="bold")
        if result["suggested_scenario"]:
            console.print(_t("suggest", lang, id=result["suggested_scenario"], language=lang))
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("drill")(drill_command)
