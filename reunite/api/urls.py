"""/api/v1/ (docs/api.md). Every path answers with and without its trailing slash."""

from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from reunite.api.errors import not_found
from reunite.api.views.actions import (
    ActivitiesView,
    AssignView,
    InvestigationsView,
    LocalCaseCloseView,
    NCICClearView,
    OutcomeView,
    ScreeningsView,
    ServicesView,
)
from reunite.api.views.agencies import AgenciesView
from reunite.api.views.audit import AuditEventsView, ChildViewsView
from reunite.api.views.auth import TokenView
from reunite.api.views.clocks import ClocksView
from reunite.api.views.documents import (
    AttachmentsView,
    DocumentFileView,
    DocumentView,
    PhotosView,
)
from reunite.api.views.files import ExportView, IntakeJobRetryView, IntakeJobView, IntakeView
from reunite.api.views.operations import OperationsView, OperationView
from reunite.api.views.reports import ReportView
from reunite.api.views.review import ReviewDecisionView, ReviewQueueView
from reunite.api.views.split import SplitView
from reunite.api.views.targets import TargetListView, TargetView

app_name = "api"

OPERATION = r"operations/(?P<operation_id>[^/]+)"
TARGET = r"targets/(?P<target_id>[^/]+)"


def route(pattern: str, view, name: str):
    """`pattern` and `pattern/` both, without a redirect (a redirect would drop a POST body)."""
    return re_path(rf"^{pattern}/?$", view, name=name)


urlpatterns = [
    route("schema", SpectacularAPIView.as_view(), "schema"),
    route("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), "docs"),
    route("redoc", SpectacularRedocView.as_view(url_name="api:schema"), "redoc"),
    route("auth/token", TokenView.as_view(), "token"),
    route("agencies", AgenciesView.as_view(), "agencies"),
    route("operations", OperationsView.as_view(), "operations"),
    route(OPERATION, OperationView.as_view(), "operation"),
    route(f"{OPERATION}/targets", TargetListView.as_view(), "targets"),
    route(f"{OPERATION}/review", ReviewQueueView.as_view(), "review-queue"),
    route(f"{OPERATION}/investigations", InvestigationsView.as_view(), "investigations"),
    route(f"{OPERATION}/report", ReportView.as_view(), "report"),
    route(f"{OPERATION}/intake", IntakeView.as_view(), "intake"),
    route(f"{OPERATION}/export", ExportView.as_view(), "export"),
    route(TARGET, TargetView.as_view(), "target"),
    route(f"{TARGET}/outcome", OutcomeView.as_view(), "outcome"),
    route(f"{TARGET}/ncic-clear", NCICClearView.as_view(), "ncic-clear"),
    route(f"{TARGET}/local-case-close", LocalCaseCloseView.as_view(), "local-case-close"),
    route(f"{TARGET}/services", ServicesView.as_view(), "services"),
    route(f"{TARGET}/screenings", ScreeningsView.as_view(), "screenings"),
    route(f"{TARGET}/activities", ActivitiesView.as_view(), "activities"),
    route(f"{TARGET}/assign", AssignView.as_view(), "assign"),
    route(f"{TARGET}/split", SplitView.as_view(), "split"),
    route(f"{TARGET}/clocks", ClocksView.as_view(), "clocks"),
    route(f"{TARGET}/photos", PhotosView.as_view(), "photos"),
    route(f"{TARGET}/attachments", AttachmentsView.as_view(), "attachments"),
    route(r"documents/(?P<document_id>[^/]+)", DocumentView.as_view(), "document"),
    route(r"documents/(?P<document_id>[^/]+)/file", DocumentFileView.as_view(), "document-file"),
    route(r"review/(?P<review_id>[^/]+)", ReviewDecisionView.as_view(), "review-decision"),
    route(r"intake-jobs/(?P<job_id>[^/]+)", IntakeJobView.as_view(), "intake-job"),
    route(r"intake-jobs/(?P<job_id>[^/]+)/retry", IntakeJobRetryView.as_view(), "intake-job-retry"),
    # Other apps' endpoints under /api/v1/ go here, before the catch-all below.
    route(r"audit/events", AuditEventsView.as_view(), "audit-events"),
    route(r"audit/children/(?P<child_id>[^/]+)/views", ChildViewsView.as_view(),
          "audit-child-views"),
    # Anything else under /api/v1/ is a JSON 404, never an HTML page.
    re_path(r"^[\s\S]*$", not_found, name="not-found"),  # newlines too
]
