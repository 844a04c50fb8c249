"""scripts/find-python.sh must find a real 3.10 portably, and explain itself when there is none."""
import os
import subprocess

from foundation.paths import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "find-python.sh"


def test_finds_a_python_310():
    result = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")


def test_explains_what_to_install_when_there_is_none(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env)
    if result.returncode == 0:
        # This machine has a system python3.10 in /usr/bin; the script then rightly uses it.
        assert "3.10" in subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
        return
    assert result.returncode == 1
    assert "no Python 3.10 interpreter found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
