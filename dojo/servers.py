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
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import httpx

from dojo.errors import ModelMissingError, PortInUseError, ServiceStartError
from dojo.supervision import die_with_parent, port_holder
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
# Every child gets this long to stop after SIGTERM before SIGKILL: inside the 15 s a stop may take.
STOP_GRACE = 10.0


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_ports_free(ports: Dict[str, int]) -> None:
    """Refuse to start on a taken port, naming the process that holds it (a server left behind by an
    older dojo, say) and the setting that moves us elsewhere."""
    for setting, port in ports.items():
        if port_in_use(port):
            holder = port_holder(port)
            held_by = f" by {holder}" if holder else ""
            raise PortInUseError(f"port {port} on 127.0.0.1 is already in use{held_by}; stop that process or set "
                                 f"{setting} to a free port / 端口 {port} 已被占用{held_by}；请先停止该进程，或把 "
                                 f"{setting} 设为空闲端口")


def latest_model(model_dir: Path) -> Path:
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise ModelMissingError(f"no trained model in {model_dir}; run `make model` or `dojo train` first")
    return models[-1]


def http_ok(url: str) -> Callable[[], bool]:
    """A readiness probe: the URL answers 200."""
    def probe() -> bool:
        # Refused connections are expected until the server has bound its port.
        with contextlib.suppress(httpx.TransportError):
            return httpx.get(url, timeout=2.0).status_code == 200
        return False

    return probe


@dataclass
class ManagedProcess:
    """One server we started: its command, its log file and how to tell it is ready.

    Each child runs in its own process group (a Ctrl-C in the terminal reaches the supervisor only,
    which then stops the children in order) and gets a parent-death signal, so it never outlives
    its supervisor (dojo.supervision)."""

    name: str
    command: List[str]
    env: Dict[str, str]
    health_url: str
    log_path: Path
    timeout: float
    process: Optional[subprocess.Popen] = None
    ready: Optional[Callable[[], bool]] = None
    stop_signal: int = signal.SIGTERM
    user: Optional[str] = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, user=self.user, group=self.user,
            preexec_fn=die_with_parent(self.stop_signal),
        )
        log.close()

    def is_ready(self) -> bool:
        return (self.ready or http_ok(self.health_url))()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServiceStartError(f"{self.name} exited with code {self.process.returncode}; see {self.log_path}:\n{self.tail()}")
            if self.is_ready():
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

    def signal_stop(self) -> None:
        """Ask the whole process group to stop, without waiting."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, self.stop_signal)

    def stop(self, grace: float = STOP_GRACE) -> None:
        stop_all([self], grace)


def stop_all(processes: Sequence[ManagedProcess], grace: float = STOP_GRACE) -> None:
    """Ask every process to stop at once, wait up to `grace` seconds for all of them together, then
    SIGKILL what is left: K replicas stop in `grace`, not K times it. A second signal (an impatient
    Ctrl-C) while waiting does not leave the rest running."""
    try:
        for managed in processes:
            managed.signal_stop()
        deadline = time.monotonic() + grace
        for managed in processes:
            if managed.process is None:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                managed.process.wait(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        for managed in processes:
            if managed.running():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(managed.process.pid, signal.SIGKILL)
                managed.process.wait(timeout=10)


def server_env(settings: Settings, actions_port: int) -> Dict[str, str]:
    """The environment every server we start gets: ours, made quiet, plus where the stores are."""
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env.update({
        "DOJO_DB": str(settings.db_path),
        "DOJO_TRACKER_DB": str(settings.tracker_db),
        "DOJO_ACTIONS_PORT": str(actions_port),
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_SANIC_WORKERS": "1",
    })
    settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    return env


def action_server(env: Dict[str, str], port: int, log_dir: Path) -> ManagedProcess:
    return ManagedProcess(
        "action server", [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)],
        env, f"http://127.0.0.1:{port}/health", log_dir / "actions.log", ACTIONS_START_TIMEOUT,
    )


def rasa_server(name: str, env: Dict[str, str], settings: Settings, model_path: Path, endpoints: Path, port: int,
                log_path: Path) -> ManagedProcess:
    """A Rasa server on 127.0.0.1:`port`; its HTTP API is enabled only with a token."""
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(model_path),
        "--endpoints", str(endpoints), "--credentials", "credentials.yml",
        "--interface", "127.0.0.1", "--port", str(port), "--quiet",
    ]
    if settings.rasa_token:
        command += ["--enable-api", "--auth-token", settings.rasa_token]
    return ManagedProcess(name, command, env, f"http://127.0.0.1:{port}/", log_path, RASA_START_TIMEOUT)


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
        env = server_env(self.settings, self.actions_port)
        self.actions = action_server(env, self.actions_port, self.log_dir)
        self.rasa = rasa_server("Rasa server", env, self.settings, self.model_path, REPO_ROOT / "endpoints.yml",
                                self.rasa_port, self.log_dir / "rasa.log")

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> "Simulator":
        # Both load in parallel: the action server in seconds, Rasa's model in ~20 s.
        # Whatever interrupts the wait (a failed start, SIGTERM, Ctrl-C) stops both before it goes on.
        try:
            self.actions.start()
            self.rasa.start()
            self.actions.wait_ready()
            self.rasa.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        stop_all([self.rasa, self.actions])


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
