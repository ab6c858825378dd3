"""Sessions in the database, as Django keeps them, except that the routine refresh never waits.

Every request saves its session (SESSION_SAVE_EVERY_REQUEST) to move the 30-minute idle expiry.
On the embedded SQLite database that save is a write, and while an import holds the one write
lock it would wait for the import, then fail the request ("database is locked" → the session
interrupted). A save that only refreshes the expiry (nothing in the session changed) now waits a
moment at most and, if another writer holds the lock, is left for the next request: the session
was refreshed moments ago and stays valid. A session that changed (a sign-in, a language, a
message) is saved as always, and a session deleted meanwhile (signed out elsewhere) still ends
the request as Django ends it.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError, connections, router

from reunite.core.sqlite import busy, patience

REFRESH_PATIENCE_MS = 50


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        conn = connections[router.db_for_write(self.model)]
        if must_create or self.modified or self.session_key is None or conn.vendor != "sqlite":
            return super().save(must_create=must_create)
        try:
            with patience(conn, REFRESH_PATIENCE_MS):
                return super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError) and busy(cause):
                return None  # the expiry moves at the next request
            raise
