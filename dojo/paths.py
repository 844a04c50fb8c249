"""Where the repository's data lives, so every process finds it the same way wherever it is started from."""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# DOJO_DATA_DIR lets a training team keep its own scenarios, personas and rule packs elsewhere.
DATA_DIR = Path(os.environ.get("DOJO_DATA_DIR") or REPO_ROOT / "data").resolve()
PERSONAS_DIR = DATA_DIR / "personas"
SCENARIOS_DIR = DATA_DIR / "scenarios"
RULES_DIR = DATA_DIR / "rules"
CERTIFICATION_POLICY = DATA_DIR / "certification.yml"
MODELS_DIR = REPO_ROOT / "models"
VAR_DIR = REPO_ROOT / "var"
# Rasa trains from these only, so persona, scenario and rule YAML is never parsed as training data.
TRAINING_DATA = [DATA_DIR / "nlu", DATA_DIR / "stories", DATA_DIR / "rules.yml"]
