from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reunite.audit"
    label = "audit"
