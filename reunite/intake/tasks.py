"""Background tasks of the intake app (django-tasks; run by `reunite worker`)."""

from django_tasks import task

from reunite.intake.jobs import run_job


@task()
def import_file(job_id: int) -> dict | None:
    """Import a queued file: see reunite.intake.jobs."""
    return run_job(job_id)
