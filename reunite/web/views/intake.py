"""Bringing an agency's list in: upload, preview, confirm, see what happened to every row, fetch
the rejects.

The preview shows how the file was read (encoding, separator, sheet, column mapping, date order)
and the first rows as they would be stored, with warnings and rejections; nothing is written until
the user confirms. A file of more than REUNITE_INTAKE_BACKGROUND_ROWS rows is then queued for
`reunite worker`, and the page follows its progress (htmx polling). The file is kept beside the
data when rows were rejected, so the rejected rows can be given back exactly as sent, each with its
reason, to fix and re-send.
"""

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reunite.access.policy import Cap
from reunite.access.scoping import get_operation_for
from reunite.agencies.services import get_agency
from reunite.audit import log
from reunite.core.errors import DomainError
from reunite.core.uploads import check_upload
from reunite.intake.jobs import goes_to_background, progress_of, queue_intake, refresh_abandoned
from reunite.intake.models import ImportBatch, IntakeJob
from reunite.intake.readers import read_file
from reunite.intake.services import run_intake
from reunite.web.access import page
from reunite.web.forms import IntakeConfirmForm, IntakeForm, add_domain_error

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


PENDING_DIR = "intake/pending"
PENDING_KEY = "intake_pending"
PENDING_HOURS = 24


def _pending_name(sha256: str) -> str:
    return f"{PENDING_DIR}/{sha256}"


def _sweep_pending() -> None:
    """Files uploaded for a preview and never confirmed are children's data: drop them."""
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - dt.timedelta(hours=PENDING_HOURS)
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def _keep_pending(request, operation, upload, data: bytes, fmt: str) -> str:
    """Keep the uploaded bytes server-side between preview and import, keyed by their SHA-256;
    the session remembers which files this user uploaded for which operation."""
    _sweep_pending()
    sha256 = hashlib.sha256(data).hexdigest()
    name = _pending_name(sha256)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    pending = dict(request.session.get(PENDING_KEY, {}))
    pending[sha256] = {"op": operation.pk, "name": Path(upload.name).name, "format": fmt}
    request.session[PENDING_KEY] = dict(list(pending.items())[-5:])
    return sha256


def _pending_file(request, operation, sha256: str) -> tuple[dict, bytes]:
    entry = request.session.get(PENDING_KEY, {}).get(sha256)
    name = _pending_name(sha256)
    if not entry or entry["op"] != operation.pk or not default_storage.exists(name):
        raise DomainError("upload_expired", str(_("The uploaded file is no longer here: "
                                                  "upload it again.")), "file")
    with default_storage.open(name, "rb") as handle:
        return entry, handle.read()


def _drop_pending(request, sha256: str) -> None:
    pending = dict(request.session.get(PENDING_KEY, {}))
    pending.pop(sha256, None)
    request.session[PENDING_KEY] = pending
    if default_storage.exists(_pending_name(sha256)):
        default_storage.delete(_pending_name(sha256))


def _recent(operation):
    return ImportBatch.objects.filter(operation=operation).select_related(
        "agency", "created_by")[:RECENT_BATCHES]


@page(Cap.INTAKE)
def intake(request, op):
    """Upload → preview (what would be stored, with the date order when it must be chosen) →
    confirm → import. The file is uploaded once; the preview and the import read the copy kept
    server-side."""
    operation = get_operation_for(request.user, op)
    confirming = request.method == "POST" and "pending" in request.POST
    form = IntakeForm(None if confirming else (request.POST or None),
                      None if confirming else (request.FILES or None),
                      operation=operation, user=request.user)
    confirm = IntakeConfirmForm(request.POST if confirming else None, operation=operation,
                                user=request.user)
    result = stored = preview = job = None
    status = 200
    if request.method == "POST":
        active = confirm if confirming else form
        if active.is_valid():
            choices = active.cleaned_data
            try:
                if confirming:
                    sha256 = choices["pending"]
                    entry, data = _pending_file(request, operation, sha256)
                    file_name, fmt = entry["name"], entry["format"]
                else:
                    upload = choices["file"]
                    kind = check_upload(upload, choices["format"] or None)
                    data = upload.read()
                    file_name = Path(upload.name).name
                    fmt = choices["format"] or ("pfif" if kind == "xml" else kind)
                    sha256 = _keep_pending(request, operation, upload, data, fmt)
                    confirm = IntakeConfirmForm(initial={
                        "pending": sha256, "agency": choices["agency"], "format": fmt,
                        "date_order": choices["date_order"], "sheet": choices["sheet"],
                    }, operation=operation, user=request.user)
                importing = confirming and request.POST.get("action") == "import"
                agency = get_agency(choices["agency"], "agency")
                options = {"date_order": choices["date_order"] or None,
                           "sheet": choices["sheet"] or None}
                if importing and goes_to_background(data, file_name, fmt):
                    job = queue_intake(operation, agency, data, file_name=file_name, fmt=fmt,
                                       user=request.user, options=options)
                    outcome = None
                else:
                    outcome = run_intake(operation, agency, data, file_name=file_name, fmt=fmt,
                                         user=request.user, dry_run=not importing, **options)
            except DomainError as error:
                add_domain_error(active, error)
            else:
                if job is not None:
                    _keep_for_rejects(job, data)
                    _drop_pending(request, sha256)
                elif importing:
                    result = outcome
                    stored = _batch_with_rejects(operation, result)
                    if stored is not None:
                        _keep_for_rejects(stored, data)
                    _drop_pending(request, sha256)
                else:
                    preview = outcome
                    confirm = IntakeConfirmForm(initial={
                        "pending": sha256, "agency": choices["agency"], "format": fmt,
                        "date_order": choices["date_order"], "sheet": choices["sheet"],
                    }, operation=operation, user=request.user)
        if result is None and preview is None and job is None:
            status = 200 if request.htmx else 422
    context = {
        "operation": operation, "nav": "intake", "form": form, "confirm": confirm,
        "result": result, "stored": stored, "preview": preview,
        "preview_columns": PREVIEW_COLUMNS, "batches": _recent(operation),
        "preview_rows": [(record["row"], [record.get(c, "") for c in PREVIEW_COLUMNS])
                         for record in (preview.preview if preview is not None else [])],
        # The file is kept: the user can choose a date order or sheet and read it again.
        "job": _job_context(job) if job else None,
        "jobs": [_job_context(j) for j in _running_jobs(operation) if not job or j.pk != job.pk],
        "choosing": result is None and job is None
        and (confirm.is_bound or bool(confirm.initial.get("pending"))),
    }
    if request.htmx:
        return render(request, "web/partials/intake_result.html", context, status=status)
    return render(request, "web/intake.html", context, status=status)


# The columns of the preview table: enough to see that names and dates were read right.
PREVIEW_COLUMNS = ["record_id", "first_name", "middle_name", "last_name", "second_last_name",
                   "sex", "dob", "date_last_contact", "ncic_nic", "ncic_category",
                   "local_case_number"]


# The import's steps as a user would name them (reunite.intake.jobs.STAGES).
STAGE_LABELS = {
    "rules": gettext_lazy("checking identifiers"),
    "normalise": gettext_lazy("comparing with known children"),
    "score (link)": gettext_lazy("comparing with known children"),
    "score (dedupe)": gettext_lazy("comparing the rows with each other"),
    "done": gettext_lazy("comparing the rows with each other"),
    "store": gettext_lazy("writing"),
}


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
        "batches": _recent(operation),
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
            sheet = (found.reading.get("detected") or {}).get("sheet") or None
            table = read_file(handle.read(), found.format, sheet=sheet)
            original = {number: row for number, row in table.rows if number in reasons}
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
