"""Helpers for supervision tests: a process's descendants, read from /proc, waiting for them to go,
and `dojo run` started as a user starts it. (In tests/, which the root conftest puts on sys.path, so
every test folder can import it.)"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterable, List, Set

from foundation.paths import REPO_ROOT


def _parents() -> dict:
    parents = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                # The command may hold spaces and parentheses: the fields after the last ")" are fixed.
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] != "Z":
                parents[int(proc.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> Set[int]:
    """Every living process below `pid` (children, grandchildren…)."""
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: Iterable[int]) -> List[int]:
    living = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            living.append(pid)
    return living


def wait_gone(pids: Iterable[int], timeout: float) -> List[int]:
    """The pids still alive after up to `timeout` seconds (an empty list is the good answer)."""
    pids = list(pids)
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive(pids)


def wait_for_descendants(pid: int, count: int, timeout: float) -> Set[int]:
    deadline = time.monotonic() + timeout
    found = descendants(pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        found = descendants(pid)
    return found


def kill_quietly(pids: Iterable[int]) -> None:
    for pid in alive(pids):
        with contextlib.suppress(ProcessLookupError):  # it ended on its own in the meantime
            os.kill(pid, 9)


def start_dojo_run(env_overrides: Dict[str, str], *arguments: str) -> subprocess.Popen:
    """`python -m dojo.cli run …` with its output piped (text)."""
    env = dict(os.environ, TELEGRAM_BOT_TOKEN="", PYTHONPATH=str(REPO_ROOT), **env_overrides)
    return subprocess.Popen([sys.executable, "-m", "dojo.cli", "run", *arguments], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_until(process: subprocess.Popen, marker: str, timeout: float = 60) -> str:
    """The process's output up to the line holding `marker` (fails the test if it never comes)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if marker in line or (not line and process.poll() is not None):
            break
    text = "".join(seen)
    assert marker in text, text
    return text
