"""The `dojo` command: one entry point for everything a person does from a shell.

Each module in `dojo.commands` contributes its commands through a `register(app)` function, so a
feature's commands live beside nothing else and adding one never touches this file.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import warnings

import typer

import dojo.commands as commands
from dojo.servers import QUIET_ENV
from foundation.errors import DojoError
from foundation.settings import Settings

for _name, _value in QUIET_ENV.items():
    os.environ.setdefault(_name, _value)
# Library deprecation chatter (pyparsing via matplotlib, pkg_resources via rasa) is not for trainees.
warnings.simplefilter("ignore", DeprecationWarning)
warnings.filterwarnings("ignore", module="matplotlib")
warnings.filterwarnings("ignore", message=".*deprecated.*")

app = typer.Typer(
    name="dojo",
    help="CollectorDojo (催收陪练): practise lawful, humane debt collection against simulated debtors.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _settings_for_every_command() -> None:
    """A data folder named only in `.env` is exported, so every reader (and every server started) uses it."""
    Settings.from_env().export_data_dir()


def _register_commands() -> None:
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"dojo.commands.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    """Console-script entry point; user errors become one clear line and exit code 2."""
    try:
        app()
    except DojoError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
