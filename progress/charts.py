"""Progress charts as PNG bytes (matplotlib, Agg): the CLI writes them to files, the bot sends them.

Chinese needs a CJK font (Debian: `apt-get install fonts-noto-cjk`; the README lists it). We look for
one among matplotlib's fonts and, because matplotlib's font cache may predate the font's install,
among the system's font files too. `lang` picks the chart's language: "zh" or "en", or None for
`English / 中文` side by side (the CLI's choice for mixed teams). Without a CJK font every chart falls
back to English labels, and one warning per process says how to get Chinese ones. Labels of fixed
ids (dimensions, categories) come from data/i18n/labels.yml.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional, Tuple

import matplotlib
from matplotlib import cm, dates, font_manager, ticker

from foundation.labels import label_or_id
from foundation.vocab import CATEGORIES, DIMENSIONS, NVC_PARTS, REPLY_CATEGORIES
from progress import queries
from progress.errors import UnknownTrainee
from progress.reports import since_days

matplotlib.use("Agg")

log = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN", "SimHei",
                "Microsoft YaHei", "PingFang SC", "Heiti SC")
# Font files that hold one of those families, for fonts installed after matplotlib cached its list.
CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy-zenhei", "wqy-microhei",
                  "droidsansfallback", "uming", "ukai", "simhei", "msyh")
DIMENSION_COLOURS = dict(zip(DIMENSIONS, ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd")))
NO_CJK_FONT = ("no CJK font found, so charts use English labels only; install one to get Chinese charts "
               "(Debian/Ubuntu: apt-get install fonts-noto-cjk) / 未找到中文字体，图表仅显示英文")


def _installed_cjk_family() -> Optional[str]:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


@lru_cache(maxsize=1)
def cjk_font() -> Optional[str]:
    """The first installed font family that can draw Chinese, or None (then warns once)."""
    family = _installed_cjk_family()
    if family is None:
        for path in font_manager.findSystemFonts():
            if any(hint in Path(path).name.lower().replace("_", "") for hint in CJK_FILE_HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError) as exc:  # an unreadable font file: try the next
                    log.debug("cannot add font %s: %s", path, exc)
        family = _installed_cjk_family()
    if family is None:
        log.warning(NO_CJK_FONT)
    return family


def text(en: str, zh: str, lang: Optional[str] = None) -> str:
    """A chart string in `lang` ("zh", "en", or None for both); English only without a CJK font."""
    if not cjk_font() or lang == "en":
        return en
    return zh if lang == "zh" else f"{en} / {zh}"


def label(en: str, zh: str) -> str:
    """Both languages side by side when Chinese can be drawn, else English."""
    return text(en, zh)


def id_label(kind: str, label_id: str, lang: Optional[str] = None) -> str:
    """A fixed id's label (data/i18n/labels.yml) in the chart's language."""
    return text(label_or_id(kind, label_id, "en"), label_or_id(kind, label_id, "zh"), lang)


@contextmanager
def _chart(width: float = 8, height: float = 4.5, columns: int = 1,
           width_ratios: Optional[list] = None) -> Iterator[Tuple[Any, Any]]:
    """A figure drawn entirely under the chosen font: titles, ticks and legends alike. With
    `columns` > 1 the axes come as a tuple, side by side."""
    # Deferred on purpose: pyplot pulls in most of matplotlib (about half a second), and the CLI and
    # the bot import this module for every command while only drawing a chart needs it.
    import matplotlib.pyplot as plt

    family = cjk_font()
    style = {"font.family": [family, "DejaVu Sans"]} if family else {"font.family": ["DejaVu Sans"]}
    with plt.rc_context(style):
        figure, axes = plt.subplots(1, columns, figsize=(width, height), dpi=100,
                                    gridspec_kw={"width_ratios": width_ratios} if width_ratios else None)
        try:
            yield figure, axes
        finally:
            plt.close(figure)


def _png(figure, tight: bool = True) -> bytes:
    buffer = io.BytesIO()
    if tight:
        figure.tight_layout()
    # zlib level 1: a chart is sent once and read once, so encoding speed beats a few kB.
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _empty(axes, message_en: str, message_zh: str, lang: Optional[str]) -> None:
    axes.text(0.5, 0.5, text(message_en, message_zh, lang), ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _when(value: str) -> dt.datetime:
    return dt.datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")


def trainee_scores_png(store, trainee_id: str, lang: Optional[str] = None) -> bytes:
    """Every completed session's four scores over time; exam sessions are drawn as filled markers."""
    if store.get_user(trainee_id) is None:
        raise UnknownTrainee(trainee_id)
    rows = store.query(queries.TRAINEE_SCORES_OVER_TIME, {"trainee": trainee_id})
    with _chart() as (figure, axes):
        axes.set_title(text(f"Scores over time: {trainee_id}", f"成绩趋势：{trainee_id}", lang))
        if not rows:
            _empty(axes, "no completed sessions yet", "尚无完成的练习", lang)
            return _png(figure)
        times = [_when(row["ended"]) for row in rows]
        for dimension, colour in DIMENSION_COLOURS.items():
            values = [row[dimension] for row in rows]
            if all(value is None for value in values):
                continue
            axes.plot(times, values, marker="o", markersize=3, linewidth=1.4, color=colour,
                      label=id_label("dimensions", dimension, lang))
            exams = [(t, v) for t, v, row in zip(times, values, rows) if row["mode"] == "exam" and v is not None]
            if exams:
                axes.scatter(*zip(*exams), s=30, color=colour, edgecolors="black", zorder=3)
        axes.set_ylim(0, 100)
        axes.set_ylabel(text("score", "分数", lang))
        axes.grid(alpha=0.3)
        axes.legend(loc="lower right", fontsize=8)
        axes.xaxis.set_major_formatter(dates.DateFormatter("%m-%d"))
        figure.autofmt_xdate()
        return _png(figure)


def team_funnel_png(store, lang: Optional[str] = None) -> bytes:
    """How many trainees reached each step from registration to level 2."""
    rows = store.query(queries.CERTIFICATION_FUNNEL)
    with _chart() as (figure, axes):
        axes.set_title(text("Certification funnel", "认证漏斗", lang))
        names = [text(row["stage"], row["stage_zh"], lang) for row in rows]
        counts = [row["trainees"] for row in rows]
        bars = axes.barh(range(len(rows)), counts, color="#4c72b0")
        axes.set_yticks(range(len(rows)))
        axes.set_yticklabels(names)
        axes.invert_yaxis()
        axes.set_xlabel(text("trainees", "学员人数", lang))
        for bar, count in zip(bars, counts):
            axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {count}", va="center")
        axes.set_xlim(0, max(counts + [1]) * 1.15)
        return _png(figure)


def violations_over_time_png(store, days: int = 90, lang: Optional[str] = None) -> bytes:
    """Violations per week (per day for a window of a fortnight or less), stacked by category."""
    rows = store.query(queries.VIOLATIONS_OVER_TIME, {"since": since_days(store, days)})
    with _chart(9, 4.5) as (figure, axes):
        axes.set_title(text(f"Violations by category, last {days} days", f"近 {days} 天违规分类", lang))
        if not rows:
            _empty(axes, "no violations recorded", "暂无违规记录", lang)
            return _png(figure)
        weekly = days > 14
        counts: dict = {}
        for row in rows:
            day = dt.datetime.strptime(row["day"], "%Y-%m-%d")
            bucket = day - dt.timedelta(days=day.weekday()) if weekly else day
            counts[(bucket, row["category"])] = counts.get((bucket, row["category"]), 0) + row["violations"]
        buckets = sorted({bucket for bucket, _ in counts})
        categories = sorted({category for _, category in counts})
        bottom = [0] * len(buckets)
        colours = cm.get_cmap("tab20")
        for index, category in enumerate(categories):
            heights = [counts.get((bucket, category), 0) for bucket in buckets]
            axes.bar(buckets, heights, bottom=bottom, label=id_label("categories", category, lang),
                     color=colours(index % 20), width=5.5 if weekly else 0.8, align="edge" if weekly else "center")
            bottom = [b + h for b, h in zip(bottom, heights)]
        axes.set_ylabel(text("violations per week" if weekly else "violations per day",
                             "每周违规次数" if weekly else "每日违规次数", lang))
        axes.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        axes.set_ylim(0, max(bottom) * 1.3)
        axes.legend(fontsize=7, ncol=3, loc="upper left")
        axes.xaxis.set_major_formatter(dates.DateFormatter("%m-%d"))
        figure.autofmt_xdate()
        return _png(figure)


HEATMAP_MAX_TRAINEES = 40


def team_heatmap_png(store, lang: Optional[str] = None, max_trainees: int = HEATMAP_MAX_TRAINEES) -> bytes:
    """Trainees × violation categories and trainees × NVC parts, coloured by weak-point score (the
    same recency- and severity-weighted numbers the drills use); the weakest trainees first."""
    rows = store.weak_points()
    scores: dict = {}
    for row in rows:
        scores.setdefault(row["trainee"], {})[row["weak_point"]] = row["score"]
    categories = list(REPLY_CATEGORIES) + [c for c in CATEGORIES if c not in REPLY_CATEGORIES
                                           and any(c in by_trainee for by_trainee in scores.values())]
    parts = [f"nvc.{part}" for part in NVC_PARTS]
    ranked = sorted(scores, key=lambda t: (-sum(scores[t].values()), t))
    shown = ranked[:max_trainees]
    height = max(4.0, 1.6 + 0.22 * len(shown))
    with _chart(12, height, columns=2, width_ratios=[len(categories), len(parts)]) as (figure, (left, right)):
        title = text("Weak points by trainee", "学员弱项热力图", lang)
        if len(ranked) > len(shown):
            title += text(f" (weakest {len(shown)} of {len(ranked)})", f"（最弱 {len(shown)} / {len(ranked)} 人）", lang)
        figure.suptitle(title)
        if not shown:
            _empty(left, "no sessions yet", "尚无练习记录", lang)
            right.set_axis_off()
            return _png(figure)
        for axes, columns, kind, heading in (
            (left, categories, "categories", text("violations (severity-weighted per session)", "违规（按严重度加权/每次）", lang)),
            (right, parts, "nvc_parts", text("NVC part missing (share of sessions)", "缺少的非暴力沟通要素（占比）", lang)),
        ):
            grid = [[scores[t].get(column, 0.0) for column in columns] for t in shown]
            image = axes.imshow(grid, aspect="auto", cmap="Reds", vmin=0,
                                vmax=max(1.0, max(max(r) for r in grid)) if kind == "categories" else 1.0)
            axes.set_title(heading, fontsize=9)
            axes.set_xticks(range(len(columns)))
            axes.set_xticklabels([id_label(kind, c.split(".", 1)[-1], lang) for c in columns],
                                 rotation=40, ha="right", fontsize=7)
            if axes is left:  # the right panel shares the rows; 40 empty ticks cost a tenth of the chart
                axes.set_yticks(range(len(shown)))
                axes.set_yticklabels(shown, fontsize=6)
            else:
                axes.set_yticks([])
            figure.colorbar(image, ax=axes, fraction=0.05)
        # Fixed margins rather than tight_layout: measuring every tick label cost a third of the time.
        figure.subplots_adjust(left=0.1, right=0.97, top=1 - 0.9 / height, bottom=min(0.45, 2.3 / height), wspace=0.25)
        return _png(figure, tight=False)


def time_to_certify_png(store, lang: Optional[str] = None) -> bytes:
    """Average days from a trainee's first session to certification, per cohort (month they started)."""
    rows = store.query(queries.TIME_TO_CERTIFY)
    with _chart() as (figure, axes):
        axes.set_title(text("Time to certify by cohort", "各期学员取得认证所需天数", lang))
        if not rows:
            _empty(axes, "no sessions yet", "尚无练习记录", lang)
            return _png(figure)
        cohorts = [row["cohort"] for row in rows]
        days = [row["avg_days"] or 0 for row in rows]
        bars = axes.bar(cohorts, days, color="#4c72b0")
        for bar, row in zip(bars, rows):
            axes.text(bar.get_x() + bar.get_width() / 2, bar.get_height(),
                      f"{row['certified']}/{row['trainees']}", ha="center", va="bottom", fontsize=8)
        axes.set_xlabel(text("cohort (month of first session); bars: certified/trainees",
                             "入训月份；柱上数字：已认证/人数", lang))
        axes.set_ylabel(text("average days to certify", "平均认证天数", lang))
        return _png(figure)
