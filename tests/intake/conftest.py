"""The API's clients and its operation nobody in the cast works, for the background-job tests;
and the database worker run inside a test."""

import pytest

from tests.api.conftest import api, other_operation  # noqa: F401


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    # `reunite worker` run in-process (call_command) would close the connection between tasks,
    # and with it the test's transaction on PostgreSQL; a real worker is its own process.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
