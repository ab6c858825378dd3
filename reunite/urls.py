from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("reunite.api.urls")),
    path("accounts/", include("reunite.accounts.urls")),
    path("audit/", include("reunite.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("reunite.documents.urls")),
    path("", include("reunite.web.urls")),
]

handler400 = "reunite.api.errors.handler400"
handler403 = "reunite.api.errors.handler403"
handler404 = "reunite.api.errors.handler404"
handler500 = "reunite.api.errors.handler500"
