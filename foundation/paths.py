"""Where the repository and its data live, so every process finds them the same way wherever it starts.

The data folder is read from `DOJO_DATA_DIR` each time it is asked for (not once at import), so a
team's own personas, scenarios, rule packs, policy and labels are honoured by every reader, and a
test can point one process at a copied folder.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import List, Tuple, Union

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
DATA_DIR_VARIABLE = "DOJO_DATA_DIR"


def data_dir() -> Path:
    """`DOJO_DATA_DIR` (relative to the repository when not absolute), else the repository's `data/`."""
    return _resolved_data_dir(os.environ.get(DATA_DIR_VARIABLE) or "")


@functools.lru_cache(maxsize=16)
def _resolved_data_dir(configured: str) -> Path:
    """Resolved once per value of the variable: the graders ask for their data folder several times a
    reply, and resolving it walks the file system each time (it cost half of a short reply's score)."""
    if not configured:
        return (REPO_ROOT / "data").resolve()
    path = Path(configured)
    return (path if path.is_absolute() else REPO_ROOT / path).resolve()


def _in_data(*parts: str) -> Path:
    return _joined(os.environ.get(DATA_DIR_VARIABLE) or "", parts)


@functools.lru_cache(maxsize=256)
def _joined(configured: str, parts: Tuple[str, ...]) -> Path:
    return _resolved_data_dir(configured).joinpath(*parts)


def personas_dir() -> Path:
    return _in_data("personas")


def scenarios_dir() -> Path:
    return _in_data("scenarios")


def rules_dir() -> Path:
    """The rule packs (cn, us) and the graders' cue files."""
    return _in_data("rules")


def eval_dir() -> Path:
    """Labelled replies the graders are measured on (`data/eval/scoring/*.jsonl`)."""
    return _in_data("eval")


def certification_policy() -> Path:
    return _in_data("certification.yml")


def i18n_dir() -> Path:
    return _in_data("i18n")


def labels_file() -> Path:
    """Every label a person reads: categories, outcomes, personas, dimensions, levels, stages."""
    return _in_data("i18n", "labels.yml")


def bot_strings_file() -> Path:
    return _in_data("i18n", "bot.yml")


def training_data() -> List[Path]:
    """Rasa trains from these only, so persona, scenario and rule YAML is never parsed as training data."""
    root = data_dir()
    return [root / "nlu", root / "stories", root / "rules.yml"]


def display_path(path: Union[str, Path]) -> str:
    """Paths inside the repository are shown relative to it, the way an author opens them."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
