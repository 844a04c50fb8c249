"""What the progress-store commands (`dojo report|trainer|certify|trainee|dashboard`) share: opening the
store from the settings, keeping its scenario rows in step with data/scenarios/, turning user errors
into one clear line and a non-zero exit, and printing in the format asked for."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator, Optional

import typer

from foundation.errors import DataFileError, DojoError
from foundation.settings import Settings
from progress.store import ABANDONED_AFTER_MINUTES, Store
from scoring.rulings import review_thresholds
from simulator.catalog import load_catalog, scenario_rows

EXIT_USER_ERROR = 2


def fail(message: str) -> "typer.Exit":
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(EXIT_USER_ERROR)


@contextmanager
def user_errors() -> Iterator[None]:
    """Errors the user can fix become `error: …` on stderr and exit code 2, never a traceback."""
    try:
        yield
    except DojoError as exc:
        raise fail(str(exc)) from exc


def sync_catalog(store) -> None:
    """Bring the store's scenario rows and the rule packs' review thresholds up to date; a broken
    catalogue or pack is a warning here, because reports and transcripts of past sessions must stay
    readable while the YAML is being fixed."""
    try:
        store.sync_scenarios(scenario_rows(load_catalog().scenarios))
        store.sync_review_thresholds(review_thresholds())
    except DojoError as exc:
        if not isinstance(exc, DataFileError):  # the store itself failing is the user's to hear about
            raise
        _not_synced(exc)
    except Exception as exc:  # CatalogError and friends: the scenario YAML is someone else's to fix
        _not_synced(exc)


def _not_synced(exc: Exception) -> None:
    typer.secho(f"warning: scenarios not synced ({exc})", fg=typer.colors.YELLOW, err=True)


def open_store(sync: bool = True, db: Optional[str] = None):
    """The store named by DOJO_DB (or `db`), scenarios synced unless `sync` is False, and sessions
    left silent past ABANDONED_AFTER_MINUTES marked abandoned so reports show them as such."""
    path = db or Settings.from_env().db_path
    store = Store.open(path)
    try:
        if sync:
            sync_catalog(store)
        store.mark_abandoned(ABANDONED_AFTER_MINUTES)
    except BaseException:
        store.close()
        raise
    return store


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def one_format(as_csv: bool, as_json: bool) -> None:
    if as_csv and as_json:
        raise fail("choose one of --csv and --json")
