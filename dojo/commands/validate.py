"""`dojo validate`: check every data file before anything is served or trained."""
from __future__ import annotations

import os
import subprocess
import sys

import typer

from dojo.catalog_access import load_catalog_or_fail
from dojo.servers import QUIET_ENV
from drills import DrillBankError, bank_problems, load_bank
from foundation import paths
from foundation.errors import DataFileError, DojoError
from foundation.labels import load_labels
from foundation.paths import REPO_ROOT
from foundation.settings import Settings
from foundation.vocab import REGIMES
from progress.certification import load_policy
from progress.errors import PolicyError
from progress.store import Store
from scoring.errors import ScoringError
from scoring.rulepack import rule_pack
from scoring.rulings import review_thresholds


def validate_command(
    skip_rasa: bool = typer.Option(False, "--skip-rasa", help="skip `rasa data validate` (it takes ~15 s)"),
) -> None:
    """Validate labels, personas, scenarios, rule packs, the certification policy and the Rasa training data."""
    try:
        load_labels()
    except DataFileError as exc:
        raise DojoError(f"broken labels: {exc}") from exc
    typer.echo("ok  labels (categories, outcomes, personas, dimensions, levels, stages)")
    catalog = load_catalog_or_fail()
    typer.echo(f"ok  {len(catalog.personas)} personas, {len(catalog.scenarios)} scenarios")
    for regime in REGIMES:
        try:
            pack = rule_pack(regime)
        except ScoringError as exc:
            raise DojoError(f"broken rule pack: {exc}") from exc
        review = pack.dispute_review
        typer.echo(f"ok  rule pack {regime}: {len(pack.rules)} rules; a rule is flagged for review past "
                   f"{review.max_overturn_rate:.0%} overturned over at least {review.min_rulings} rulings")
    try:
        load_policy(paths.certification_policy())
    except PolicyError as exc:
        raise DojoError(f"broken certification policy: {exc}") from exc
    typer.echo("ok  certification policy")
    _validate_drill_bank()
    _rules_to_review()
    if skip_rasa:
        return
    command = [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings", "--config", "config.yml",
               "--domain", "domain.yml", "--data", *[str(p) for p in paths.training_data()]]
    result = subprocess.run(command, cwd=REPO_ROOT, env=dict(os.environ, **QUIET_ENV), capture_output=True, text=True)
    if result.returncode != 0:
        raise DojoError("rasa data validate found problems:\n" + (result.stdout + result.stderr)[-4000:])
    typer.echo("ok  Rasa training data (rasa data validate --fail-on-warnings)")


def _validate_drill_bank() -> None:
    """The drill bank loads, and the scorer finds in every item exactly the flaw it claims (both languages)."""
    try:
        bank = load_bank()
    except DrillBankError as exc:
        raise DojoError(f"broken drill bank: {exc}") from exc
    problems = bank_problems(bank)
    if problems:
        raise DojoError("the scorer disagrees with the drill bank / 评分器与练习题库不一致:\n" + "\n".join(problems))
    items = sum(len(topic.items) for topic in bank.topics.values())
    typer.echo(f"ok  drill bank: {len(bank.topics)} topics, {items} items, each flaw confirmed by the scorer in zh and en")


def _rules_to_review() -> None:
    """Rules whose findings trainers overturn on dispute past their pack's threshold: a warning, not a
    failure (the data is valid; the rule needs a person to look at it). Read from the store, when
    there is one; validating never creates it."""
    db_path = Settings.from_env().db_path
    if not db_path.exists():
        return
    with Store.open(db_path) as store:
        store.sync_review_thresholds(review_thresholds())
        figures = store.finding_figures()
    flagged = [row for row in figures if row["review"]]
    rulings = sum(row["rulings"] for row in figures)
    if not flagged:
        typer.echo(f"ok  disputes: no rule past its overturn threshold ({rulings} rulings in {db_path})")
    for row in flagged:
        typer.secho(f"review  {row['finding']}: {row['overturned']} of {row['rulings']} rulings overturned "
                    f"({row['overturn_rate']:.0%} > {row['review_above']:.0%}); see `dojo disputes --status overturned` "
                    f"/ 改判率过高，请复核此规则", fg=typer.colors.YELLOW)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
