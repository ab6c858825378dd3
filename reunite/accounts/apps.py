from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reunite.accounts"
    label = "accounts"
