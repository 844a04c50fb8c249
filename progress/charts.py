"""Progress charts as PNG bytes (matplotlib, Agg): the CLI writes them to files, the bot sends them.

Chinese labels need a CJK font. We look for one among the installed fonts; without one, labels are
English only rather than rows of empty boxes.
"""
from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from typing import Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from progress import queries  # noqa: E402
from progress.errors import UnknownTrainee  # noqa: E402
from progress.reports import since_days  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN", "SimHei",
                "Microsoft YaHei", "PingFang SC", "Heiti SC")
DIMENSION_COLOURS = {"overall": "#1f77b4", "compliance": "#2ca02c", "nvc": "#ff7f0e", "deescalation": "#9467bd"}


@lru_cache(maxsize=1)
def cjk_font() -> Optional[str]:
    """The first installed font family that can draw Chinese, or None."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def label(en: str, zh: str) -> str:
    return f"{en} / {zh}" if cjk_font() else en


def _figure(width: float = 8, height: float = 4.5):
    family = cjk_font()
    style = {"font.family": [family, "DejaVu Sans"]} if family else {"font.family": ["DejaVu Sans"]}
    with plt.rc_context(style):
        figure, axes = plt.subplots(figsize=(width, height), dpi=100)
    return figure, axes, style


def _png(figure, style) -> bytes:
    buffer = io.BytesIO()
    with plt.rc_context(style):
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _empty(axes, message_en: str, message_zh: str) -> None:
    axes.text(0.5, 0.5, label(message_en, message_zh), ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _when(text: str) -> dt.datetime:
    return dt.datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")


def trainee_scores_png(store, trainee_id: str) -> bytes:
    """Every completed session's four scores over time; exam sessions are drawn as filled markers."""
    if store.get_user(trainee_id) is None:
        raise UnknownTrainee(trainee_id)
    rows = store.query(queries.TRAINEE_SCORES_OVER_TIME, {"trainee": trainee_id})
    figure, axes, style = _figure()
    axes.set_title(label(f"Scores over time: {trainee_id}", f"成绩趋势：{trainee_id}"))
    if not rows:
        _empty(axes, "no completed sessions yet", "尚无完成的练习")
        return _png(figure, style)
    times = [_when(row["ended"]) for row in rows]
    for dimension, colour in DIMENSION_COLOURS.items():
        values = [row[dimension] for row in rows]
        if all(value is None for value in values):
            continue
        axes.plot(times, values, marker="o", markersize=3, linewidth=1.4, label=dimension, color=colour)
        exams = [(t, v) for t, v, row in zip(times, values, rows) if row["mode"] == "exam" and v is not None]
        if exams:
            axes.scatter(*zip(*exams), s=30, color=colour, edgecolors="black", zorder=3)
    axes.set_ylim(0, 100)
    axes.set_ylabel(label("score", "分数"))
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right", fontsize=8)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    figure.autofmt_xdate()
    return _png(figure, style)


def team_funnel_png(store) -> bytes:
    """How many trainees reached each step from registration to level 2."""
    rows = store.query(queries.CERTIFICATION_FUNNEL)
    figure, axes, style = _figure()
    axes.set_title(label("Certification funnel", "认证漏斗"))
    names = [label(row["stage"], row["stage_zh"]) for row in rows]
    counts = [row["trainees"] for row in rows]
    bars = axes.barh(range(len(rows)), counts, color="#4c72b0")
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(names)
    axes.invert_yaxis()
    axes.set_xlabel(label("trainees", "学员人数"))
    for bar, count in zip(bars, counts):
        axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {count}", va="center")
    axes.set_xlim(0, max(counts + [1]) * 1.15)
    return _png(figure, style)


def violations_over_time_png(store, days: int = 90) -> bytes:
    """Violations per week (per day for a window of a fortnight or less), stacked by category."""
    rows = store.query(queries.VIOLATIONS_OVER_TIME, {"since": since_days(store, days)})
    figure, axes, style = _figure(9, 4.5)
    axes.set_title(label(f"Violations by category, last {days} days", f"近 {days} 天违规分类"))
    if not rows:
        _empty(axes, "no violations recorded", "暂无违规记录")
        return _png(figure, style)
    weekly = days > 14
    counts: dict = {}
    for row in rows:
        day = dt.datetime.strptime(row["day"], "%Y-%m-%d")
        bucket = day - dt.timedelta(days=day.weekday()) if weekly else day
        counts[(bucket, row["category"])] = counts.get((bucket, row["category"]), 0) + row["violations"]
    buckets = sorted({bucket for bucket, _ in counts})
    categories = sorted({category for _, category in counts})
    bottom = [0] * len(buckets)
    colours = plt.get_cmap("tab20")
    for index, category in enumerate(categories):
        heights = [counts.get((bucket, category), 0) for bucket in buckets]
        axes.bar(buckets, heights, bottom=bottom, label=category, color=colours(index % 20),
                 width=5.5 if weekly else 0.8, align="edge" if weekly else "center")
        bottom = [b + h for b, h in zip(bottom, heights)]
    axes.set_ylabel(label("violations per week" if weekly else "violations per day",
                          "每周违规次数" if weekly else "每日违规次数"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(bottom) * 1.3)
    axes.legend(fontsize=7, ncol=3, loc="upper left")
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    figure.autofmt_xdate()
    return _png(figure, style)
