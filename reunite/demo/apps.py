from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "reunite.demo"
    label = "demo"
