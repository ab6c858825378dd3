"""Bringing an agency's list in: upload, see what happened to every row, fetch the rejects.

Files of an operation's size import in a few seconds, so the upload is one request (htmx shows
the work in progress); a file of more than REUNITE_INTAKE_BACKGROUND_ROWS rows is queued for
`reunite worker` instead, and the page follows its progress (htmx polling). The file is kept
beside the data when rows were rejected, so the rejected rows can be given back exactly as sent,
each with its reason, to fix and re-send.
"""

import csv
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from reunite.access.policy import Cap
from reunite.access.scoping import get_operation_for
from reunite.agencies.services import get_agency
from reunite.audit import log
from reunite.core.errors import DomainError
from reunite.core.uploads import check_upload
from reunite.intake.jobs import goes_to_background, progress_of, queue_intake, refresh_abandoned
from reunite.intake.models import ImportBatch, IntakeJob
from reunite.intake.readers import read_rows
from reunite.intake.services import run_intake
from reunite.web.access import page
from reunite.web.forms import IntakeForm, add_domain_error

RECENT_BATCHES = 10
REJECT_COLUMNS = ["reject_row", "reject_field", "reject_reason"]


def _kept_file(batch: ImportBatch | IntakeJob) -> str:
    suffix = {"xlsx": ".xlsx", "pfif": ".xml"}.get(batch.format, ".csv")
    return f"intake/{batch.operation_id}/{batch.file_sha256}{suffix}"


def _keep_for_rejects(batch: ImportBatch | IntakeJob, data: bytes) -> None:
    """Keep the file for its rejected rows (a job's rows are not checked yet: keep it)."""
    name = _kept_file(batch)
    if (isinstance(batch, IntakeJob) or batch.rejected) and not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


def _running_jobs(operation):
    return [refresh_abandoned(job) for job in IntakeJob.objects.filter(
        operation=operation, status__in=[IntakeJob.Status.QUEUED, IntakeJob.Status.RUNNING]
    ).select_related("agency")]


def _batch_with_rejects(operation, batch: ImportBatch) -> ImportBatch | None:
    """The stored batch a result refers to (a re-sent file creates none: use the first)."""
    if batch.pk:
        return batch
    return ImportBatch.objects.filter(operation=operation, file_sha256=batch.file_sha256,
                                      status=ImportBatch.Status.DONE).order_by("pk").first()


@page(Cap.INTAKE)
def intake(request, op):
    operation = get_operation_for(request.user, op)
    form = IntakeForm(request.POST or None, request.FILES or None, operation=operation,
                      user=request.user)
    result = stored = job = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                kind = check_upload(upload)
                data = upload.read()
                agency = get_agency(form.cleaned_data["agency"], "agency")
                fmt = form.cleaned_data["format"] or ("pfif" if kind == "xml" else kind)
                name = Path(upload.name).name
                if goes_to_background(data, name, fmt):
                    job = queue_intake(operation, agency, data, file_name=name, fmt=fmt,
                                       user=request.user)
                else:
                    result = run_intake(operation, agency, data, file_name=name, fmt=fmt,
                                        user=request.user)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                stored = _batch_with_rejects(operation, result) if result else None
                if stored is not None or job is not None:
                    _keep_for_rejects(stored or job, data)
        if result is None and job is None:
            status = 200 if request.htmx else 422
    context = {
        "operation": operation, "nav": "intake", "form": form, "result": result,
        "stored": stored, "job": _job_context(job) if job else None,
        "jobs": [_job_context(j) for j in _running_jobs(operation) if not job or j.pk != job.pk],
        "batches": ImportBatch.objects.filter(operation=operation)
        .select_related("agency", "created_by")[:RECENT_BATCHES],
    }
    if request.htmx:
        return render(request, "web/partials/intake_result.html", context, status=status)
    return render(request, "web/intake.html", context, status=status)


# The import's steps as a user would name them (reunite.intake.jobs.STAGES).
STAGE_LABELS = {"rules": _("checking identifiers"), "normalise": _("comparing with known children"),
                "score (link)": _("comparing with known children"),
                "score (dedupe)": _("comparing the rows with each other"),
                "done": _("comparing the rows with each other"), "store": _("writing")}


def _job_context(job: IntakeJob) -> dict:
    progress = progress_of(job)
    stage = STAGE_LABELS.get(progress["stage"], _("starting"))
    return {"job": job, "percent": round(progress["fraction"] * 100), "stage": stage,
            "finished": job.status in (IntakeJob.Status.DONE, IntakeJob.Status.FAILED)}


@page(Cap.INTAKE)
def intake_job(request, op, pk):
    """A background import's progress (polled by the page until it ends), then its result."""
    operation = get_operation_for(request.user, op)
    found = IntakeJob.objects.select_related("agency", "batch").filter(
        operation=operation, pk=pk).first()
    if found is None:
        raise Http404("unknown job")
    found = refresh_abandoned(found)
    result = stored = None
    if found.status == IntakeJob.Status.DONE:
        stored = found.batch or ImportBatch.objects.filter(
            operation=operation, file_sha256=found.file_sha256,
            status=ImportBatch.Status.DONE).order_by("pk").first()
        result = found.batch or ImportBatch(
            operation=operation, file_name=found.file_name, **{
                key: (found.result or {}).get(key, 0)
                for key in ("rows", "new_children", "matched", "review", "unchanged")},
            rejected=(found.result or {}).get("rejected", []))
    return render(request, "web/partials/intake_job.html", {
        "operation": operation, "job": _job_context(found), "result": result, "stored": stored,
    })


@page(Cap.INTAKE)
def batch(request, op, pk):
    operation = get_operation_for(request.user, op)
    found = ImportBatch.objects.select_related("agency", "created_by").filter(
        operation=operation, pk=pk).first()
    if found is None:
        raise Http404("unknown batch")
    return render(request, "web/intake.html", {
        "operation": operation, "nav": "intake", "result": found, "stored": found,
        "form": IntakeForm(operation=operation, user=request.user),
        "batches": ImportBatch.objects.filter(operation=operation)
        .select_related("agency", "created_by")[:RECENT_BATCHES],
    })


@page(Cap.INTAKE)
def rejects(request, op, pk):
    """The rejected rows as sent, with why, as CSV: fix them and send the file again."""
    operation = get_operation_for(request.user, op)
    found = ImportBatch.objects.filter(operation=operation, pk=pk).first()
    if found is None:
        raise Http404("unknown batch")
    reasons = {r["row"]: r for r in found.rejected}
    original = {}
    name = _kept_file(found)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            original = {number: row for number, row in read_rows(handle.read(), found.format)
                        if number in reasons}
    header = list(next(iter(original.values()), {}).keys()) or ["record_id"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header + REJECT_COLUMNS)
    for number, reason in sorted(reasons.items()):
        row = original.get(number) or {"record_id": reason.get("record_id", "")}
        writer.writerow([row.get(h, "") for h in header]
                        + [number, reason.get("field", ""), reason.get("reason", "")])
    log.record("intake.rejects_download", found, operation_id=operation.pk,
               changes={"rows": len(reasons)})
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"),
                            content_type="text/csv; charset=utf-8")
    stem = Path(found.file_name).stem or "list"
    response["Content-Disposition"] = f'attachment; filename="{stem}-rejects.csv"'
    return response
