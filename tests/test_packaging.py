"""Every package of ours ships: a package missing from pyproject's list imports in the repo (pytest puts
the root on the path) but not from the installed `dojo` command on a clean clone."""
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_every_top_level_package_is_in_pyproject():
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    included = set(re.findall(r'"([a-z_]+)\*"', re.search(r"^include = \[(.*)\]$", pyproject, re.M).group(1)))
    packages = {p.parent.name for p in REPO_ROOT.glob("*/__init__.py")} - {"tests", "bench", "scripts"}
    assert packages - included == set(), "add them to [tool.setuptools.packages.find] include"
