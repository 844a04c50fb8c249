"""Charts are real PNGs drawn from the store's rows, with or without a CJK font installed."""
from __future__ import annotations

import io

import matplotlib.image as mpimg
import pytest

from progress import charts
from progress.errors import UnknownTrainee
from progress_fixtures import play, report, violation

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _pixels(png: bytes):
    assert png.startswith(PNG_MAGIC)
    return mpimg.imread(io.BytesIO(png), format="png")


@pytest.fixture
def history(store, clock):
    for number, overall in enumerate((40, 55, 70, 85)):
        play(store, clock, f"s{number}", "li", "hostile_cn", mode="exam" if number % 2 else "coach",
             turn_violations=[violation("harassment")] if number < 2 else [], final=report(overall=overall))
        clock.advance(days=1)
    return store


@pytest.mark.parametrize("draw", [
    lambda s: charts.trainee_scores_png(s, "li"),
    charts.team_funnel_png,
    charts.violations_over_time_png,
])
def test_each_chart_is_a_png_with_something_drawn(history, draw):
    image = _pixels(draw(history))
    assert image.shape[0] >= 300 and image.shape[1] >= 600
    assert image.std() > 0.05, "the picture is not blank"


@pytest.mark.parametrize("draw", [
    lambda s: charts.trainee_scores_png(s, "li"),
    charts.team_funnel_png,
    charts.violations_over_time_png,
])
def test_charts_of_an_empty_store_still_render(store, draw):
    store.ensure_user("li")
    assert draw(store).startswith(PNG_MAGIC)


def test_more_data_draws_a_different_picture(history, clock):
    before = charts.trainee_scores_png(history, "li")
    play(history, clock, "late", "li", "hostile_cn", final=report(overall=10))
    assert charts.trainee_scores_png(history, "li") != before


def test_unknown_trainee(store):
    with pytest.raises(UnknownTrainee):
        charts.trainee_scores_png(store, "nobody")


def test_labels_fall_back_to_english_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.label("Certification funnel", "认证漏斗") == "Certification funnel"
    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert charts.label("Certification funnel", "认证漏斗") == "Certification funnel / 认证漏斗"
