"""How long a model takes to train from scratch, where that time goes, and what it is worth.

For each candidate config it runs the same `rasa train` that `dojo train` runs (repo data only, a
fresh empty Rasa cache, so nothing is reused from an earlier run), stamps every log line as it
arrives to split the wall time into start-up, each component's training and packaging, then scores
the model on the held-out set (`scripts/nlu_eval.py`): intent macro-F1 overall, per language and
per slice (the base files and each author's pass), entity F1, and the gates.

    .venv/bin/python bench/bench_train.py                      # the shipped config.yml
    .venv/bin/python bench/bench_train.py --candidate c3-crf   # bench/train_candidates/c3-crf.yml
    .venv/bin/python bench/bench_train.py --all --json bench/out/train.json

One candidate at a time: two trainings side by side on two cores would time each other.
"""
from __future__ import annotations

import argparse
from collections import deque
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import nlu_eval  # noqa: E402  (scripts/ is not a package)

from foundation.paths import training_data  # noqa: E402

CANDIDATES_DIR = ROOT / "bench" / "train_candidates"
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
         "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}
_START = re.compile(r"Starting to train component '(\w+)'")
_FINISH = re.compile(r"Finished training component '(\w+)'")
# tqdm's last update of DIET's bar: "Epochs: 100%|…| 30/30 [01:12<00:00, …]".
_EPOCHS = re.compile(r"Epochs:\s+100%[^\[]*?(\d+)/\d+ \[(?:(\d+):)?(\d+):(\d+)<")


def config_path(name: str) -> Path:
    return ROOT / "config.yml" if name == "shipped" else CANDIDATES_DIR / f"{name}.yml"


def train(name: str, out_dir: Path, cache: Path) -> Dict[str, object]:
    """Train one candidate from scratch (an empty Rasa cache); returns wall time and where it went."""
    env = dict(os.environ, **QUIET, PYTHONPATH=str(ROOT), RASA_CACHE_DIRECTORY=str(cache))
    command = [sys.executable, "-m", "rasa", "train", "--config", str(config_path(name)),
               "--domain", "domain.yml", "--data", *[str(p) for p in training_data()],
               "--out", str(out_dir), "--fixed-model-name", name]
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    stamps: List[tuple] = []
    log_lines: deque = deque(maxlen=200)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1)
    assert process.stdout is not None
    epochs_s: Optional[float] = None
    epochs = 0
    for line in process.stdout:  # text mode: each of tqdm's "\r" updates is a line
        found = _EPOCHS.search(line)
        if found:
            epochs = int(found.group(1))
            epochs_s = int(found.group(2) or 0) * 3600 + int(found.group(3)) * 60 + int(found.group(4))
        now = time.monotonic() - started
        log_lines.append(line.rstrip())
        for pattern, kind in ((_START, "start"), (_FINISH, "finish")):
            found = pattern.search(line)
            if found:
                stamps.append((kind, found.group(1), now))
    code = process.wait()
    wall = time.monotonic() - started
    if code != 0:
        print("\n".join(log_lines[-40:]), file=sys.stderr)
        raise SystemExit(f"{name}: rasa train failed ({code})")
    components: Dict[str, float] = {}
    opened: Dict[str, float] = {}
    first_start = next((t for kind, _, t in stamps if kind == "start"), wall)
    last_finish = max((t for kind, _, t in stamps if kind == "finish"), default=wall)
    for kind, component, moment in stamps:
        if kind == "start":
            opened[component] = moment
        elif component in opened:
            key = component
            while key in components:
                key += "+"
            components[key] = round(moment - opened.pop(component), 1)
    model = next(out_dir.glob(f"{name}*.tar.gz"))
    # Other work on the machine stretches every figure: the load average says how much there was.
    return {"load_avg": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "wall_s": round(wall, 1), "startup_s": round(first_start, 1), "epochs": epochs, "epochs_s": epochs_s,
            "after_training_s": round(wall - last_finish, 1), "components_s": components, "model": str(model)}


def evaluate(model: Path) -> Dict[str, object]:
    examples = nlu_eval.load_examples(nlu_eval.HELDOUT_DIR)
    predictions = nlu_eval.predict(model, examples)
    report = nlu_eval.build_report(predictions)
    return {
        "fallback_replay": {f"threshold {t} ambiguity {a}": round(nlu_eval.macro_f1_at(predictions, t, a), 3)
                            for t in (0.0, 0.2, 0.3, 0.4) for a in (0.0, 0.1)},
        "macro_f1": round(report.macro_f1, 3),
        "by_lang": {k: round(v, 3) for k, v in report.macro_f1_by_lang.items()},
        "entity_f1": round(report.entity_f1, 3),
        "accuracy": round(report.accuracy, 3),
        "slices": {name: {"n": f.examples, "macro_f1": round(f.macro_f1, 3),
                          "by_lang": {k: round(v, 3) for k, v in f.macro_f1_by_lang.items()},
                          "entity_f1": round(f.entity_f1, 3) if f.entities else None}
                   for name, f in report.by_slice.items()},
        "gates_missed": nlu_eval.gate_failures(report),
        "slice_table": nlu_eval.render_slices(report),
    }


def evaluate_in_subprocess(model: Path) -> Dict[str, object]:
    """TensorFlow keeps every loaded graph; a fresh process per model keeps the runs independent."""
    result = subprocess.run([sys.executable, __file__, "--evaluate-only", str(model)], cwd=ROOT,
                            env=dict(os.environ, **QUIET, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"evaluation of {model} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def report_line(name: str, timing: Dict[str, object], figures: Dict[str, object]) -> str:
    lang = figures["by_lang"]
    return (f"{name:<22} train {timing['wall_s']:>6.1f} s   intent macro-F1 {figures['macro_f1']:.3f} "
            f"(en {lang.get('en', 0):.3f}, zh {lang.get('zh', 0):.3f})   entity F1 {figures['entity_f1']:.3f}   "
            f"{'PASS' if not figures['gates_missed'] else 'FAIL'}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidate", action="append", help="a bench/train_candidates/<name>.yml, or 'shipped'")
    parser.add_argument("--all", action="store_true", help="every candidate, then the shipped config")
    parser.add_argument("--keep", type=Path, help="keep the trained models in this directory")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    parser.add_argument("--evaluate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.evaluate_only:
        figures = evaluate(args.evaluate_only)
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    names = args.candidate or []
    if args.all:
        names = sorted(p.stem for p in CANDIDATES_DIR.glob("*.yml")) + ["shipped"]
    names = names or ["shipped"]
    failed = False
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"bench-train-{name}-") as tmp:
            out_dir = args.keep or Path(tmp)
            out_dir.mkdir(parents=True, exist_ok=True)
            timing = train(name, out_dir, Path(tmp) / "cache")
            figures = evaluate_in_subprocess(Path(str(timing["model"])))
        print(report_line(name, timing, figures), flush=True)
        print(f"  load average before/after: {timing['load_avg']} on {os.cpu_count()} cores")
        print(f"  time: start-up {timing['startup_s']} s, DIET's {timing['epochs']} epochs {timing['epochs_s']} s, "
              + ", ".join(f"{c} {s} s" for c, s in timing["components_s"].items())
              + f", packaging {timing['after_training_s']} s")
        print("  " + figures.pop("slice_table").replace("\n", "\n  "))
        print("  intent macro-F1 with other fallback thresholds: "
              + ", ".join(f"{k} {v}" for k, v in figures["fallback_replay"].items()), flush=True)
        for missed in figures["gates_missed"]:
            print(f"  gate missed: {missed}", flush=True)
        failed = failed or bool(figures["gates_missed"])
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            with args.json.open("a", encoding="utf-8") as sink:
                sink.write(json.dumps({"candidate": name, "time": timing, "figures": figures},
                                      ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
