"""`dojo train`: train the Rasa model from the repo's training data only."""
from __future__ import annotations

import os
import subprocess
import sys

import typer

from dojo.servers import QUIET_ENV
from foundation import paths
from foundation.paths import REPO_ROOT
from foundation.settings import Settings


def train_command(force: bool = typer.Option(False, "--force", help="retrain even if nothing changed")) -> None:
    """Train the bilingual NLU + dialogue model from data/nlu, data/stories and data/rules.yml (of DOJO_DATA_DIR)."""
    settings = Settings.from_env()
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain.yml",
        "--data", *[str(p) for p in paths.training_data()],
        "--out", str(settings.model_dir), "--fixed-model-name", "dojo",
    ]
    if force:
        command.append("--force")
    typer.echo("Training the Rasa model (NLU + dialogue); about 1½ minutes on 2 cores (up to 3 when the CPU is shared), progress below…")
    env = dict(os.environ, **QUIET_ENV)
    result = subprocess.run(command, cwd=REPO_ROOT, env=env)
    if result.returncode != 0:
        typer.secho("Training failed; the messages above say why.", fg=typer.colors.RED, err=True)
        raise typer.Exit(result.returncode)
    typer.echo(f"Model ready in {settings.model_dir}")


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
