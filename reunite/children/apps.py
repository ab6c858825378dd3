from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "reunite.children"
    label = "children"
