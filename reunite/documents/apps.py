from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "reunite.documents"
    label = "documents"
