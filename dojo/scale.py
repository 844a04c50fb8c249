"""The scale deployment on one machine: K Rasa replicas behind HAProxy, a PostgreSQL tracker store,
a Redis lock store and one action server, started together and stopped together.

Selected by configuration only (`dojo run --replicas K`): the replicas read deploy/endpoints.scale.yml
instead of endpoints.yml; the code that serves a turn is the same. Redis and PostgreSQL are those of
`DOJO_REDIS_URL` and `DOJO_TRACKER_DB_URL` when set, else local servers started here (files under
`var/`, or wherever `folder` says). The clients keep one URL: the balancer's, on `DOJO_RASA_PORT`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from dojo.balancer import balancer
from dojo.servers import (QUIET_ENV, STOP_GRACE, ManagedProcess, action_server, free_port, latest_model,
                          rasa_server, server_env, stop_all)
from dojo.stores import create_tracker_database, find_tool, local_postgres, local_redis
from foundation.paths import REPO_ROOT, VAR_DIR
from foundation.settings import Settings

SCALE_ENDPOINTS = REPO_ROOT / "deploy" / "endpoints.scale.yml"
# A replica killed mid-message leaves its conversation's lock in Redis until it expires; Rasa's default
# is 60 s. 20 s is far above any turn's processing time and lets a moved conversation go on sooner.
LOCK_LIFETIME_S = 20
STORES_STOP_GRACE = 4.0


@dataclass
class ScaleDeployment:
    """The servers of the scale deployment. `rasa_url` is the balancer; `replicas` can be killed and
    restarted one by one (the fault tests do), as can `redis` and `postgres` when started here."""

    settings: Settings
    replica_count: int
    balancer_port: int
    actions_port: int
    model_path: Path
    log_dir: Path
    folder: Path
    actions: ManagedProcess = field(init=False)
    replicas: List[ManagedProcess] = field(init=False)
    balancer: ManagedProcess = field(init=False)
    redis: Optional[ManagedProcess] = field(init=False, default=None)
    postgres: Optional[ManagedProcess] = field(init=False, default=None)
    redis_url: str = field(init=False)
    tracker_db_url: str = field(init=False)

    def __post_init__(self) -> None:
        env = dict(os.environ)
        env.update(QUIET_ENV)
        self.redis_url, self.tracker_db_url = self.settings.redis_url, self.settings.tracker_db_url
        # Every missing program is reported before anything is started or initialised.
        find_tool("haproxy", "haproxy")
        if not self.redis_url:
            local = local_redis(self.folder / "redis", free_port(), env, self.log_dir)
            self.redis, self.redis_url = local.process, local.url
        if not self.tracker_db_url:
            local = local_postgres(self.folder / "postgres", free_port(), env, self.log_dir)
            self.postgres, self.tracker_db_url = local.process, local.url
        # The action server is the single machine's, unchanged: the one writer of the progress store.
        server_environment = server_env(self.settings, self.actions_port)
        self.actions = action_server(server_environment, self.actions_port, self.log_dir)
        replica_env = dict(server_environment, DOJO_TRACKER_DB_URL=self.tracker_db_url, DOJO_REDIS_URL=self.redis_url,
                           DOJO_ACTIONS_URL=f"http://127.0.0.1:{self.actions_port}/webhook",
                           TICKET_LOCK_LIFETIME=str(LOCK_LIFETIME_S))
        ports = [free_port() for _ in range(self.replica_count)]
        self.replicas = [
            rasa_server(f"Rasa replica {number}", replica_env, self.settings, self.model_path, SCALE_ENDPOINTS, port,
                        self.log_dir / f"rasa-{number}.log")
            for number, port in enumerate(ports, start=1)
        ]
        self.balancer = balancer(self.balancer_port, ports, self.folder / "haproxy", env, self.log_dir)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    def stores(self) -> List[ManagedProcess]:
        return [p for p in (self.redis, self.postgres) if p is not None]

    def describe(self) -> str:
        postgres = f"local, {self.folder / 'postgres'}" if self.postgres else "DOJO_TRACKER_DB_URL"
        redis = "local" if self.redis else "DOJO_REDIS_URL"
        return (f"{self.replica_count} Rasa replica(s) behind HAProxy, the action server, "
                f"PostgreSQL ({postgres}) and Redis ({redis})")

    def start(self) -> "ScaleDeployment":
        """Stores and the action server first, then the replicas (which connect to the stores as they
        load), then the balancer once they answer; whatever interrupts start-up (a failure, SIGTERM, Ctrl-C) stops all."""
        try:
            for store in self.stores():
                store.start()
            self.actions.start()
            for store in self.stores():
                store.wait_ready()
            if self.postgres is not None:
                create_tracker_database(self.tracker_db_url)
            for replica in self.replicas:
                replica.start()
            self.actions.wait_ready()
            for replica in self.replicas:
                replica.wait_ready()
            # Last, so its first health checks find every replica up (a failed first check would keep
            # a replica out of the ring for a few seconds).
            self.balancer.start()
            self.balancer.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """The balancer and the replicas first, so no request is in flight when the stores go; the two
        steps share the 15 s a stop may take (Rasa needs ~3 s, PostgreSQL's fast shutdown under 1 s)."""
        try:
            stop_all([self.balancer, *self.replicas, self.actions], grace=STOP_GRACE - STORES_STOP_GRACE)
        finally:
            stop_all(self.stores(), grace=STORES_STOP_GRACE)


def scale_deployment_for(settings: Settings, replicas: int, *, balancer_port: Optional[int] = None,
                         actions_port: Optional[int] = None, folder: Optional[Path] = None,
                         log_dir: Optional[Path] = None) -> ScaleDeployment:
    """The scale deployment on `settings`' ports (or the given ones), with the newest trained model."""
    folder = folder or VAR_DIR
    return ScaleDeployment(
        settings=settings, replica_count=replicas,
        balancer_port=balancer_port or settings.rasa_port, actions_port=actions_port or settings.actions_port,
        model_path=latest_model(settings.model_dir), log_dir=log_dir or settings.db_path.parent / "logs",
        folder=folder,
    )
