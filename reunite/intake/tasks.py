"""Background tasks of the intake app (django-tasks; run by `reunite worker`)."""

from django.db import transaction
from django_tasks import task

from reunite.intake.jobs import run_job


@task()
def import_file(job_id: int) -> dict | None:
    """Import a queued file: see reunite.intake.jobs."""
    return run_job(job_id)


@task()
def index_linkage_keys() -> None:
    """Store the blocking keys of the records written since the last run (after each import),
    so that the next import loads only the known records its rows can be paired with."""
    from reunite.intake.matching import ensure_key_index

    with transaction.atomic():
        ensure_key_index()
