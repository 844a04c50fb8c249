"""Charts are real PNGs drawn from the store's rows, with or without a CJK font installed."""
from __future__ import annotations

import io

import matplotlib.image as mpimg
import pytest

from progress import charts
from progress.errors import UnknownTrainee
from progress_fixtures import play, report, violation
from shared_helpers import drawn_texts

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


@pytest.mark.parametrize("draw", [
    lambda s: charts.trainee_scores_png(s, "li", lang="zh"),
    lambda s: charts.team_funnel_png(s, lang="zh"),
    lambda s: charts.violations_over_time_png(s, lang="zh"),
])
def test_a_chinese_chart_has_every_glyph(history, draw, monkeypatch):
    """With a CJK font installed (CI installs fonts-noto-cjk), a zh chart is Chinese and no glyph is missing."""
    import warnings

    if charts.cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk); .ci/run installs one")
    drawn = drawn_texts(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw(history)
    assert png.startswith(PNG_MAGIC)
    missing = [str(w.message) for w in caught if "missing from current font" in str(w.message)]
    assert missing == [], missing
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(drawn)), "the zh chart drew no Chinese"


def test_the_zh_legend_uses_the_labels_file(history, monkeypatch):
    from foundation.labels import label

    if charts.cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    drawn = drawn_texts(monkeypatch)
    charts.trainee_scores_png(history, "li", lang="zh")
    charts.violations_over_time_png(history, lang="zh")
    assert label("dimensions", "nvc", "zh") in drawn and label("categories", "harassment", "zh") in drawn


def test_without_a_cjk_font_charts_are_english_with_one_warning(history, monkeypatch, caplog):
    monkeypatch.setattr(charts, "_installed_cjk_family", lambda: None)
    monkeypatch.setattr(charts.font_manager, "findSystemFonts", lambda *a, **k: [])
    charts.cjk_font.cache_clear()
    try:
        drawn = drawn_texts(monkeypatch)
        with caplog.at_level("WARNING", logger="progress.charts"):
            charts.trainee_scores_png(history, "li", lang="zh")
            charts.violations_over_time_png(history, lang="zh")
        warnings = [r for r in caplog.records if r.name == "progress.charts" and r.levelname == "WARNING"]
        assert len(warnings) == 1 and "fonts-noto-cjk" in warnings[0].getMessage()
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in "".join(drawn)), "Chinese drawn without a font"
    finally:
        charts.cjk_font.cache_clear()
