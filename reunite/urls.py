from django.contrib import admin
from django.urls import include, path

from reunite.web.urls import accounts_patterns, audit_patterns, documents_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("reunite.api.urls")),
    path("accounts/", include(accounts_patterns)),
    path("audit/", include(audit_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(documents_patterns)),
    path("", include("reunite.web.urls")),
]

handler400 = "reunite.api.errors.handler400"
handler403 = "reunite.api.errors.handler403"
handler404 = "reunite.api.errors.handler404"
handler500 = "reunite.api.errors.handler500"
