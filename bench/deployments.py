"""The servers a load benchmark runs against: the single-machine simulator, or `--replicas K` Rasa
replicas behind HAProxy with PostgreSQL and Redis (dojo/scale.py), on free ports in a temporary folder."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, Optional

from dojo.scale import scale_deployment_for
from dojo.servers import free_port, simulator_for
from foundation.settings import Settings


def add_replicas_argument(parser: argparse.ArgumentParser, several: bool = False) -> None:
    parser.add_argument("--replicas", type=int, nargs="+" if several else None, metavar="K",
                        help="run against K Rasa replicas behind HAProxy (PostgreSQL tracker store, Redis lock "
                             "store) instead of the single-machine simulator (K = 0)"
                             + ("; several values run each, side by side" if several else ""))


def start_servers(settings: Settings, replicas: Optional[int], folder: Path):
    """Started servers with `rasa_url` and `stop()`; the single machine when `replicas` is None or 0."""
    if not replicas:
        return simulator_for(settings, log_dir=folder / "logs").start()
    folder.chmod(0o755)  # PostgreSQL runs as `postgres` when the benchmark runs as root
    return scale_deployment_for(settings, replicas, balancer_port=free_port(), actions_port=free_port(),
                                folder=folder, log_dir=folder / "logs").start()


def process_ids(servers) -> Dict[str, int]:
    """{"rasa": pid, "actions": pid} for the single machine; "rasa1", "rasa2"…, "haproxy", "postgres" and
    "redis" as well for replicas."""
    rasa = getattr(servers, "replicas", None) or [servers.rasa]
    pids = {"actions": servers.actions.process.pid}
    if len(rasa) == 1:
        pids["rasa"] = rasa[0].process.pid
    else:
        pids.update({f"rasa{n}": replica.process.pid for n, replica in enumerate(rasa, start=1)})
    for name in ("balancer", "postgres", "redis"):
        managed = getattr(servers, name, None)
        if managed is not None and managed.process is not None:
            pids["haproxy" if name == "balancer" else name] = managed.process.pid
    return pids
