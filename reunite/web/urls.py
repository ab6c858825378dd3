from django.urls import path

from reunite.core import converters  # noqa: F401  (registers <id:…>)
from reunite.web.views import (
    accounts,
    actions,
    audit,
    children,
    dashboard,
    documents,
    home,
    intake,
    report,
    review,
    split,
)

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("language/", home.set_language, name="language"),
    path("ops/<str:op>/", dashboard.dashboard, name="dashboard"),
    path("ops/<str:op>/children/", children.children, name="children"),
    path("ops/<str:op>/children/export.csv", children.export, name="export"),
    path("ops/<str:op>/children/export.xlsx", children.export, {"fmt": "xlsx"},
         name="export_xlsx"),
    path("ops/<str:op>/intake/", intake.intake, name="intake"),
    path("ops/<str:op>/intake/<id:pk>/", intake.batch, name="batch"),
    path("ops/<str:op>/intake/jobs/<id:pk>/", intake.intake_job, name="intake_job"),
    path("ops/<str:op>/intake/<id:pk>/rejects.csv", intake.rejects, name="rejects"),
    path("ops/<str:op>/review/", review.review, name="review"),
    path("ops/<str:op>/report/", report.report, name="report"),
    path("ops/<str:op>/report.pdf", report.report_pdf, name="report_pdf"),
    path("children/<id:pk>/", children.child, name="child"),
    path("children/<id:pk>/split/", split.split, name="split"),
    path("children/<id:pk>/<slug:name>/", actions.action, name="action"),
    path("review/<id:pk>/decide/", review.decide, name="decide"),
]

# Every page lives in reunite/web; these keep their own URL namespaces ("accounts:login",
# "audit:events", "documents:poster") and are mounted by reunite/urls.py.
accounts_patterns = ([
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("verify/", accounts.verify, name="verify"),
    path("enrol/", accounts.enrol, name="enrol"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
], "accounts")

audit_patterns = ([
    path("", audit.events, name="events"),
    path("children/<id:child_id>/", audit.child_views, name="child_views"),
], "audit")

documents_patterns = ([
    path("children/<int:pk>/photos/", documents.add_photo, name="add_photo"),
    path("children/<int:pk>/attachments/", documents.add_attachment, name="add_attachment"),
    path("children/<int:pk>/documents/<int:document_id>/remove/", documents.remove, name="remove"),
    path("children/<int:pk>/poster.pdf", documents.poster, name="poster"),
], "documents")
