from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "reunite.retention"
    label = "retention"
