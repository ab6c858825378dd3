"""Background tasks of the intake app (django-tasks; run by `reunite worker`)."""

from django.db import transaction
from django_tasks import task

from reunite.core.planner import refresh_statistics
from reunite.intake.jobs import run_job


@task()
def import_file(job_id: int) -> dict | None:
    """Import a queued file: see reunite.intake.jobs."""
    return run_job(job_id)


@task()
def index_linkage_keys() -> None:
    """Store the blocking keys of the records written since the last run (after each import),
    so that the next import loads only the known records its rows can be paired with."""
    from django.conf import settings

    from reunite.children.models import SourceRecord
    from reunite.intake.matching import ensure_key_index
    from reunite.intake.models import LinkageKey

    written = (SourceRecord.objects.count()
               - LinkageKey.objects.filter(key=LinkageKey.INDEXED).count())
    with transaction.atomic():
        ensure_key_index()
    if written >= settings.REUNITE_INTAKE_BACKGROUND_ROWS:
        # A big import: the planner must see the children's tables as they now are.
        refresh_statistics(written_by_an_import())


def written_by_an_import() -> list:
    """The tables an import fills (reunite.intake.services)."""
    from reunite.children.models import (
        Child,
        ChildName,
        LocalCase,
        MatchReview,
        NCICEntry,
        SourceRecord,
    )
    from reunite.intake.models import LinkageKey
    from reunite.operations.models import Target

    return [Child, ChildName, SourceRecord, LocalCase, NCICEntry, MatchReview, Target, LinkageKey]
