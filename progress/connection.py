"""Opening the SQLite file and turning sqlite3's errors into the store's own.

Kept apart from `store.py` so the rules for a healthy connection (WAL, foreign keys, busy timeout,
durable commits, migrations under one write lock) live in one place.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Union

from sqlite_utils import Database

from progress.errors import NotAStore, SchemaTooNew, StoreError, StoreLocked
from progress.schema import MIGRATION_SET, known_migration_names, migrations


@contextmanager
def translated_errors(where: object) -> Iterator[None]:
    """Map sqlite3's exceptions to StoreError subclasses at the package boundary."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            raise StoreLocked(
                f"database {where} is locked by another process; try again / 数据库被其他进程锁定，请稍后重试"
            ) from exc
        raise StoreError(f"database {where}: {message} / 数据库错误") from exc
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not a database" in message or "malformed" in message:
            raise NotAStore(f"{where} is not a CollectorDojo database ({message}) / 不是有效的数据库文件") from exc
        raise StoreError(f"database {where}: {message} / 数据库错误") from exc


def connect(path: Union[str, Path], busy_timeout: float = 10.0) -> Database:
    """Open (creating if needed) the file with the pragmas every store connection needs."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {path.parent}: {exc} / 无法创建目录") from exc
    with translated_errors(path):
        conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
        db = Database(conn)
        configure(db, busy_timeout)
    return db


def configure(db: Database, busy_timeout: Optional[float] = None) -> None:
    """WAL so the dashboard reads while a session writes; FULL sync so a committed turn survives a crash.

    With no `busy_timeout`, a connection's own non-zero timeout is kept (else 10 s)."""
    with db.ensure_autocommit_on():
        if busy_timeout is None and db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 0:
            busy_timeout = 10.0
        if busy_timeout is not None:
            db.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.conn.execute("PRAGMA foreign_keys = ON")
        mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "memory" and mode != "wal":
            db.conn.execute("PRAGMA journal_mode = WAL")
        db.conn.execute("PRAGMA synchronous = FULL")


def applied_migration_names(db: Database) -> list:
    if not db["_sqlite_migrations"].exists():
        return []
    return [
        row["name"]
        for row in db.query(
            "select name from _sqlite_migrations where migration_set = ? order by id", [MIGRATION_SET]
        )
    ]


def check_not_newer(db: Database, where: object) -> None:
    unknown = [name for name in applied_migration_names(db) if name not in known_migration_names()]
    if unknown:
        raise SchemaTooNew(
            f"{where} was written by a newer CollectorDojo (schema {', '.join(unknown)}); "
            f"upgrade this installation / 数据库版本比本程序新，请升级"
        )


def migrate(db: Database, where: object) -> list:
    """Apply pending migrations under one IMMEDIATE write lock, all or nothing; returns their names."""
    with translated_errors(where):
        check_not_newer(db, where)
        pending = [m.name for m in migrations.pending(db)]
        if not pending:
            return []
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the lock: another process may have migrated while we waited.
            check_not_newer(db, where)
            pending = [m.name for m in migrations.pending(db)]
            migrations.apply(db)
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
    return pending
