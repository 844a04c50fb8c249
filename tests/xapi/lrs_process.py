"""A real learning record store for the tests: Ralph (`ralph-malph`) from its own venv, built by
scripts/ensure-lrs.sh and cached under .cache/, served by uvicorn on a free 127.0.0.1 port with the
file-system backend (appending: see ralph_append_server.py), so a kill and a restart keep what it stored."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import List, Optional

import httpx

from foundation.paths import REPO_ROOT

USER, PASSWORD = "dojo", "lrs-test-secret"
VALIDATOR = """
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
errors = []
for number, line in enumerate(sys.stdin, start=1):
    try:
        BaseXapiStatement(**json.loads(line))
    except Exception as exc:
        errors.append(f"line {number}: {exc}")
print(json.dumps(errors))
"""


def ensure_lrs_venv() -> Path:
    """The venv's bin folder; builds it the first time (about a minute, from PyPI)."""
    result = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "ensure-lrs.sh")], capture_output=True, text=True,
                            timeout=900)
    if result.returncode != 0:
        raise RuntimeError("scripts/ensure-lrs.sh failed:\n" + result.stderr[-3000:])
    return Path(result.stdout.strip().splitlines()[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lrs:
    def __init__(self, bin_dir: Path, workdir: Path):
        self.bin = bin_dir
        self.workdir = workdir
        self.port = free_port()
        self.process: Optional[subprocess.Popen] = None
        (workdir / "data").mkdir(parents=True, exist_ok=True)
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
                    "RALPH_APP_DIR": str(workdir), "RALPH_AUTH_FILE": str(workdir / "auth.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(workdir / "data")}
        subprocess.run([str(bin_dir / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-w",
                        "-A", USER, "https://collectordojo.invalid"], env=self.env, check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI"

    def start(self) -> "Lrs":
        self.process = subprocess.Popen(
            [str(self.bin / "python"), str(Path(__file__).with_name("ralph_append_server.py")), "127.0.0.1", str(self.port)],
            env=self.env, cwd=self.workdir, stdout=(self.workdir / "lrs.log").open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the LRS exited:\n" + (self.workdir / "lrs.log").read_text()[-2000:])
            with contextlib.suppress(httpx.HTTPError):  # not listening yet: ask again shortly
                if httpx.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).status_code == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("the LRS did not start in 60 s")

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def validate(self, statements: List[dict]) -> List[str]:
        """Errors from Ralph's xAPI base statement model (IEEE 9274.1.1), one per invalid statement."""
        result = subprocess.run([str(self.bin / "python"), "-c", VALIDATOR], env=self.env, capture_output=True,
                                text=True, input="".join(json.dumps(s) + "\n" for s in statements), timeout=120)
        if result.returncode != 0:
            raise RuntimeError(result.stderr[-2000:])
        return json.loads(result.stdout)
