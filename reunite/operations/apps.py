from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "reunite.operations"
    label = "operations"
