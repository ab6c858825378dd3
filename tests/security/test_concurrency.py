"""An import must not stop the site: while one transaction writes children and their audit events
and stays open, readers of audited API endpoints get their answers at once, every read is audited,
and the chain verifies afterwards. Run on a real database (a file for SQLite, a database of its own
for PostgreSQL) behind a real threaded server: the test database's wrapping transaction would hide
exactly the locks this is about."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest

PROBE = Path(__file__).with_name("probe_concurrency.py")
HOLD = 5.0


@pytest.fixture
def probe_database():
    """None for SQLite; for PostgreSQL the URL of a new empty database beside the configured one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_probe_{uuid.uuid4().hex[:8]}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_probe(tmp_path, database_url, **options) -> dict:
    env = {**os.environ, "REUNITE_DATA_DIR": str(tmp_path / "data"),
           "PROBE_HOLD_SECONDS": str(HOLD), "PYTHONPATH": str(PROBE.parents[2]), **options}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_readers_are_answered_at_once_while_an_import_holds_its_transaction(tmp_path,
                                                                            probe_database):
    result = _run_probe(tmp_path, probe_database)

    assert result["errors"] == []
    assert result["requests"] >= 10
    # Blocked readers would wait for the whole transaction (HOLD seconds) or fail.
    assert result["max_seconds"] < HOLD * 0.6, result["slowest"]
    # Every read is in the log, and so is everything the import wrote, chained and intact.
    assert result["view_events"] == result["target_reads"]
    assert result["imported_events"] == 23
    assert "intact" in result["verify"]
    # Verifying while the import is open: no false alarm, its events simply not there yet.
    assert result["live_verify"].startswith("The audit log is intact"), result["live_verify"]


def test_twenty_clients_reading_and_writing_at_once_get_no_errors(tmp_path, probe_database):
    result = _run_probe(tmp_path, probe_database, PROBE_MODE="clients", PROBE_READERS="20")

    assert result["error_count"] == 0, result["errors"]
    assert result["requests"] >= 60
    assert "intact" in result["verify"]
