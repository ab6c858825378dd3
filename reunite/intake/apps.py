from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "reunite.intake"
    label = "intake"
