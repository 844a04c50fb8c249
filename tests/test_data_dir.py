"""`DOJO_DATA_DIR` moves every reader: personas, scenarios, rule packs, evaluation data, the
certification policy, labels and the bot's strings. Proven end to end by running `dojo score` and
`dojo practice` from a copied data folder with one changed line."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from foundation import paths
from foundation.paths import REPO_ROOT
from foundation.settings import Settings

CITATION = "《商业银行信用卡业务监督管理办法》第六十八条：不得采用暴力、胁迫、恐吓手段催收"
TEAM_CITATION = "本团队合规手册 第 3.1 条：不得暴力或恐吓催收"
THREAT = "再不还钱我就找人打断你的腿"


@pytest.fixture
def team_data(tmp_path):
    """A copy of data/ in which one line differs: the citation of the cn violence rule."""
    data = tmp_path / "team-data"
    shutil.copytree(REPO_ROOT / "data", data, ignore=shutil.ignore_patterns("nlu", "stories"))
    pack = data / "rules" / "cn.yml"
    text = pack.read_text(encoding="utf-8")
    assert text.count(CITATION) == 1
    pack.write_text(text.replace(CITATION, TEAM_CITATION), encoding="utf-8")
    return data


def _violence_citation(pack) -> str:
    return next(rule.citation.zh for rule in pack.rules if rule.id == "cn.cbirc.68.violence")


def _dojo(args, env_extra, stdin=None, timeout=120):
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-m", "dojo.cli", *args], cwd=REPO_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def _citations(stdout: str) -> list:
    return [v["citation"] for line in stdout.splitlines() for v in json.loads(line).get("violations", [])]


def test_dojo_score_reads_the_copied_folder(team_data):
    request = json.dumps({"text": THREAT, "lang": "zh"}, ensure_ascii=False) + "\n"
    team = _dojo(["score", "--json"], {"DOJO_DATA_DIR": str(team_data)}, stdin=request)
    assert team.returncode == 0, team.stderr
    assert TEAM_CITATION in _citations(team.stdout)
    shipped = _dojo(["score", "--json"], {"DOJO_DATA_DIR": ""}, stdin=request)
    assert CITATION in _citations(shipped.stdout) and TEAM_CITATION not in _citations(shipped.stdout)


def test_a_folder_named_in_dotenv_reaches_the_readers(team_data, tmp_path, monkeypatch):
    monkeypatch.delenv("DOJO_DATA_DIR", raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"DOJO_DATA_DIR={team_data}\n", encoding="utf-8")
    settings = Settings.from_env(dotenv=dotenv)
    assert settings.data_dir == team_data.resolve()
    environ: dict = {}
    settings.export_data_dir(environ)
    assert environ == {"DOJO_DATA_DIR": str(team_data.resolve())}
    Settings.from_env(environ={}, dotenv=tmp_path / "none").export_data_dir(environ := {})
    assert environ == {}, "the default folder needs no export"


def test_every_reader_asks_when_it_runs(team_data, monkeypatch):
    from bot.i18n import strings
    from foundation.labels import labels
    from progress.certification import load_policy
    from scoring.cues import nvc_cues, tone_cues
    from scoring.dataset import eval_dir
    from scoring.modelcues import model_cues
    from scoring.rulepack import rule_pack
    from simulator.catalog import load_catalog

    monkeypatch.setenv("DOJO_DATA_DIR", str(team_data))
    assert paths.data_dir() == team_data.resolve()
    for reader, folder in ((paths.personas_dir, "personas"), (paths.scenarios_dir, "scenarios"),
                           (paths.rules_dir, "rules"), (paths.eval_dir, "eval"), (paths.i18n_dir, "i18n")):
        assert reader() == team_data.resolve() / folder
    assert paths.certification_policy() == team_data.resolve() / "certification.yml"
    assert paths.training_data()[0] == team_data.resolve() / "nlu"
    assert str(team_data.resolve()) in load_catalog().scenarios["wbb-m1-layoff"].source
    assert _violence_citation(rule_pack("cn")) == TEAM_CITATION
    assert str(labels().source).startswith(str(team_data.resolve()))
    assert str(strings().source).startswith(str(team_data.resolve()))
    assert load_policy(paths.certification_policy()).source.startswith(str(team_data.resolve()))
    assert eval_dir() == team_data.resolve() / "eval" / "scoring"
    shipped_rules = REPO_ROOT / "data" / "rules"
    for cues in (nvc_cues, tone_cues, model_cues):  # loaded once per folder: the team's is another load
        assert cues() is cues(team_data.resolve() / "rules") and cues() is not cues(shipped_rules)
    monkeypatch.delenv("DOJO_DATA_DIR")
    assert _violence_citation(rule_pack("cn")) == CITATION
    assert paths.data_dir() == (REPO_ROOT / "data").resolve()


@pytest.mark.rasa
def test_dojo_practice_plays_from_the_copied_folder(team_data, tmp_path):
    """The CLI, and the action server it starts, both read the team's folder (the citation they report)."""
    shutil.copytree(REPO_ROOT / "data" / "nlu", team_data / "nlu")
    shutil.copytree(REPO_ROOT / "data" / "stories", team_data / "stories")
    script = tmp_path / "call.txt"
    script.write_text(THREAT + "\n", encoding="utf-8")
    env = {"DOJO_DATA_DIR": str(team_data), "DOJO_DB": str(tmp_path / "dojo.db"),
           "DOJO_TRACKER_DB": str(tmp_path / "tracker.db"), "DOJO_RASA_URL": ""}
    result = _dojo(["practice", "--scenario", "wbb-m1-layoff", "--lang", "zh", "--script", str(script), "--json"],
                   env, timeout=300)
    assert result.returncode == 0, result.stderr
    [turn] = [json.loads(line) for line in result.stdout.splitlines()]
    assert TEAM_CITATION in [v["citation"] for v in turn["findings"]["violations"]]
