"""The results report on a page, as PDF, and its public version (aggregates only)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from reunite.access.policy import Cap, has_cap
from reunite.access.scoping import get_operation_for
from reunite.core.errors import Forbidden
from reunite.reports.compute import build_report
from reunite.reports.render import render_report_fragment
from reunite.reports.services import generate, record_generated
from reunite.web.access import page


def _public_only(request) -> bool:
    """PIOs (and anyone asking for it) get the public version; others may choose."""
    if not has_cap(request.user, Cap.VIEW_REPORT):
        if not has_cap(request.user, Cap.VIEW_PUBLIC_REPORT):
            raise Forbidden("forbidden", "Your role does not allow reading the report.")
        return True
    return request.GET.get("public") == "1"


@page()
def report(request, op):
    operation = get_operation_for(request.user, op)
    public = _public_only(request)
    data = build_report(operation, public=public)
    record_generated(operation, fmt="html", public=public)
    return render(request, "web/report.html", {
        "operation": operation, "nav": "report", "public": public,
        "may_see_full": has_cap(request.user, Cap.VIEW_REPORT),
        "fragment": mark_safe(render_report_fragment(data, styles=False)),  # noqa: S308
    })


@page()
def report_pdf(request, op):
    operation = get_operation_for(request.user, op)
    public = _public_only(request)
    content = generate(operation, fmt="pdf", public=public)
    response = HttpResponse(content, content_type="application/pdf")
    suffix = "-public" if public else ""
    response["Content-Disposition"] = (
        f'attachment; filename="{operation.slug}-report{suffix}.pdf"'
    )
    return response
