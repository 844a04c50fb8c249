"""The trained model itself: clean training data, test stories that pass, NLU accuracy on held-out data."""
from __future__ import annotations

import os
import re
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


def test_nlu_macro_f1_on_the_held_out_split_is_at_least_090(record_figure):
    result = subprocess.run([sys.executable, "scripts/nlu_eval.py"], cwd=REPO_ROOT, env=ENV,
                            capture_output=True, text=True, timeout=600)
    print(result.stdout)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    found = re.search(r"macro[- ]F1[^0-9]*([01]\.\d+)", result.stdout, re.I)
    assert found, result.stdout
    record_figure("NLU intent macro-F1 (held-out data/nlu_heldout)", found.group(1))
    assert float(found.group(1)) >= 0.90
