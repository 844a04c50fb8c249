"""Turn latency p50/p95/p99 against the number of simultaneous trainees, REST path beside Telegram path.

Reads the --json outputs of bench/load_rest.py (a list of rows) and bench/load_telegram.py (an object
whose "rounds" hold the rows) and draws one PNG, so the cost of the bot's path over the bare Rasa
REST channel can be read off at each N.

Run: `.venv/bin/python bench/load_chart.py bench/out/load_rest.json bench/out/load_telegram.json
[--paced bench/out/load_rest_paced.json bench/out/load_telegram_paced.json] [--out docs/load_curve.png]`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PERCENTILES = (("p50_ms", "p50", "#2b8cbe"), ("p95_ms", "p95", "#e6550d"), ("p99_ms", "p99", "#756bb1"))
PATHS = (("REST channel", "--", "o"), ("Telegram bot", "-", "s"))


def rows_of(path: Path) -> List[Dict[str, Any]]:
    """Either driver's output, as rows sorted by the number of trainees."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: cannot read load figures ({exc})")
    rows = data["rounds"] if isinstance(data, dict) else data
    for index, row in enumerate(rows):
        missing = [key for key, _, _ in PERCENTILES if key not in row] + ([] if "trainees" in row else ["trainees"])
        if missing:
            raise SystemExit(f"{path}: row {index} lacks {', '.join(missing)}")
    return sorted(rows, key=lambda row: row["trainees"])


# Issue 5's p95 targets on this 2-core machine, drawn as markers: (trainees, p95 ms).
TARGETS = ((50, 300), (100, 800))


def _panel(ax, rest: List[Dict[str, Any]], telegram: List[Dict[str, Any]], title: str) -> None:
    for rows, (label, style, marker) in zip((rest, telegram), PATHS):
        counts = [row["trainees"] for row in rows]
        for key, name, colour in PERCENTILES:
            ax.plot(counts, [row[key] for row in rows], linestyle=style, marker=marker, color=colour,
                    label=f"{label} {name}")
    ax.scatter([n for n, _ in TARGETS], [ms for _, ms in TARGETS], marker="*", s=140, color="#d62728",
               zorder=5, label="target p95")
    ax.set_xlabel("simultaneous trainees (N)")
    ax.set_ylabel("turn latency (ms, log scale)")
    ax.set_yscale("log")
    ax.set_xticks(sorted({row["trainees"] for row in rest + telegram}))
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncol=2)


def draw(rest: List[Dict[str, Any]], telegram: List[Dict[str, Any]], out: Path,
         paced: Optional[Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]] = None) -> None:
    panels = [(rest, telegram, "back to back (no typing time): capacity")]
    if paced is not None:
        think = paced[0][0].get("think_s") if paced[0] else None
        pace = f"{think[0]:g}-{think[1]:g} s" if think else "paced"
        panels.insert(0, (*paced, f"trainees typing ({pace} before each line)"))
    fig, axes = plt.subplots(1, len(panels), figsize=(7.5 * len(panels), 4.8), dpi=110, squeeze=False)
    for ax, (rest_rows, telegram_rows, title) in zip(axes[0], panels):
        _panel(ax, rest_rows, telegram_rows, title)
    fig.suptitle("CollectorDojo turn latency under load (one Rasa + one action server, 2 cores)")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rest_json", type=Path, help="output of bench/load_rest.py --json")
    parser.add_argument("telegram_json", type=Path, help="output of bench/load_telegram.py --json")
    parser.add_argument("--paced", type=Path, nargs=2, metavar=("REST_JSON", "TELEGRAM_JSON"),
                        help="the same two drivers run with --think, drawn in a second panel")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "load_curve.png")
    args = parser.parse_args(argv)
    paced = (rows_of(args.paced[0]), rows_of(args.paced[1])) if args.paced else None
    draw(rows_of(args.rest_json), rows_of(args.telegram_json), args.out, paced)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
