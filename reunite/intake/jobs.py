"""Large files imported in the background, so that neither the page nor the API waits on them.

`queue_intake` keeps the file in the data directory, records an IntakeJob and puts a task on the
database queue (django-tasks), all in one transaction; `reunite worker` runs it (`run_job`). The
import itself is `run_intake`: it reads and compares without a write lock, then writes everything
in one transaction, so a worker killed half-way leaves no partial batch, and its job is reported
failed and may be run again (the file is kept until done).

Progress lives in a small JSON file beside the upload, not in the database: while the import
writes, its transaction holds the database (on SQLite, its one write lock), and the page and the
API must still read progress cheaply. A thread rewrites it every few seconds as a heartbeat, so
a job whose worker died is seen as failed rather than running for ever.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from reunite.audit import log
from reunite.core.errors import Conflict, DomainError, NotFound
from reunite.intake.models import IntakeJob
from reunite.intake.readers import guess_format

HEARTBEAT_SECONDS = 5
# Where each stage of an import starts and ends, as a share of the whole (store is the longest).
STAGES = {"rules": (0.0, 0.1), "normalise": (0.1, 0.15), "score (link)": (0.15, 0.25),
          "score (dedupe)": (0.25, 0.35), "done": (0.35, 0.4), "store": (0.4, 1.0)}


def jobs_dir() -> Path:
    folder = Path(settings.REUNITE_INTAKE_JOBS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_path(job: IntakeJob) -> Path:
    return jobs_dir() / f"{job.pk}-{job.file_sha256[:16]}.upload"


def _progress_path(job: IntakeJob) -> Path:
    return jobs_dir() / f"{job.pk}.progress.json"


# --- deciding -------------------------------------------------------------------------------

def count_rows(data: bytes, fmt: str) -> int:
    """About how many rows a file holds, without reading it: lines of a CSV, the declared size
    of an XLSX's largest sheet, person records of a PFIF file."""
    if fmt == "csv":
        return max(data.count(b"\n") - 1, 0) + (0 if data.endswith(b"\n") else 1)
    if fmt == "pfif":
        return data.count(b"<pfif:person>") + data.count(b"<person>")
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True)
        try:
            return max((sheet.max_row or 0) for sheet in workbook.worksheets) - 1
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return 0  # not a workbook: let the import say so, in the request


def goes_to_background(data: bytes, file_name: str, fmt: str | None = None) -> bool:
    """A file with more rows than REUNITE_INTAKE_BACKGROUND_ROWS is imported by a job."""
    fmt = (fmt or guess_format(file_name)).lower()
    return count_rows(data, fmt) > settings.REUNITE_INTAKE_BACKGROUND_ROWS


# --- queueing -------------------------------------------------------------------------------

def queue_intake(operation, agency, data: bytes, *, file_name: str, fmt: str | None = None,
                 user=None, options: dict | None = None) -> IntakeJob:
    """Keep the file and queue its import; the caller answers at once with the job."""
    from reunite.intake.tasks import import_file

    fmt = (fmt or guess_format(file_name)).lower()
    path = None
    try:
        with transaction.atomic():
            job = IntakeJob.objects.create(
                operation=operation, agency=agency, file_name=file_name,
                file_sha256=hashlib.sha256(data).hexdigest(), format=fmt,
                rows=count_rows(data, fmt), created_by=user,
                # The worker writes the reasons in the language of whoever sent the file.
                options={**(options or {}), "language": translation.get_language()},
            )
            path = _upload_path(job)
            path.write_bytes(data)
            job.task_id = str(import_file.enqueue(job.pk).id)
            job.save(update_fields=["task_id"])
            log.record("intake.queue", job, operation_id=operation.pk,
                       changes={"file": file_name, "agency": agency.code, "rows": job.rows})
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)  # no job row, no kept file
        raise
    return job


def retry_job(job: IntakeJob, *, user=None) -> IntakeJob:
    """Queue a failed job again (its file is kept until the import is done)."""
    from reunite.intake.tasks import import_file

    job = refresh_abandoned(job)
    if job.status != IntakeJob.Status.FAILED:
        raise Conflict("job_not_failed", f"Job {job.pk} is {job.status}: only a failed job can "
                                         "be run again.")
    if not _upload_path(job).exists():
        raise Conflict("job_file_gone", f"The file of job {job.pk} is no longer kept: send it "
                                        "again.")
    with transaction.atomic():
        job.status, job.error, job.finished_at = IntakeJob.Status.QUEUED, "", None
        job.task_id = str(import_file.enqueue(job.pk).id)
        job.save(update_fields=["status", "error", "finished_at", "task_id"])
        log.record("intake.retry", job, operation_id=job.operation_id)
    return job


# --- running --------------------------------------------------------------------------------

class ProgressFile:
    """The `progress(stage, done, total)` callback of a job: writes each new stage at once and
    otherwise at most twice a second, and a heartbeat every HEARTBEAT_SECONDS from a thread
    while the job runs."""

    def __init__(self, path: Path):
        self.path = path
        self.state = {"stage": "queued", "done": 0, "total": 0}
        self.written = 0.0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def __call__(self, stage: str, done: int, total: int) -> None:
        # A new stage is written at once: a short stage would otherwise never be seen.
        new_stage = stage != self.state["stage"]
        self.state = {"stage": stage, "done": done, "total": total}
        if new_stage or time.monotonic() - self.written >= 0.5 or done >= total:
            self.write()

    def write(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({**self.state, "at": time.time(), "pid": os.getpid()}))
        os.replace(temporary, self.path)  # readers see the old or the new, never half
        self.written = time.monotonic()

    def _beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            self.write()

    def __enter__(self) -> ProgressFile:
        self.write()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()
        self.path.unlink(missing_ok=True)


def intake_summary(batch) -> dict:
    """The intake JSON (DESIGN.md §4) of a finished import."""
    return batch.report()


def run_job(job_id: int) -> dict | None:
    """Run one queued import (the task body). A refused file fails the job with the reason;
    anything else fails it too, and it may be run again."""
    from reunite.intake.services import run_intake

    job = IntakeJob.objects.select_related("operation", "agency", "created_by").get(pk=job_id)
    if job.status not in (IntakeJob.Status.QUEUED, IntakeJob.Status.FAILED):
        return job.result
    job.status, job.started_at, job.error = IntakeJob.Status.RUNNING, timezone.now(), ""
    job.attempts += 1
    job.save(update_fields=["status", "started_at", "error", "attempts"])
    options = dict(job.options)
    language = options.pop("language", None) or settings.LANGUAGE_CODE
    try:
        with ProgressFile(_progress_path(job)) as progress, translation.override(language):
            batch = run_intake(
                job.operation, job.agency, _upload_path(job).read_bytes(),
                file_name=job.file_name, fmt=job.format or None, user=job.created_by,
                progress=progress, read_seconds=settings.REUNITE_INTAKE_JOB_READ_SECONDS,
                **options,
            )
    except DomainError as error:
        _finish(job, IntakeJob.Status.FAILED, error=f"{error.code}: {error.detail}")
        return None
    except Exception as error:
        _finish(job, IntakeJob.Status.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    job.result = intake_summary(batch)
    job.batch = batch if batch.pk else None
    _finish(job, IntakeJob.Status.DONE)
    _upload_path(job).unlink(missing_ok=True)
    return job.result


def _finish(job: IntakeJob, status: str, *, error: str = "") -> None:
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "result", "batch"])


# --- reading --------------------------------------------------------------------------------

def _progress_state(job: IntakeJob) -> dict | None:
    try:
        return json.loads(_progress_path(job).read_text())
    except (OSError, ValueError):
        return None


def _abandoned(job: IntakeJob, state: dict | None) -> bool:
    if job.status != IntakeJob.Status.RUNNING:
        return False
    stale = settings.REUNITE_INTAKE_JOB_STALE_SECONDS
    if state is None:
        started = job.started_at.timestamp() if job.started_at else 0
        return time.time() - started > stale
    return time.time() - state.get("at", 0) > stale


def refresh_abandoned(job: IntakeJob) -> IntakeJob:
    """A running job whose worker stopped beating is failed: its transaction never committed,
    so nothing of it was stored; it may be run again."""
    if _abandoned(job, _progress_state(job)):
        job.status, job.finished_at = IntakeJob.Status.FAILED, timezone.now()
        job.error = ("The worker stopped during the import (killed or crashed); nothing from "
                     "this file was stored. Run the job again.")
        job.save(update_fields=["status", "finished_at", "error"])
        _progress_path(job).unlink(missing_ok=True)
    return job


def fail_abandoned_jobs() -> int:
    """refresh_abandoned for every running job (a worker starting calls it)."""
    failed = 0
    for job in IntakeJob.objects.filter(status=IntakeJob.Status.RUNNING):
        failed += refresh_abandoned(job).status == IntakeJob.Status.FAILED
    return failed


def progress_of(job: IntakeJob) -> dict:
    """{stage, done, total, fraction}: how far the import is, 0 to 1."""
    if job.status == IntakeJob.Status.DONE:
        return {"stage": "done", "done": job.rows, "total": job.rows, "fraction": 1.0}
    state = _progress_state(job) if job.status == IntakeJob.Status.RUNNING else None
    if not state:
        return {"stage": job.status, "done": 0, "total": job.rows, "fraction": 0.0}
    start, end = STAGES.get(state["stage"], (0.0, 0.0))
    share = state["done"] / state["total"] if state.get("total") else 0.0
    return {"stage": state["stage"], "done": state["done"], "total": state["total"],
            "fraction": round(start + (end - start) * min(share, 1.0), 3)}


def job_json(job: IntakeJob) -> dict:
    """The job as the API and `reunite intake --json --background` give it."""
    job = refresh_abandoned(job)
    progress = progress_of(job)
    return {
        "id": job.pk, "status": job.status, "progress": progress["fraction"],
        "stage": progress["stage"], "rows": job.rows, "file_name": job.file_name,
        "operation": job.operation_id, "agency": job.agency.code, "result": job.result,
        "error": job.error or None,
        "retryable": job.status == IntakeJob.Status.FAILED and _upload_path(job).exists(),
        "batch": job.batch_id, "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def get_job(job_id) -> IntakeJob:
    try:
        return IntakeJob.objects.select_related("operation", "agency").get(pk=int(job_id))
    except (IntakeJob.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("unknown_job", f"No intake job has the id '{job_id}'.") from None
