from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import MastodonOAuth2Adapter


class MastodonAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.extra_data.get("url")

    def get_avatar_url(self):
        return self.account.extra_data.get("avatar_static")


class MastodonProvider(OAuth2Provider):
    id = "mastodon"
    name = "Mastodon"
    account_class = MastodonAccount
    oauth2_adapter_class = MastodonOAuth2Adapter

    def get_default_scope(self):
        return ["read:accounts"]

    def extract_uid(self, data):
        return str(data["id"])

    def extract_common_fields(self, data):
        return {"username": data.get("username"), "first_name": data.get("display_name", "")}


provider_classes = [MastodonProvider]
