import os
import sys
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

# An editable install made before scoring/__init__.py existed maps `scoring` to a namespace package;
# make sure these tests import the real package from the repository.
REPO_ROOT = str(Path(__file__).resolve().parents[2])
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)
if "scoring" in sys.modules and getattr(sys.modules["scoring"], "__file__", None) is None:
    for name in [m for m in sys.modules if m == "scoring" or m.startswith("scoring.")]:
        del sys.modules[name]
