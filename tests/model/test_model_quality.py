"""The trained model itself: clean training data, test stories that pass, NLU accuracy on held-out data."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from foundation.paths import REPO_ROOT
from dojo.servers import QUIET_ENV, latest_model
from foundation.settings import Settings

pytestmark = pytest.mark.rasa
ENV = dict(os.environ, **QUIET_ENV)


def test_training_data_validates_without_warnings():
    result = subprocess.run([sys.executable, "-m", "dojo.cli", "validate"], cwd=REPO_ROOT, env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rasa data validate" in result.stdout


def test_rasa_test_stories_pass(tmp_path):
    model = latest_model(Settings.from_env().model_dir)
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(model), "--stories", "tests/test_stories.yml",
         "--endpoints", "endpoints.yml", "--out", str(tmp_path / "core"), "--fail-on-prediction-errors", "--no-plot"],
        cwd=REPO_ROOT, env=dict(ENV, DOJO_TRACKER_DB=str(tmp_path / "tracker.db"), DOJO_ACTIONS_PORT="9"),
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


# What the shipped model must keep: the issue's gates on the whole held-out set (intent macro-F1
# 0.92, 0.90 per language, entity F1 0.85), which it meets (0.955, 0.957 / 0.953, 0.901), and the
# same gates on every author slice, which it meets since stop 12 (intents 0.938 at worst, entities
# 0.857 at worst: docs/benchmarks.md). Training is deterministic, so a clean clone reproduces them.
FLOOR = {"macro_f1": 0.92, "lang": 0.90, "entity_f1": 0.85, "slice_macro_f1": 0.92, "slice_entity_f1": 0.85}


@pytest.fixture(scope="module")
def nlu_figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu") / "figures.json"
    result = subprocess.run([sys.executable, "scripts/nlu_eval.py", "--json", str(out)], cwd=REPO_ROOT, env=ENV,
                            capture_output=True, text=True, timeout=900)
    print(result.stdout)
    assert out.exists(), (result.stdout + result.stderr)[-4000:]
    return json.loads(out.read_text(encoding="utf-8")), result


def test_nlu_meets_the_issue_gates_on_the_whole_held_out_set_and_keeps_its_slice_floor(nlu_figures, record_figure):
    figures, _ = nlu_figures
    record_figure("NLU intent macro-F1 (held-out data/nlu_heldout, all slices)", f"{figures['macro_f1']:.3f}")
    record_figure("NLU entity F1 (amount, date)", f"{figures['entity_f1']:.3f}")
    for name, part in figures["by_slice"].items():
        record_figure(f"NLU slice {name}: intent macro-F1 / entity F1",
                      f"{part['macro_f1']:.3f} / {part['entity_f1']:.3f}")
    assert figures["macro_f1"] >= FLOOR["macro_f1"]
    assert min(figures["macro_f1_by_lang"].values()) >= FLOOR["lang"]
    assert figures["entity_f1"] >= FLOOR["entity_f1"]
    assert min(part["macro_f1"] for part in figures["by_slice"].values()) >= FLOOR["slice_macro_f1"]
    assert min(part["entity_f1"] for part in figures["by_slice"].values()) >= FLOOR["slice_entity_f1"]


def test_nlu_meets_the_issue_gates_on_every_slice(nlu_figures):
    _, result = nlu_figures
    assert result.returncode == 0, "\n".join(line for line in result.stdout.splitlines() if "GATE" in line)
