from django.urls import path

from reunite.audit import views
from reunite.core import converters  # noqa: F401  (registers <id:…>)

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("children/<id:child_id>/", views.child_views, name="child_views"),
]
