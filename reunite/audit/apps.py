from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reunite.audit"
    label = "audit"

    def ready(self):
        from reunite.audit import signals

        signals.connect()
