from django.urls import path

from reunite.core import converters  # noqa: F401  (registers <id:…>)
from reunite.web.views import (
    actions,
    children,
    dashboard,
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
