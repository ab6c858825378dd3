"""Lists coming in (POST /operations/{id}/intake; large files as background jobs, followed at
GET /intake-jobs/{id}) and going out (GET /operations/{id}/export)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from reunite.access.policy import Cap, export_withheld, require
from reunite.access.scoping import get_operation_for, targets_for
from reunite.agencies.services import get_agency
from reunite.api.base import ApiView, refusals
from reunite.api.inputs import IntakeInput, IntakeJobOutput, IntakeSummary
from reunite.core.errors import DomainError
from reunite.core.uploads import check_upload
from reunite.intake.exporters import EXPORT_FORMATS, export_operation
from reunite.intake.jobs import get_job, goes_to_background, job_json, queue_intake, retry_job
from reunite.intake.services import run_intake


class IntakeView(ApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": IntakeInput},
        responses={201: IntakeSummary, 200: OpenApiResponse(IntakeSummary, "The same file again: "
                                                            "nothing changed"),
                   202: OpenApiResponse(IntakeJobOutput, "A large file: queued as a background "
                                        "job; follow it at /api/v1/intake-jobs/{id}"),
                   **refusals(400, 401, 403, 404, 413)},
        summary="Import an agency's list (CSV, XLSX or PFIF) into the operation",
    )
    def post(self, request, operation_id):
        require(request.user, Cap.INTAKE)
        operation = get_operation_for(request.user, operation_id)
        data = self.shaped(IntakeInput)
        upload = data["file"]
        check_upload(upload, data.get("format") or None)
        agency, content = get_agency(data["source"], "source"), upload.read()
        fmt = data.get("format") or None
        options = {"date_order": data.get("date_order") or None,
                   "sheet": data.get("sheet") or None}
        if not data.get("dry_run", False) and goes_to_background(content, upload.name, fmt):
            job = queue_intake(operation, agency, content, file_name=upload.name, fmt=fmt,
                               user=request.user, options=options)
            return Response(job_json(job), status=status.HTTP_202_ACCEPTED)
        batch = run_intake(
            operation, agency, content, file_name=upload.name, fmt=fmt, user=request.user,
            dry_run=data.get("dry_run", False), **options,
        )
        if data.get("dry_run"):
            return Response({
                **batch.report(), "dry_run": True, "accepted": batch.accepted,
                "already_imported": getattr(batch, "already_imported", False),
                "preview": batch.preview,
            }, status=status.HTTP_200_OK)
        # A file received before creates no batch: nothing was created, so 200 rather than 201.
        code = status.HTTP_201_CREATED if batch.pk else status.HTTP_200_OK
        return Response(batch.report(), status=code)


def _visible_job(request, job_id):
    """The job, if the caller may import into its operation (else 404, as for the operation)."""
    require(request.user, Cap.INTAKE)
    job = get_job(job_id)
    get_operation_for(request.user, job.operation_id)
    return job


class IntakeJobView(ApiView):
    @extend_schema(responses={200: IntakeJobOutput, **refusals(401, 403, 404)},
                   summary="A background import: its status, progress and, once done, result")
    def get(self, request, job_id):
        return Response(job_json(_visible_job(request, job_id)))


class IntakeJobRetryView(ApiView):
    @extend_schema(request=None, responses={202: IntakeJobOutput, **refusals(401, 403, 404, 409)},
                   summary="Run a failed background import again (its file is kept until done)")
    def post(self, request, job_id):
        job = retry_job(_visible_job(request, job_id), user=request.user)
        return Response(job_json(job), status=status.HTTP_202_ACCEPTED)


class ExportView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_FORMATS),
                                     description="csv or xlsx (the intake format), or pfif "
                                                 "(PFIF 1.4)")],
        responses={(200, "text/csv"): OpenApiTypes.BINARY,
                   (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                       OpenApiTypes.BINARY,
                   (200, "application/xml"): OpenApiTypes.BINARY,
                   **refusals(400, 401, 403, 404)},
        summary="The operation's list as a file",
    )
    def get(self, request, operation_id):
        require(request.user, Cap.EXPORT)
        operation = get_operation_for(request.user, operation_id)
        fmt = request.query_params.get("format", "csv")
        if not fmt.strip():  # `?format=` names no format (the schema's enum): not csv by default
            raise DomainError("invalid_format", _("Name an export format: csv, xlsx or pfif."),
                              "format")
        export = export_operation(
            operation, targets_for(request.user, operation), fmt,
            withhold=export_withheld(request.user),
        )
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
        return response

    def perform_content_negotiation(self, request, force=False):
        # `?format=` names the file format here, not a DRF renderer; errors stay JSON.
        return JSONRenderer(), JSONRenderer.media_type
