from django.urls import re_path

from reunite.audit import api

# Every path answers with and without its trailing slash (DESIGN §6).
urlpatterns = [
    re_path(r"^events/?$", api.AuditEventsView.as_view(), name="audit-events"),
    re_path(r"^children/(?P<child_id>[^/]+)/views/?$", api.ChildViewsView.as_view(),
            name="audit-child-views"),
]
