from django.urls import path

from reunite.web.views import actions, children, dashboard, home, intake, report, review

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("language/", home.set_language, name="language"),
    path("ops/<str:op>/", dashboard.dashboard, name="dashboard"),
    path("ops/<str:op>/children/", children.children, name="children"),
    path("ops/<str:op>/children/export.csv", children.export, name="export"),
    path("ops/<str:op>/intake/", intake.intake, name="intake"),
    path("ops/<str:op>/intake/<int:pk>/", intake.batch, name="batch"),
    path("ops/<str:op>/intake/jobs/<int:pk>/", intake.intake_job, name="intake_job"),
    path("ops/<str:op>/intake/<int:pk>/rejects.csv", intake.rejects, name="rejects"),
    path("ops/<str:op>/review/", review.review, name="review"),
    path("ops/<str:op>/report/", report.report, name="report"),
    path("ops/<str:op>/report.pdf", report.report_pdf, name="report_pdf"),
    path("children/<int:pk>/", children.child, name="child"),
    path("children/<int:pk>/<slug:name>/", actions.action, name="action"),
    path("review/<int:pk>/decide/", review.decide, name="decide"),
]
