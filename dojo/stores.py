"""Local Redis and PostgreSQL servers for the scale deployment, from the distribution's packages.

`dojo run --replicas K` uses the servers named by `DOJO_REDIS_URL` and `DOJO_TRACKER_DB_URL` when
they are set; otherwise it starts its own on free loopback ports with their files under `var/`, and
stops them with itself. The tests and benchmarks start theirs the same way in temporary folders.
Both are ManagedProcesses, so they get the same supervision as the Rasa servers (a parent-death
signal, one stop for all).
"""
from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional
from urllib.parse import quote

import psycopg2
from psycopg2 import sql
import redis

from dojo.errors import MissingToolError, ServiceStartError
from dojo.servers import ManagedProcess

STORE_START_TIMEOUT = 60.0
TRACKER_DATABASE = "dojo_tracker"
POSTGRES_USER = "dojo"


def find_tool(program: str, package: str, instead: str = "") -> str:
    """The program's path, or a MissingToolError naming the Debian package (and the setting that
    avoids needing it). PostgreSQL's server programs live in /usr/lib/postgresql/<version>/bin on
    Debian, outside PATH, so that is searched too (newest version first)."""
    found = shutil.which(program)
    if found is None:
        versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"),
                          key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0, reverse=True)
        found = str(versions[0]) if versions else None
    if found is None:
        hint = f", or set {instead}" if instead else ""
        raise MissingToolError(f"`{program}` is not installed: install the Debian package `{package}` "
                               f"(apt-get install {package}){hint} / 未安装 `{program}`：请安装 Debian 软件包 "
                               f"`{package}`{('，或设置 ' + instead) if instead else ''}")
    return found


def _server_user() -> Optional[str]:
    """PostgreSQL refuses to run as root: then it runs as the `postgres` user the package creates."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise MissingToolError("PostgreSQL cannot run as root and there is no `postgres` user: install the Debian "
                               "package `postgresql`, or set DOJO_TRACKER_DB_URL / PostgreSQL 不能以 root 运行")
    return "postgres"


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, entry.pw_uid, entry.pw_gid)


def redis_ping(url: str) -> bool:
    with contextlib.suppress(redis.RedisError, OSError):
        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    return False


def postgres_accepts(url: str) -> bool:
    with contextlib.suppress(psycopg2.Error):
        psycopg2.connect(url, connect_timeout=2).close()
        return True
    return False


@dataclass
class LocalStore:
    """A store server we started, and the URL its clients use."""

    process: ManagedProcess
    url: str


def local_redis(folder: Path, port: int, env: Dict[str, str], log_dir: Path) -> LocalStore:
    """A Redis for the lock store only: locks live a few seconds, so nothing is written to disk, and
    a restart simply starts with no locks (each conversation's next message takes a fresh one)."""
    binary = find_tool("redis-server", "redis-server", "DOJO_REDIS_URL")
    folder.mkdir(parents=True, exist_ok=True)
    url = f"redis://127.0.0.1:{port}/0"
    return LocalStore(ManagedProcess(
        "Redis", [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                  "--dir", str(folder), "--daemonize", "no"],
        env, url, log_dir / "redis.log", STORE_START_TIMEOUT, ready=lambda: redis_ping(url),
    ), url)


def local_postgres(folder: Path, port: int, env: Dict[str, str], log_dir: Path) -> LocalStore:
    """A PostgreSQL cluster in `folder` (created on first use, with a random password kept beside it
    in `folder/password`, readable by its owner only), listening on 127.0.0.1:`port` only.

    Stopped with SIGINT, PostgreSQL's "fast" shutdown: clients are disconnected and every committed
    event is on disk before it exits (its parent-death signal is the same)."""
    postgres = find_tool("postgres", "postgresql", "DOJO_TRACKER_DB_URL")
    initdb = find_tool("initdb", "postgresql", "DOJO_TRACKER_DB_URL")
    user = _server_user()
    data = folder / "data"
    password_file = folder / "password"
    folder.mkdir(parents=True, exist_ok=True)
    if not (data / "PG_VERSION").exists():
        password_file.write_text(secrets.token_urlsafe(24))
        password_file.chmod(0o600)
        data.mkdir(mode=0o700, exist_ok=True)
        if user:
            _chown_tree(folder, user)
        result = subprocess.run(
            [initdb, "-D", str(data), "-U", POSTGRES_USER, "--auth=scram-sha-256", f"--pwfile={password_file}",
             "--encoding=UTF8", "--locale=C"],
            env=env, user=user, group=user, capture_output=True, text=True,
        )
        if result.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            reach = (" (dojo runs as root, so PostgreSQL runs as `postgres`, which must be able to reach this folder;"
                     " or set DOJO_TRACKER_DB_URL)") if user else ""
            raise ServiceStartError(f"initdb failed in {data}{reach}: {result.stderr.strip()[-600:]}")
    password = password_file.read_text().strip()
    admin_url = f"postgresql://{POSTGRES_USER}:{quote(password, safe='')}@127.0.0.1:{port}/postgres"
    process = ManagedProcess(
        "PostgreSQL", [postgres, "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
                       "-c", f"unix_socket_directories={data}"],
        env, f"postgresql://127.0.0.1:{port}", log_dir / "postgres.log", STORE_START_TIMEOUT,
        ready=lambda: postgres_accepts(admin_url), stop_signal=signal.SIGINT, user=user,
    )
    return LocalStore(process, admin_url.rsplit("/", 1)[0] + "/" + TRACKER_DATABASE)


def create_tracker_database(url: str) -> None:
    """The tracker's database named by `url`, made once (through the server's `postgres` database)
    when it does not exist yet; Rasa creates its tables in it."""
    name = url.rsplit("/", 1)[1].split("?")[0]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
