"""`dojo practice` as a trainee runs it: a real subprocess, real servers, JSON Lines out."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from foundation.paths import REPO_ROOT, data_dir

DOJO = [sys.executable, "-m", "dojo.cli"]
SCRIPTS = yaml.safe_load((Path(__file__).parent / "scripts.yml").read_text(encoding="utf-8"))


def run_dojo(args, env_extra=None, timeout=240, stdin=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(DOJO + args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, input=stdin)


@pytest.mark.rasa
def test_script_json_prints_one_object_per_turn(simulator, tmp_path):
    lines = SCRIPTS["compliant"]["willing_but_broke"]["en"][:4]
    script = tmp_path / "call.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_dojo(["practice", "--scenario", "wbb-m1-layoff", "--lang", "en", "--script", str(script), "--json",
                       "--trainee", "cli-tester"],
                      {"DOJO_RASA_URL": simulator.rasa_url, "DOJO_DB": str(simulator.db_path)})
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["trainee"] for o in objects] == lines
    assert [o["turn"] for o in objects] == [1, 2, 3, 4]
    for o in objects:
        assert set(o) >= {"turn", "trainee", "intent", "debtor", "state", "findings", "outcome"}
        assert o["debtor"]
        assert all(0.0 <= o["state"][k] <= 1.0 for k in ("anger", "trust", "willingness"))
        assert o["state"]["stage"] in {"opening", "verification", "negotiation", "commitment", "closed"}
    assert objects[0]["intent"] == "introduce_call"
    assert objects[-1]["report"]["scores"]["overall"] >= 0


@pytest.mark.rasa
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_gets_an_in_character_answer(simulator, tmp_path, lang):
    bad_lines = ["", "   ", "啊" * 5000 if lang == "zh" else "blah " * 1000, "😀😀😀🙏", "hello 您好 I mean 请问您是本人吗",
                 "\x00\x07\x1b[31mred\u202e", "🤬🤬"]
    script = tmp_path / "bad.txt"
    script.write_text("\n".join(bad_lines) + "\n", encoding="utf-8")
    result = run_dojo(["practice", "--scenario", "wbb-m1-layoff", "--lang", lang, "--script", str(script), "--json"],
                      {"DOJO_RASA_URL": simulator.rasa_url, "DOJO_DB": str(simulator.db_path)})
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == len(bad_lines)
    for obj in objects:
        assert obj["debtor"].strip(), obj
        assert obj["outcome"] is None
    # The debtor asks again rather than pretending to have understood noise.
    assert objects[0]["debtor"] != objects[1]["debtor"], "no line may repeat twice in a row"


def test_unknown_scenario_lists_the_available_ids():
    result = run_dojo(["practice", "--scenario", "no-such-case", "--script", "/dev/null", "--json"], timeout=60)
    assert result.returncode == 2
    assert "Unknown scenario id 'no-such-case'" in result.stderr
    assert "wbb-m1-layoff" in result.stderr


def test_a_broken_persona_file_is_named_before_any_service_starts(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    persona = data / "personas" / "hostile.yml"
    persona.write_text(persona.read_text(encoding="utf-8").replace("initial:", "initial: [oops\n  broken:"), encoding="utf-8")
    result = run_dojo(["practice", "--script", "/dev/null", "--json"], {"DOJO_DATA_DIR": str(data)}, timeout=60)
    assert result.returncode == 2
    assert "hostile.yml" in result.stderr
    assert "Starting the simulator" not in result.stderr


def test_scenarios_json_matches_the_design_interface():
    result = run_dojo(["scenarios", "--json"], timeout=60)
    assert result.returncode == 0, result.stderr
    scenarios = json.loads(result.stdout)
    assert len(scenarios) >= 12
    for s in scenarios:
        assert set(s) >= {"id", "persona", "regime", "languages", "title"}
        assert s["persona"] in {"willing_but_broke", "able_but_unwilling", "hostile", "evasive"}
        assert s["regime"] in {"cn", "us"}
        assert set(s["languages"]) == {"zh", "en"}
    for persona in ("willing_but_broke", "able_but_unwilling", "hostile", "evasive"):
        assert sum(s["persona"] == persona for s in scenarios) >= 3


def processes_with_env(marker: str) -> list:
    """Processes whose environment carries `marker`: the servers one practice session started, nobody else's."""
    needle = marker.encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in environ.read_bytes():
                found.append(environ.parent.name)
        except OSError:
            continue
    return found


@pytest.mark.rasa
def test_practice_starts_and_stops_its_own_servers(tmp_path, live_simulator):
    """Without DOJO_RASA_URL the command brings up both servers on free ports and leaves nothing running."""
    script = tmp_path / "call.txt"
    script.write_text(SCRIPTS["compliant"]["hostile"]["zh"][0] + "\n", encoding="utf-8")
    env = {"DOJO_DB": str(tmp_path / "dojo.db"), "DOJO_TRACKER_DB": str(tmp_path / "tracker.db"), "DOJO_RASA_URL": ""}
    result = run_dojo(["practice", "--scenario", "wbb-m1-layoff", "--lang", "zh", "--script", str(script), "--json"], env)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert processes_with_env(f"DOJO_TRACKER_DB={tmp_path / 'tracker.db'}") == []
