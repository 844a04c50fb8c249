"""Starting and stopping the simulator's two servers (Rasa and the action server) on loopback.

`dojo run`, `dojo practice` and the test fixtures all use this, so the way the product starts is the
way it is tested. Both servers bind 127.0.0.1 only; the Rasa HTTP API is enabled only with a token.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import httpx

from dojo.errors import ModelMissingError, ServiceStartError
from foundation.paths import REPO_ROOT
from foundation.settings import Settings

QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
}
RASA_START_TIMEOUT = 180.0
ACTIONS_START_TIMEOUT = 60.0


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def latest_model(model_dir: Path) -> Path:
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise ModelMissingError(f"no trained model in {model_dir}; run `make model` or `dojo train` first")
    return models[-1]


@dataclass
class ManagedProcess:
    """One server we started: its command, its log file and how to tell it is ready."""

    name: str
    command: List[str]
    env: Dict[str, str]
    health_url: str
    log_path: Path
    timeout: float
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServiceStartError(f"{self.name} exited with code {self.process.returncode}; see {self.log_path}:\n{self.tail()}")
            # Refused connections are expected until the server has bound its port.
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.health_url, timeout=2.0).status_code == 200:
                    return
            time.sleep(0.3)
        self.stop()
        raise ServiceStartError(f"{self.name} did not answer {self.health_url} within {self.timeout:.0f}s; see {self.log_path}")

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, for fault-injection tests: no chance to clean up, like a crash."""
        if self.running():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, grace: float = 10.0) -> None:
        if not self.running():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Simulator:
    """The Rasa server and the action server, started together and stopped together."""

    settings: Settings
    rasa_port: int
    actions_port: int
    model_path: Path
    log_dir: Path
    actions: ManagedProcess = field(init=False)
    rasa: ManagedProcess = field(init=False)

    def __post_init__(self) -> None:
        env = dict(os.environ)
        env.update(QUIET_ENV)
        env.update({
            "DOJO_DB": str(self.settings.db_path),
            "DOJO_TRACKER_DB": str(self.settings.tracker_db),
            "DOJO_ACTIONS_PORT": str(self.actions_port),
            "SANIC_HOST": "127.0.0.1",
            "ACTION_SERVER_SANIC_WORKERS": "1",
        })
        self.settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        self.settings.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.actions = ManagedProcess(
            "action server",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(self.actions_port)],
            env, f"http://127.0.0.1:{self.actions_port}/health", self.log_dir / "actions.log", ACTIONS_START_TIMEOUT,
        )
        rasa_cmd = [
            sys.executable, "-m", "rasa", "run", "--model", str(self.model_path),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            "--interface", "127.0.0.1", "--port", str(self.rasa_port), "--quiet",
        ]
        if self.settings.rasa_token:
            rasa_cmd += ["--enable-api", "--auth-token", self.settings.rasa_token]
        self.rasa = ManagedProcess(
            "Rasa server", rasa_cmd, env, f"http://127.0.0.1:{self.rasa_port}/", self.log_dir / "rasa.log", RASA_START_TIMEOUT,
        )

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> "Simulator":
        # Both load in parallel: the action server in seconds, Rasa's model in ~20 s.
        self.actions.start()
        self.rasa.start()
        try:
            self.actions.wait_ready()
            self.rasa.wait_ready()
        except ServiceStartError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()


def simulator_for(settings: Settings, *, rasa_port: Optional[int] = None, actions_port: Optional[int] = None,
                  log_dir: Optional[Path] = None) -> Simulator:
    """A simulator on the given ports, or on free ones; the newest trained model."""
    return Simulator(
        settings=settings,
        rasa_port=rasa_port or free_port(),
        actions_port=actions_port or free_port(),
        model_path=latest_model(settings.model_dir),
        log_dir=log_dir or settings.db_path.parent / "logs",
    )


@contextlib.contextmanager
def running_simulator(settings: Settings, **kwargs) -> Iterator[Simulator]:
    simulator = simulator_for(settings, **kwargs).start()
    try:
        yield simulator
    finally:
        simulator.stop()
