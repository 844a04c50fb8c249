"""The team heatmap (trainees × categories, trainees × NVC parts) and time to certify per cohort,
rendered in zh and en from generated histories; `dojo report team --chart` writes them."""
from __future__ import annotations

import io
import warnings

import matplotlib.image as mpimg
import pytest
from typer.testing import CliRunner

from dojo.cli import app
from drill_world import findings, play, violation
from progress import charts, queries
from shared_helpers import drawn_texts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NO_FEELING = {"observation": True, "feeling": False, "need": True, "request": True}


@pytest.fixture
def team(store, clock):
    store.ensure_user("boss", role="lead")
    for n in range(6):
        trainee = f"t{n % 3}"
        play(store, clock, f"s{n}", trainee, turns=[findings([violation("harassment")] if n % 3 == 0 else [],
                                                             nvc=NO_FEELING if n % 3 == 1 else None)], days_later=10)
    store.certify("t2", 1, by="boss", reason="passed every persona")
    return store


@pytest.mark.parametrize("draw", [charts.team_heatmap_png, charts.time_to_certify_png])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_team_charts_render_in_both_languages(team, draw, lang, monkeypatch):
    if lang == "zh" and charts.cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk); .ci/run installs one")
    drawn = drawn_texts(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw(team, lang=lang)
    assert png.startswith(PNG_MAGIC)
    image = mpimg.imread(io.BytesIO(png), format="png")
    assert image.shape[0] >= 300 and image.std() > 0.05
    assert [str(w.message) for w in caught if "missing from current font" in str(w.message)] == []
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in "".join(drawn))
    assert has_chinese == (lang == "zh")


def test_the_heatmap_reads_the_weak_point_scores(team):
    scores = {(r["trainee"], r["weak_point"]): r["score"] for r in team.weak_points()}
    assert scores[("t0", "harassment")] > 0 and scores[("t1", "nvc.feeling")] == 1.0
    assert ("t2", "harassment") not in scores


def test_time_to_certify_groups_trainees_by_the_month_they_started(team):
    rows = team.query(queries.TIME_TO_CERTIFY)
    assert sum(r["trainees"] for r in rows) == 3 and sum(r["certified"] for r in rows) == 1


def test_empty_team_charts_still_render(store):
    assert charts.team_heatmap_png(store, lang="en").startswith(PNG_MAGIC)
    assert charts.time_to_certify_png(store, lang="en").startswith(PNG_MAGIC)


def test_report_team_chart_writes_the_heatmap_and_cohort_chart_beside_the_funnel(tmp_path, monkeypatch):
    monkeypatch.setenv("DOJO_DB", str(tmp_path / "dojo.db"))
    result = CliRunner().invoke(app, ["report", "team", "--chart", str(tmp_path / "team.png"), "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    for name in ("team.png", "team-heatmap.png", "team-time-to-certify.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_MAGIC)
