from django.urls import path

from reunite.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("children/<int:child_id>/", views.child_views, name="child_views"),
]
