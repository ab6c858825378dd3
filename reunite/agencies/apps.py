from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "reunite.agencies"
    label = "agencies"
