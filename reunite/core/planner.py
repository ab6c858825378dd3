"""Keeping the database's query planner informed after a large write.

A 100,000-row import changes the size of the children's tables several times over. Until the
planner's statistics are refreshed, PostgreSQL plans the list and search queries for the tables
as they were (measured: a name search 318 ms instead of 59 ms, the list 146 ms instead of 48 ms),
and without a VACUUM its index-only scans still visit the table for every new row. Autovacuum
would catch up eventually, but it may lag, or be switched off by an operator; the import knows
when it wrote a lot, so it says so at once.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model


def refresh_statistics(models: Iterable[type[Model]]) -> None:
    """Refresh the planner's statistics (and on PostgreSQL the visibility map) of `models`'
    tables. Outside a transaction on PostgreSQL this is VACUUM (ANALYZE), inside one (tests, a
    caller's atomic block) ANALYZE alone, which a transaction allows."""
    quote = connection.ops.quote_name
    models = list(models)
    tables = ", ".join(dict.fromkeys(quote(model._meta.db_table) for model in models))
    if not tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} {tables}")
        elif connection.vendor == "sqlite":
            # A sample of each index is enough for the planner, and keeps this to a moment.
            cursor.execute("PRAGMA analysis_limit = 1000")
            for model in models:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
