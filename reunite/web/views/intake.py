"""Bringing an agency's list in: upload, see what happened to every row, fetch the rejects.

Files of an operation's size import in a few seconds, so the upload is one request (htmx shows
the work in progress). The file is kept beside the data when rows were rejected, so the rejected
rows can be given back exactly as sent, each with its reason, to fix and re-send.
"""

import csv
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render

from reunite.access.policy import Cap
from reunite.access.scoping import get_operation_for
from reunite.agencies.services import get_agency
from reunite.audit import log
from reunite.core.errors import DomainError
from reunite.core.uploads import check_upload
from reunite.intake.models import ImportBatch
from reunite.intake.readers import read_rows
from reunite.intake.services import run_intake
from reunite.web.access import page
from reunite.web.forms import IntakeForm, add_domain_error

RECENT_BATCHES = 10
REJECT_COLUMNS = ["reject_row", "reject_field", "reject_reason"]


def _kept_file(batch: ImportBatch) -> str:
    suffix = {"xlsx": ".xlsx", "pfif": ".xml"}.get(batch.format, ".csv")
    return f"intake/{batch.operation_id}/{batch.file_sha256}{suffix}"


def _keep_for_rejects(batch: ImportBatch, data: bytes) -> None:
    name = _kept_file(batch)
    if batch.rejected and not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


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
    result = stored = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                kind = check_upload(upload)
                data = upload.read()
                result = run_intake(
                    operation, get_agency(form.cleaned_data["agency"], "agency"), data,
                    file_name=Path(upload.name).name,
                    fmt=form.cleaned_data["format"] or ("pfif" if kind == "xml" else kind),
                    user=request.user,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                stored = _batch_with_rejects(operation, result)
                if stored is not None:
                    _keep_for_rejects(stored, data)
        if result is None:
            status = 200 if request.htmx else 422
    context = {
        "operation": operation, "nav": "intake", "form": form, "result": result,
        "stored": stored,
        "batches": ImportBatch.objects.filter(operation=operation)
        .select_related("agency", "created_by")[:RECENT_BATCHES],
    }
    if request.htmx:
        return render(request, "web/partials/intake_result.html", context, status=status)
    return render(request, "web/intake.html", context, status=status)


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
