from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "reunite.matching"
    verbose_name = "Matching"
