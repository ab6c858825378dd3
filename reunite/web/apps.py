from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "reunite.web"
    label = "web"
