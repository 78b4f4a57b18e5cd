from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hubbub.accounts"
    label = "hubbub_accounts"
    verbose_name = "Accounts"
