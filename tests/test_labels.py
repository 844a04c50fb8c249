"""One word, one place: every category, outcome, persona and dimension label reaches each surface
that shows it (the scorer, the terminal, the bot, reports, charts, the dashboard) exactly as
data/i18n/labels.yml writes it, so no two surfaces can disagree; and the file itself is validated
with errors that name the file and line."""
from __future__ import annotations

import html
import sqlite3

import pytest
from rich.console import Console

from bot import render as bot_render
from dojo import report_render
from dojo.terminal_view import TerminalView
from foundation import vocab
from foundation.labels import LabelError, labels, load_labels
from foundation.paths import REPO_ROOT
from progress import charts, dashboard
from progress.certification import Requirement, _bar_text
from progress.reports import Report, Table
from scoring.categories import CATEGORY_LABELS
from scoring.reply import summarise
from scoring.results import DeescalationResult, NvcResult

LANGS = ("zh", "en")


def _rich_text(renderable) -> str:
    console = Console(width=400, record=True, highlight=False)
    console.print(renderable)
    return console.export_text()


def terminal_report(kind: str, label_id: str, lang: str) -> str:
    view = TerminalView(lang, Console(width=400, record=True, highlight=False))
    report = {"scores": {d: 50 for d in vocab.DIMENSIONS}, "passed": False,
              "violations": [{"category": label_id if kind == "categories" else "harassment", "severity": "major"}]}
    view.report_card(report, label_id if kind == "outcomes" else None)
    return view.console.export_text()


def bot_report_card(kind: str, label_id: str, lang: str) -> str:
    report = {"scores": {d: 50 for d in vocab.DIMENSIONS}, "passed": False,
              "violations": [{"category": label_id if kind == "categories" else "harassment"}]}
    return html.unescape(bot_render.report_card(report, lang, label_id if kind == "outcomes" else None))


def rich_report(kind: str, label_id: str, lang: str) -> str:
    column = {"categories": "category", "outcomes": "outcome", "personas": "persona"}[kind]
    table = Table("t", "T", "表", (column,), ({column: label_id},))
    return _rich_text(report_render.as_rich(Report("team", None, "Team", "团队", {}, (table,))))


def dashboard_sql(kind: str, label_id: str, lang: str) -> str:
    conn = sqlite3.connect(":memory:")
    dashboard.prepare(conn)
    return conn.execute("select dojo_label(?, ?)", (kind, label_id)).fetchone()[0]


def chart_label(kind: str, label_id: str, lang: str) -> str:
    if lang == "zh" and charts.cjk_font() is None:
        pytest.skip("no CJK font installed: charts are English only (apt-get install fonts-noto-cjk)")
    return charts.id_label(kind, label_id, lang)


def scorer_summary(missing_part, lang: str) -> str:
    """The scorer's one-line summary of a compliant reply that lacks one NVC part (or none)."""
    nvc = NvcResult(**{part: part != missing_part for part in vocab.NVC_PARTS}, score=0)
    return summarise(lang, 80, [], nvc, DeescalationResult(0, 0, (), ()))


# kind -> surface -> renders the id in a language and returns what a person would read.
SURFACES = {
    "categories": {
        "scorer": lambda kind, c, lang: CATEGORY_LABELS[c][lang],
        "terminal": terminal_report,
        "bot": bot_report_card,
        "bot coach note": lambda kind, c, lang: html.unescape(
            bot_render.coach_tip(None, {"violations": [{"category": c}]}, lang)),
        "report": rich_report,
        "chart": chart_label,
        "dashboard": dashboard_sql,
    },
    "outcomes": {
        "terminal": terminal_report,
        "bot": bot_report_card,
        "report": rich_report,
    },
    "personas": {
        "certification (report, bot /progress)": lambda kind, p, lang: Requirement(p, None, 1, 0, (), None).describe(lang),
        "report": rich_report,
        "dashboard": dashboard_sql,
    },
    "dimensions": {
        "terminal": terminal_report,
        "bot": bot_report_card,
        "certification bar": lambda kind, d, lang: _bar_text({d: 75}, lang),
        "chart": chart_label,
    },
    "nvc_parts": {
        "scorer summary": lambda kind, part, lang: scorer_summary(part, lang),
    },
}
CASES = [(kind, label_id, lang, surface) for kind, surfaces in SURFACES.items()
         for label_id in labels().ids(kind) for lang in LANGS for surface in surfaces]


@pytest.mark.parametrize("kind,label_id,lang,surface", CASES)
def test_each_surface_shows_the_label_of_the_labels_file(kind, label_id, lang, surface):
    shown = SURFACES[kind][surface](kind, label_id, lang)
    expected = labels().get(kind, label_id, lang)
    assert expected in shown, f"{surface} shows {shown!r} for {kind} {label_id!r} ({lang}), labels.yml says {expected!r}"


@pytest.mark.parametrize("kind", sorted(SURFACES))
def test_no_two_surfaces_disagree(kind):
    """Whatever a surface shows for an id must be the same words on every other surface."""
    for label_id in labels().ids(kind):
        for lang in LANGS:
            seen = {}
            for surface, render in SURFACES[kind].items():
                if surface == "chart" and lang == "zh" and charts.cjk_font() is None:
                    continue
                shown = render(kind, label_id, lang)
                seen[surface] = labels().get(kind, label_id, lang) in shown
            assert all(seen.values()), f"{kind} {label_id} ({lang}): surfaces missing the shared label: {seen}"


def test_the_scorer_summary_names_the_dimensions_as_the_labels_do():
    summary = scorer_summary(None, "zh")
    for dimension in ("compliance", "nvc"):
        assert labels().get("dimensions", dimension, "zh") in summary, summary


def test_the_labels_name_exactly_the_fixed_ids():
    table = load_labels(REPO_ROOT / "data" / "i18n" / "labels.yml")
    assert table.ids("categories") == vocab.CATEGORIES
    assert table.ids("outcomes") == vocab.OUTCOMES
    assert table.ids("personas") == vocab.PERSONAS
    assert table.ids("dimensions") == vocab.DIMENSIONS
    assert table.ids("stages") == vocab.STAGES


def test_the_bot_strings_no_longer_repeat_labels():
    text = (REPO_ROOT / "data" / "i18n" / "bot.yml").read_text(encoding="utf-8")
    for prefix in ("category.", "outcome.", "dimension.", "persona."):
        assert f"\n{prefix}" not in text, f"bot.yml repeats {prefix}* labels; they live in labels.yml"


GOOD = (REPO_ROOT / "data" / "i18n" / "labels.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("edit,line_of,problem", [
    (lambda t: t.replace("  harassment: {zh: 骚扰性催收, en: harassment}\n", ""), "categories:", "no label for harassment"),
    (lambda t: t.replace("  hung_up: {zh: 对方挂断, en: hung up}", "  hung_up: {zh: 对方挂断, en: hung up}\n  ghosted: {zh: 失联, en: ghosted}"),
     "  ghosted:", "unknown id 'ghosted'"),
    (lambda t: t.replace("hostile: {zh: 情绪对抗型, en: Hostile}", "hostile: {zh: 情绪对抗型}"), "  hostile:", "needs non-empty en"),
    (lambda t: t.replace("nvc: {zh: 非暴力沟通, en: Nonviolent communication}", "nvc: {zh: '', en: NVC}"), "  nvc:", "needs non-empty zh"),
    (lambda t: t.replace("levels:\n  1:", "levels:\n  first:"), "  first:", "not a positive whole number"),
    (lambda t: t.replace("outcomes:", "outcomes:\n  refused: {zh: 拒绝, en: refused}", 1), "  refused: {zh: 拒绝还款", "duplicate key"),
])
def test_a_broken_labels_file_names_file_and_line(tmp_path, edit, line_of, problem):
    path = tmp_path / "labels.yml"
    text = edit(GOOD)
    assert text != GOOD
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabelError) as caught:
        load_labels(path)
    expected_line = next(number for number, line in enumerate(text.splitlines(), 1) if line.startswith(line_of))
    assert caught.value.line == expected_line and problem in str(caught.value), str(caught.value)
    assert str(path) in str(caught.value)


def test_the_labels_follow_the_data_folder(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "i18n").mkdir(parents=True)
    (data / "i18n" / "labels.yml").write_text(GOOD.replace("en: payment plan", "en: instalment plan"), encoding="utf-8")
    monkeypatch.setenv("DOJO_DATA_DIR", str(data))
    assert bot_render.outcome_name("payment_plan", "en") == "instalment plan"
    monkeypatch.delenv("DOJO_DATA_DIR")
    assert bot_render.outcome_name("payment_plan", "en") == "payment plan"


def test_labels_are_yaml_not_code():
    """No module keeps its own table of these labels any more."""
    offenders = []
    for path in REPO_ROOT.glob("*/**/*.py"):
        if path.parts[len(REPO_ROOT.parts)] in ("tests", ".venv", "bench", "scripts"):
            continue
        source = path.read_text(encoding="utf-8")
        for words in ("分期方案", "暴力威胁或恐吓", "有心无力型", "开场未完整告知"):
            if words in source:
                offenders.append(f"{path.relative_to(REPO_ROOT)}: {words}")
    assert offenders == []



def test_the_scoring_doc_names_categories_as_the_labels_do():
    """docs/scoring.md's category table is one more place people read the labels."""
    doc = (REPO_ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for category in vocab.CATEGORIES:
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{category}` |")), None)
        if row is None:
            continue
        words = row.split("|")[2].strip()
        assert words == f"{labels().get('categories', category, 'en')} ({labels().get('categories', category, 'zh')})", row
