"""Supervision that leaves nothing behind, with real processes and no model: a supervisor script runs
ManagedProcesses (small HTTP servers, one that never gets ready, one that ignores SIGTERM, a real
Redis and PostgreSQL) and the test SIGTERMs or SIGKILLs it at awkward moments.

The same machinery stops `dojo run`'s servers; tests/conversations/test_run_command.py and
tests/scale/test_replicas_live.py drive `dojo run` itself."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from dojo.errors import PortInUseError
from dojo.servers import ensure_ports_free, free_port, port_in_use
from dojo.supervision import port_holder
from foundation.paths import REPO_ROOT
from process_tree import descendants, kill_quietly, read_until, wait_for_descendants, wait_gone

SUPERVISOR = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from dojo.servers import ManagedProcess, stop_all
    from dojo.supervision import StopRequested, stop_on_signals

    log_dir, ready_port, never_port, grace, mode = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    py = sys.executable
    children = [
        ManagedProcess("ready", [py, "-m", "http.server", "--bind", "127.0.0.1", str(ready_port)], {}, f"http://127.0.0.1:{ready_port}/", log_dir / "ready.log", 30),
        ManagedProcess("never ready", [py, "-c", "import time; time.sleep(600)"], {}, f"http://127.0.0.1:{never_port}/", log_dir / "never.log", 600),
    ]
    if mode == "stubborn":  # a child that ignores SIGTERM must be SIGKILLed after the grace
        children.insert(1, ManagedProcess("stubborn", [py, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"], {}, "-", log_dir / "stubborn.log", 30, ready=lambda: True))
    if mode == "stores":
        import os
        from dojo.servers import free_port
        from dojo.stores import local_postgres, local_redis
        children[:0] = [local_redis(log_dir / "redis", free_port(), dict(os.environ), log_dir).process,
                        local_postgres(log_dir / "postgres", free_port(), dict(os.environ), log_dir).process]
    with stop_on_signals():
        try:
            for child in children:
                child.start()
            for child in children:
                child.wait_ready()
                print("ready:", child.name, flush=True)
        except StopRequested as stop:
            print("stopping on", stop, flush=True)
        finally:
            stop_all(children, grace)
            print("stopped", flush=True)
''')


@pytest.fixture()
def folder():
    # PostgreSQL runs as the `postgres` user when the tests run as root: it must reach its folder.
    path = Path(tempfile.mkdtemp(prefix="dojo-supervision-"))
    path.chmod(0o755)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def start_supervisor(folder: Path, ready_port: int, mode: str, grace: float = 2.0) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(folder), str(ready_port), str(free_port()), str(grace), mode],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_sigterm_during_start_up_stops_every_child_even_one_that_ignores_it(folder):
    ready_port = free_port()
    supervisor = start_supervisor(folder, ready_port, "stubborn", grace=2.0)
    try:
        read_until(supervisor, "ready: stubborn")  # the third child is still "starting"
        children = wait_for_descendants(supervisor.pid, 3, timeout=10)
        assert len(children) == 3
        started = time.monotonic()
        supervisor.send_signal(signal.SIGTERM)
        rest, _ = supervisor.communicate(timeout=15)
        assert time.monotonic() - started < 15
        assert "stopping on SIGTERM" in rest and "stopped" in rest
        assert supervisor.returncode == 0
        assert wait_gone(children, timeout=1) == []
        assert not port_in_use(ready_port)
    finally:
        supervisor.kill()
        kill_quietly(descendants(supervisor.pid))


def test_children_and_stores_die_with_a_sigkilled_supervisor(folder):
    """No handler runs on SIGKILL: the parent-death signal alone stops the children, including
    PostgreSQL, which runs as another user when the tests run as root (the setting survives that)."""
    ready_port = free_port()
    supervisor = start_supervisor(folder, ready_port, "stores")
    children = set()
    try:
        read_until(supervisor, "ready: ready", timeout=90)  # the last child is still "starting"
        children = descendants(supervisor.pid)
        assert len(children) >= 4  # Redis, PostgreSQL (and its workers), http.server, never ready
        supervisor.kill()
        supervisor.wait(timeout=10)
        assert wait_gone(children, timeout=15) == []
        assert not port_in_use(ready_port)
    finally:
        kill_quietly(children)


def test_a_taken_port_names_the_process_holding_it():
    port = free_port()
    holder = subprocess.Popen([sys.executable, "-c", f"import socket, time; s = socket.socket(); "
                               f"s.bind(('127.0.0.1', {port})); s.listen(); print('listening', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "listening"
        assert port_holder(port).startswith(f"pid {holder.pid} (")
        with pytest.raises(PortInUseError) as error:
            ensure_ports_free({"DOJO_RASA_PORT": port})
        assert f"pid {holder.pid}" in str(error.value) and "DOJO_RASA_PORT" in str(error.value)
    finally:
        holder.kill()
        holder.wait()
    ensure_ports_free({"DOJO_RASA_PORT": port})  # free again once its holder is gone


def test_a_port_nobody_listens_on_has_no_holder():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening
        assert port_holder(port) is None
