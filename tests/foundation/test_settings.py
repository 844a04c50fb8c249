from pathlib import Path

import pytest

from foundation.paths import REPO_ROOT
from foundation.settings import ENVIRONMENT, Settings


def test_defaults_need_no_environment(tmp_path):
    settings = Settings.from_env(environ={}, dotenv=tmp_path / "missing.env")
    assert settings.db_path == REPO_ROOT / "var" / "dojo.db"
    assert settings.telegram_token == ""
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.lead_ids == ()


def test_environment_overrides_dotenv_which_overrides_defaults(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DOJO_DB=/tmp/from-dotenv.db\nDOJO_LEAD_IDS=1, 2\n# a comment\nTELEGRAM_BOT_TOKEN='abc'\n")
    settings = Settings.from_env(environ={"DOJO_DB": "/tmp/from-env.db"}, dotenv=dotenv)
    assert settings.db_path == Path("/tmp/from-env.db")
    assert settings.lead_ids == (1, 2)
    assert settings.telegram_token == "abc"


def test_relative_paths_are_relative_to_the_repository(tmp_path):
    settings = Settings.from_env(environ={"DOJO_DB": "var/x.db"}, dotenv=tmp_path / "none")
    assert settings.db_path == REPO_ROOT / "var" / "x.db"


@pytest.mark.parametrize("secret_field", ["telegram_token", "dashboard_password"])
def test_secrets_never_appear_in_repr(secret_field, tmp_path):
    settings = Settings.from_env(environ={}, dotenv=tmp_path / "none").with_(**{secret_field: "s3cr3t-value"})
    assert "s3cr3t-value" not in repr(settings)


def test_every_variable_has_a_meaning():
    for name, (default, meaning) in ENVIRONMENT.items():
        assert meaning and name.isupper()


def test_the_data_folder_is_a_setting(tmp_path):
    assert Settings.from_env(environ={}, dotenv=tmp_path / "none").data_dir == (REPO_ROOT / "data").resolve()
    assert Settings.from_env(environ={"DOJO_DATA_DIR": ""}, dotenv=tmp_path / "none").data_dir == (REPO_ROOT / "data").resolve()
    assert Settings.from_env(environ={"DOJO_DATA_DIR": str(tmp_path)}, dotenv=tmp_path / "none").data_dir == tmp_path.resolve()
