"""Waiting briefly for SQLite's one writer.

SQLite lets one writer at a time into the database file, and the others wait for it up to the
connection's busy timeout (30 s). Work that may be left for later — sealing audit events,
refreshing a session's idle expiry — waits only a moment instead, and leaves it when the
database is busy, so that no request waits for someone else's long write.
"""

from contextlib import contextmanager


@contextmanager
def patience(conn, patience_ms: int | None):
    """On SQLite, wait at most `patience_ms` for the write lock (the connection's own timeout
    otherwise). Does nothing elsewhere, or inside a transaction (the lock is already taken)."""
    if conn.vendor != "sqlite" or patience_ms is None or conn.in_atomic_block:
        yield
        return
    conn.ensure_connection()
    default_ms = int(float(conn.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with conn.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(patience_ms)}")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {default_ms}")


def busy(error: BaseException | None) -> bool:
    """Whether a database error says another writer holds the lock."""
    text = str(error).lower()
    return error is not None and ("locked" in text or "busy" in text)
