"""One settings object per process, read from the environment (and an optional `.env`), with safe defaults.

Every variable is listed in the README; `tests/test_docs.py` fails when one is missing there.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, MutableMapping, Optional, Tuple

from foundation.paths import DATA_DIR_VARIABLE, REPO_ROOT, VAR_DIR

# name -> (default, one-line meaning); the README table is checked against this.
ENVIRONMENT = {
    "DOJO_DB": ("var/dojo.db", "SQLite file of the progress store"),
    "DOJO_DATA_DIR": ("data", "folder of personas, scenarios, rule packs, the certification policy, labels and bot strings"),
    "DOJO_RASA_URL": ("", "URL of a running Rasa server; empty: `dojo practice` starts its own"),
    "DOJO_RASA_PORT": ("5005", "port `dojo run` binds the Rasa server to"),
    "DOJO_ACTIONS_PORT": ("5055", "port `dojo run` binds the action server to"),
    "DOJO_RASA_TOKEN": ("", "token for the Rasa HTTP API (enables `--enable-api` with auth)"),
    "DOJO_TRACKER_DB": ("var/tracker.db", "SQLite file of Rasa's persistent tracker store"),
    "DOJO_TRACKER_DB_URL": ("", "`dojo run --replicas`: PostgreSQL URL of the shared tracker store; empty: a local one under var/"),
    "DOJO_REDIS_URL": ("", "`dojo run --replicas`: Redis URL of the shared lock store; empty: a local one under var/"),
    "DOJO_MODEL_DIR": ("models", "where trained Rasa models are kept"),
    "DOJO_LEAD_IDS": ("", "comma-separated Telegram user ids that are team leads from the start"),
    "DOJO_TRAINER_IDS": ("", "comma-separated Telegram user ids that are trainers from the start"),
    "DOJO_DASHBOARD_PASSWORD": ("", "password for the dashboard when bound to a non-loopback host"),
    "DOJO_LOG_LEVEL": ("INFO", "log level of dojo's own processes"),
    "TELEGRAM_BOT_TOKEN": ("", "the bot's token from BotFather; empty: no Telegram bot"),
    "TELEGRAM_API_BASE_URL": ("https://api.telegram.org/bot", "Bot API base URL, the token is appended"),
    "TELEGRAM_WEBHOOK_URL": ("", "public URL for webhook mode; empty: long polling"),
    "DOJO_LRS_URL": ("", "xAPI endpoint of the bank's learning record store (e.g. https://lrs.bank/xAPI); empty: nothing is sent"),
    "DOJO_LRS_USER": ("", "HTTP Basic user name for the learning record store"),
    "DOJO_LRS_PASSWORD": ("", "HTTP Basic password for the learning record store"),
    "DOJO_XAPI_HOME_PAGE": ("https://collectordojo.invalid", "the bank's home page: xAPI actor accounts and activity ids live under it"),
    "DOJO_XAPI_NAMES": ("0", "1: put trainees' names in xAPI statements; 0 (default): account ids only"),
}


def _read_dotenv(path: Path) -> dict:
    values = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _ids(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part.strip().isdigit())


def _path(text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class Settings:
    """Everything a dojo process needs to know about its surroundings."""

    db_path: Path = VAR_DIR / "dojo.db"
    data_dir: Path = REPO_ROOT / "data"
    rasa_url: str = ""
    rasa_port: int = 5005
    actions_port: int = 5055
    rasa_token: str = ""
    tracker_db: Path = VAR_DIR / "tracker.db"
    tracker_db_url: str = field(default="", repr=False)
    redis_url: str = field(default="", repr=False)
    model_dir: Path = REPO_ROOT / "models"
    lead_ids: Tuple[int, ...] = ()
    trainer_ids: Tuple[int, ...] = ()
    dashboard_password: str = field(default="", repr=False)
    log_level: str = "INFO"
    telegram_token: str = field(default="", repr=False)
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    lrs_url: str = ""
    lrs_user: str = ""
    lrs_password: str = field(default="", repr=False)
    xapi_home_page: str = "https://collectordojo.invalid"
    xapi_names: bool = False

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, dotenv: Optional[Path] = None) -> "Settings":
        """Environment wins over `.env`, which wins over the defaults."""
        merged = {name: default for name, (default, _) in ENVIRONMENT.items()}
        merged.update(_read_dotenv(dotenv if dotenv is not None else REPO_ROOT / ".env"))
        merged.update({k: v for k, v in (os.environ if environ is None else environ).items() if k in ENVIRONMENT})
        return cls(
            db_path=_path(merged["DOJO_DB"]),
            data_dir=_path(merged["DOJO_DATA_DIR"] or "data").resolve(),
            rasa_url=merged["DOJO_RASA_URL"].rstrip("/"),
            rasa_port=int(merged["DOJO_RASA_PORT"]),
            actions_port=int(merged["DOJO_ACTIONS_PORT"]),
            rasa_token=merged["DOJO_RASA_TOKEN"],
            tracker_db=_path(merged["DOJO_TRACKER_DB"]),
            tracker_db_url=merged["DOJO_TRACKER_DB_URL"],
            redis_url=merged["DOJO_REDIS_URL"],
            model_dir=_path(merged["DOJO_MODEL_DIR"]),
            lead_ids=_ids(merged["DOJO_LEAD_IDS"]),
            trainer_ids=_ids(merged["DOJO_TRAINER_IDS"]),
            dashboard_password=merged["DOJO_DASHBOARD_PASSWORD"],
            log_level=merged["DOJO_LOG_LEVEL"].upper(),
            telegram_token=merged["TELEGRAM_BOT_TOKEN"],
            telegram_base_url=merged["TELEGRAM_API_BASE_URL"],
            telegram_webhook_url=merged["TELEGRAM_WEBHOOK_URL"],
            lrs_url=merged["DOJO_LRS_URL"].rstrip("/"),
            lrs_user=merged["DOJO_LRS_USER"],
            lrs_password=merged["DOJO_LRS_PASSWORD"],
            xapi_home_page=merged["DOJO_XAPI_HOME_PAGE"].rstrip("/"),
            xapi_names=merged["DOJO_XAPI_NAMES"].strip().lower() in ("1", "true", "yes"),
        )

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def export_data_dir(self, environ: Optional[MutableMapping[str, str]] = None) -> None:
        """Make the data folder these settings name the one every reader uses.

        Readers ask `foundation.paths.data_dir()`, which looks at the environment only; a folder named
        in `.env` reaches them (and the servers this process starts) once it is exported here.
        """
        target = os.environ if environ is None else environ
        if target.get(DATA_DIR_VARIABLE) != str(self.data_dir) and self.data_dir != (REPO_ROOT / "data").resolve():
            target[DATA_DIR_VARIABLE] = str(self.data_dir)
