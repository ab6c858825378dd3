"""GET /operations/{id}/report: the results report; the public version carries aggregates only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from reunite.access.policy import Cap, has_cap, require
from reunite.access.scoping import get_operation_for
from reunite.api.base import ApiView, query_flag, refusals
from reunite.audit import log
from reunite.reports.compute import build_report


class ReportView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("public", OpenApiTypes.BOOL,
                                     description="Aggregates only (always, for press officers)")],
        responses={200: OpenApiTypes.OBJECT, **refusals(400, 401, 403, 404)},
        summary="The results report as JSON",
    )
    def get(self, request, operation_id):
        user = request.user
        public = query_flag(request, "public")
        if not has_cap(user, Cap.VIEW_REPORT):
            # A press officer may have the public report only: give it rather than refuse.
            require(user, Cap.VIEW_PUBLIC_REPORT)
            public = True
        operation = get_operation_for(user, operation_id)
        report = build_report(operation, public=public)
        log.record("report.view", operation, operation_id=operation.pk,
                   changes={"public": public})
        return Response(report)
