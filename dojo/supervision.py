"""Supervision that leaves nothing behind: children die with their supervisor, however it ends.

Three holes this closes, each of which used to leave a Rasa server or an action server holding its
port so that the next `dojo run` refused to start:

- a SIGTERM during the 20-30 s start-up killed `dojo run` at once, because the handler was installed
  only after start-up: `stop_on_signals()` is entered before the first child starts and turns SIGTERM
  (and Ctrl-C) into `StopRequested`, so the caller's `finally` stops every child;
- a SIGKILL of the supervisor cannot be caught at all: every child asks the kernel for a parent-death
  signal (Linux `prctl(PR_SET_PDEATHSIG)`), so it is told to stop the moment its parent dies;
- a restart after a crash that still finds a port taken says which process holds it (`port_holder`).
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import threading
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class StopRequested(BaseException):
    """Raised in the main thread when the supervisor is asked to stop (SIGTERM, SIGHUP or Ctrl-C).

    A BaseException, like KeyboardInterrupt, so no `except Exception` on the way up swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGTERM, SIGHUP and SIGINT raise `StopRequested` in the main thread; the previous
    handlers come back on the way out. Enter it before starting any child."""
    def request_stop(signum, _frame):
        raise StopRequested(signum)

    previous: Dict[int, object] = {}
    for signum in STOP_SIGNALS:
        previous[signum] = signal.signal(signum, request_stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def die_with_parent(signum: int = signal.SIGTERM) -> Optional[Callable[[], None]]:
    """A `preexec_fn` that makes the child receive `signum` when the thread that started it dies.

    The kernel ties the signal to the starting *thread*, so it is set only for children started from
    the main thread (whose end is the process's end); elsewhere, and off Linux, it returns None and
    the child relies on the supervisor's own stop. Popen runs `preexec_fn` after switching user, which
    matters: a change of user clears the setting."""
    if not os.uname().sysname == "Linux" or threading.current_thread() is not threading.main_thread():
        return None
    libc = _libc()
    parent = os.getpid()

    def set_parent_death_signal() -> None:
        libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
        # The parent may already have died between fork and prctl: then nobody would ever signal us.
        if os.getppid() != parent:
            os.kill(os.getpid(), signum)

    return set_parent_death_signal


def port_holder(port: int, host: str = "127.0.0.1") -> Optional[str]:
    """`"pid 1234 (python -m rasa run …)"` for the process listening on this TCP port, read from /proc;
    None when nothing listens or the holder cannot be seen (another user's process without root)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                    inodes.add(f"socket:[{inode}]")
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                        return f"pid {proc.name} ({command[:120]})"
    return None
