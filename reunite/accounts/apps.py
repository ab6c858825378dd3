from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reunite.accounts"
    label = "accounts"

    def ready(self):
        from reunite.accounts import signals  # noqa: F401  (connects the audit receivers)
