"""Where an event waits when the embedded SQLite database is busy with someone else's write.

SQLite lets one writer at a time into a database file: while an import's transaction is open,
nobody else can insert into the audit table. A read (a search, a look at a child) must not wait for
the import, yet its event must be kept. So on SQLite an event that belongs to no transaction of its
caller is first written here — a small SQLite file of its own, beside the database, durable on
commit — and moved into the audit table by the sealer as soon as the database is free
(`reunite.audit.log.seal`). Each event keeps its key on the way, so a move interrupted between the
two files never copies it twice. PostgreSQL does not need this: its writers do not wait for each
other on an insert.
"""

import os
import sqlite3
import threading
from pathlib import Path

from django.conf import settings

_local = threading.local()

SCHEMA = """
CREATE TABLE IF NOT EXISTS waiting (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
)
"""


def path() -> Path:
    configured = getattr(settings, "REUNITE_AUDIT_SPOOL", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit-spool.sqlite3"


def _connection() -> sqlite3.Connection:
    # One connection per thread, per process (gunicorn forks) and per file (tests change it).
    where = (os.getpid(), str(path()))
    cached = getattr(_local, "conn", None)
    if cached is not None and cached[0] == where:
        return cached[1]
    path().parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path()), timeout=30, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    # The only copy of the event until it is moved: every commit reaches the disk.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(SCHEMA)
    _local.conn = (where, conn)
    return conn


def append(key: str, body: str) -> None:
    _connection().execute("INSERT OR IGNORE INTO waiting (key, body) VALUES (?, ?)", (key, body))


def waiting(limit: int) -> list[tuple[int, str]]:
    """The oldest events still waiting: (n, body)."""
    if not path().exists():
        return []
    return _connection().execute(
        "SELECT n, body FROM waiting ORDER BY n LIMIT ?", (limit,)
    ).fetchall()


def forget(numbers: list[int]) -> None:
    """Drop events that are now in the audit table."""
    conn = _connection()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM waiting WHERE n IN ({marks})", chunk)


def count() -> int:
    if not path().exists():
        return 0
    return _connection().execute("SELECT count(*) FROM waiting").fetchone()[0]
