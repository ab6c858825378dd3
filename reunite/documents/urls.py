from django.urls import path

from reunite.documents import web

app_name = "documents"
urlpatterns = [
    path("children/<int:pk>/photos/", web.add_photo, name="add_photo"),
    path("children/<int:pk>/attachments/", web.add_attachment, name="add_attachment"),
    path("children/<int:pk>/documents/<int:document_id>/remove/", web.remove, name="remove"),
    path("children/<int:pk>/poster.pdf", web.poster, name="poster"),
]
